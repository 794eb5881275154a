/**
 * Test helpers: a real server on a free port with a temporary SQLite directory, an HTTP client with a cookie
 * jar, and real y-websocket clients (the unmodified `WebsocketProvider`) that carry the session cookie.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { makeConfig } from "../config";
import type { Config } from "../config";
import { startServer } from "../server";
import type { RunningServer } from "../server";
import { apiClient } from "../../shared/api-client";
import type { TypedApi } from "../../shared/api-client";

/** Cheap Argon2 parameters for tests only (production uses m=19456, t=2, p=1: see config.ts). */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A fresh temporary data directory. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "concord-test-"));
}

/** Starts an in-process server on a free port. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<RunningServer> {
  return startServer(makeConfig({ dataDir: tempDataDir(), port: 0, argon2: TEST_ARGON2, ...overrides }));
}

/**
 * An HTTP client that keeps its session cookie and sends the server's own Origin. `api` is the typed client
 * the browser uses (shared/api-client.ts): it resolves with the route's DTO or throws an `ApiRequestError`.
 * `request` and its shorthands send anything (malformed bodies, unknown routes) and return the raw status.
 */
export class ApiClient {
  cookie = "";
  /** Every route of shared/api-routes.ts, typed, sent with this client's cookie and Origin. */
  readonly api: TypedApi = apiClient((pathname, init) => this.send(pathname, init));
  constructor(
    readonly baseUrl: string,
    public origin: string | null = baseUrl,
  ) {}

  /** One request with the cookie jar and Origin; keeps the session cookie the server sets. */
  private async send(pathname: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    if (this.origin) headers.set("origin", this.origin);
    const res = await fetch(this.baseUrl + pathname, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [name, value] = pair.split("=");
      if (name === "concord_session") this.cookie = value ? `${name}=${value}` : "";
    }
    return res;
  }

  async request(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; json: any; headers: Headers; text: string }> {
    const res = await this.send(pathname, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, headers: res.headers, text };
  }

  get = (p: string) => this.request("GET", p);
  post = (p: string, b?: unknown) => this.request("POST", p, b ?? {});
  patch = (p: string, b?: unknown) => this.request("PATCH", p, b ?? {});
  delete = (p: string, b?: unknown) => this.request("DELETE", p, b);
}

let counter = 0;

/** Signs up a new user; returns a logged-in client. */
export async function signUp(
  baseUrl: string,
  name = `User ${++counter}`,
): Promise<ApiClient & { userId: string; email: string }> {
  const client = new ApiClient(baseUrl) as ApiClient & { userId: string; email: string };
  const local = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
  const email = `${local || "user"}.${Date.now()}.${++counter}@example.org`;
  const { user } = await client.api.signup({ email, password: "correct horse battery", name });
  client.userId = user.id;
  client.email = email;
  return client;
}

/** A convener with a new statement and members of the given roles. */
export async function statementWithMembers(
  baseUrl: string,
  roles: Array<"drafter" | "reviewer" | "observer" | "convener">,
) {
  const convener = await signUp(baseUrl, "Convener");
  const { statement } = await convener.api.createStatement({ title: "Statement of Purpose" });
  const statementId = statement.id;
  const members = [];
  for (const role of roles) {
    const m = await signUp(baseUrl, role);
    await convener.api.addMember(statementId, { email: m.email, role });
    members.push(m);
  }
  return { convener, statementId, members };
}

/** A `ws` WebSocket class that sends a cookie and an Origin, for y-websocket's `WebSocketPolyfill`. */
export function authedWebSocketClass(cookie: string, origin: string | null): typeof WebSocket {
  return class AuthedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      const headers: Record<string, string> = {};
      if (cookie) headers.cookie = cookie;
      if (origin) headers.origin = origin;
      super(address, protocols, { headers });
    }
  } as typeof WebSocket;
}

/** A real y-websocket client connected to a statement. */
export function connectProvider(
  baseUrl: string,
  statementId: string,
  client: ApiClient,
  opts: { origin?: string | null } = {},
) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, "ws") + "/ws", statementId, doc, {
    WebSocketPolyfill: authedWebSocketClass(
      client.cookie,
      opts.origin === undefined ? client.origin : opts.origin,
    ) as never,
    disableBc: true,
  });
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves when the provider has synced with the server. */
export function synced(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("provider did not sync")), timeoutMs);
    provider.on("sync", (s: boolean) => {
      if (s) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const received = new WeakMap<WebSocket, Uint8Array[]>();

/** Every frame a raw socket has received so far (recorded from before it opened, so none is missed). */
export function receivedFrames(ws: WebSocket): Uint8Array[] {
  return received.get(ws) ?? [];
}

/** Opens a raw WebSocket (for malformed, oversized or forbidden frames); resolves once open or rejects. */
export function rawSocket(
  baseUrl: string,
  statementId: string,
  cookie: string,
  origin: string | null = baseUrl,
): Promise<WebSocket> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws/${statementId}`, { headers });
  const frames: Uint8Array[] = [];
  received.set(ws, frames);
  ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** The HTTP status with which an upgrade is refused (or 101 when it is accepted). */
export function upgradeStatus(
  baseUrl: string,
  statementId: string,
  cookie: string,
  origin: string | null,
): Promise<number> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws/${statementId}`, { headers });
  return new Promise((resolve) => {
    ws.once("open", () => {
      ws.terminate();
      resolve(101);
    });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("error", () => resolve(0));
  });
}

/** Resolves with the close code of a socket. */
export function closeCode(ws: WebSocket, timeoutMs = 5000): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("socket did not close")), timeoutMs);
    ws.once("close", (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** A server running in its own process (for kill -9 and restart tests). */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `server/main.ts` in a child process on a free port with the given data directory. */
export async function spawnServer(dataDir: string, port = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server/main.ts")], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG: "0", CLIENT_DIR: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return {
    url,
    child,
    stop(signal = "SIGTERM") {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}
