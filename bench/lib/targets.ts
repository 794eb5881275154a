/**
 * The servers under test and how a bench client talks to each: start/stop the process, make a document,
 * connect a real provider or a raw-protocol client.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { freePort, spawnServer, type ServerProcess } from "./proc";
import { isUpdateFrame, openRaw, type Dialect, type RawClient } from "./protocol";

export type TargetName = "ours" | "yws" | "hocuspocus";
export const TARGETS: TargetName[] = ["ours", "yws", "hocuspocus"];
export const LABELS: Record<TargetName, string> = {
  ours: "Concord",
  yws: "y-websocket",
  hocuspocus: "Hocuspocus",
};

export interface ProviderClient {
  doc: Y.Doc;
  /** Resolves when the provider reports its first full sync. */
  synced: Promise<void>;
  /** Document updates the server delivered to this client so far (sync update frames, echoes included). */
  updatesIn(): number;
  destroy(): void;
}

export interface Instance {
  target: TargetName;
  proc: ServerProcess;
  dialect: Dialect;
  /** Makes `n` new documents and returns their room names. */
  newDocs(n: number): Promise<string[]>;
  provider(room: string, doc?: Y.Doc): ProviderClient;
  raw(room: string, onFrame?: (data: Buffer) => void): Promise<RawClient>;
  /** Stops the process and starts it again on the same port and storage (ours only). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra node flags for the server process, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Where ours writes `--cpu-prof` output etc. */
  cwd?: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
let seq = 0;
const uniq = () => `${process.pid.toString(36)}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/** Counts the sync update frames a client receives, read from the frame's first bytes (never decoded further). */
class UpdateCounter {
  n = 0;
  constructor(private readonly dialect: Dialect) {}
  observe(data: unknown): void {
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : Array.isArray(data)
          ? Buffer.concat(data as Buffer[])
          : (data as Uint8Array);
    if (isUpdateFrame(bytes, this.dialect)) this.n++;
  }
}

/**
 * The providers want a WebSocket class; this one adds our auth headers (when any) and counts the update
 * frames delivered to it, so that every server's deliveries are counted the same way: as frames received.
 */
function wsClass(headers: Record<string, string>, counter: UpdateCounter): typeof WebSocket {
  return class CountingWS extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers, perMessageDeflate: false });
      this.on("message", (data) => counter.observe(data));
    }
  } as unknown as typeof WebSocket;
}

function ywsProvider(url: string, room: string, doc: Y.Doc, headers: Record<string, string>): ProviderClient {
  const counter = new UpdateCounter("yws");
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: wsClass(headers, counter) as never,
    disableBc: true,
  });
  // No awareness traffic during measurements: a null local state is never renewed.
  provider.awareness.setLocalState(null);
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) return resolve();
    const onSync = (s: boolean) => {
      if (s) {
        provider.off("sync", onSync);
        resolve();
      }
    };
    provider.on("sync", onSync);
  });
  return {
    doc,
    synced,
    updatesIn: () => counter.n,
    destroy: () => provider.destroy(),
  };
}

function hocuspocusProvider(url: string, room: string, doc: Y.Doc): ProviderClient {
  let resolveSynced!: () => void;
  const synced = new Promise<void>((r) => (resolveSynced = r));
  const counter = new UpdateCounter("hocuspocus");
  const provider = new HocuspocusProvider({
    url,
    name: room,
    document: doc,
    WebSocketPolyfill: wsClass({}, counter) as never,
    onSynced: () => resolveSynced(),
  } as never);
  provider.awareness?.setLocalState(null);
  return {
    doc,
    synced,
    updatesIn: () => counter.n,
    destroy: () => provider.destroy(),
  };
}

/**
 * Each reference runs as its package ships, under node alone: y-websocket is its package's own `src/server.js`
 * (with the `ws` 6 its package installs for it in its own node_modules, not the `ws` 8 our server uses), and
 * Hocuspocus is `new Server().listen()` from its documentation (it depends on `ws` 8).
 */
const REFERENCE_SCRIPTS = {
  yws: { script: "node_modules/@y/websocket-server/src/server.js", ready: /running at/ },
  hocuspocus: { script: "bench/servers/hocuspocus.mjs", ready: /READY \d+/ },
};

async function startReference(target: "yws" | "hocuspocus", opts: StartOptions): Promise<Instance> {
  const port = await freePort();
  const { script, ready } = REFERENCE_SCRIPTS[target];
  const proc = await spawnServer({
    args: [path.join(ROOT, script)],
    env: { PORT: String(port), HOST: "127.0.0.1" },
    port,
    ready,
    nodeFlags: opts.nodeFlags,
    cwd: opts.cwd ?? ROOT,
    tsx: false,
  });
  const url = `ws://127.0.0.1:${port}`;
  const dialect: Dialect = target === "yws" ? "yws" : "hocuspocus";
  return {
    target,
    proc,
    dialect,
    async newDocs(n) {
      return Array.from({ length: n }, () => `bench-${uniq()}`);
    },
    provider(room, doc = new Y.Doc()) {
      return target === "yws" ? ywsProvider(url, room, doc, {}) : hocuspocusProvider(url, room, doc);
    },
    raw(room, onFrame) {
      return openRaw({ url: target === "yws" ? `${url}/${room}` : url, room, dialect, onFrame });
    },
    async restart() {
      throw new Error(`${target} keeps documents in memory only; nothing to restart from`);
    },
    stop: () => proc.stop(),
  };
}

async function api(base: string, origin: string, method: string, p: string, body: unknown, cookie?: string) {
  const res = await fetch(base + p, {
    method,
    headers: {
      "content-type": "application/json",
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
  return { res, json: text ? JSON.parse(text) : null };
}

let built: Promise<string> | null = null;

/**
 * Ours as it ships: `npm start` bundles the server with esbuild (the `build:server` script's options) and runs
 * the bundle with `node --enable-source-maps`. Built once per bench process into its own file under dist/ (two
 * levels below the checkout, like dist/server/main.js, so that the bundle finds the sources it reads at run
 * time), never over anyone's dist/server.
 */
function buildOurs(): Promise<string> {
  built ??= (async () => {
    const { build } = await import("esbuild");
    const outfile = path.join(ROOT, "dist", `bench-server-${process.pid}`, "main.js");
    await build({
      entryPoints: [path.join(ROOT, "server/main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      target: "node20",
      sourcemap: true,
      outfile,
      logLevel: "warning",
    });
    process.once("exit", () => fs.rmSync(path.dirname(outfile), { recursive: true, force: true }));
    return outfile;
  })();
  return built;
}

async function startOurs(opts: StartOptions): Promise<Instance> {
  const script = await buildOurs();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concord-bench-"));
  const origin = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG: "0",
    ORIGIN: origin,
    CLIENT_DIR: "",
    // The per-connection rate limit stays as shipped (MAX_MESSAGES_PER_SECOND, 400 a second).
    // All of the bench's clients sign in as one user; the cap of 20 sockets per user would refuse them (a real
    // room of 200 is 200 users, each well under the cap).
    MAX_CONNECTIONS_PER_USER: "1000000",
  };
  const spawnIt = () =>
    spawnServer({
      args: [script],
      env,
      port,
      ready: /Concord listening on/,
      nodeFlags: ["--enable-source-maps", ...(opts.nodeFlags ?? [])],
      tsx: false,
      cwd: opts.cwd ?? ROOT,
    });
  let proc = await spawnIt();
  const base = origin;
  const signup = await api(base, origin, "POST", "/api/auth/signup", {
    email: `bench-${uniq()}@example.org`,
    password: "bench-password-not-secret-1234",
    name: "Bench",
  });
  const setCookie = signup.res.headers.get("set-cookie") ?? "";
  const m = /concord_session=[^;]+/.exec(setCookie);
  if (!m) throw new Error(`signup returned no session cookie: ${setCookie}`);
  const cookie = m[0];
  const headers = { cookie, origin };
  const url = `ws://127.0.0.1:${port}/ws`;
  const instance: Instance = {
    target: "ours",
    proc,
    dialect: "yws",
    async newDocs(n) {
      const ids: string[] = [];
      // A few requests in flight at a time: fast, and no burst the server would have to queue.
      const CONC = 8;
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const i = next++;
          const { json } = await api(base, origin, "POST", "/api/statements", { title: `Bench ${i}` }, cookie);
          const id = json?.statement?.id ?? json?.id;
          if (!id) throw new Error(`POST /api/statements returned no id: ${JSON.stringify(json).slice(0, 200)}`);
          ids[i] = id;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONC, n) }, worker));
      return ids;
    },
    provider(room, doc = new Y.Doc()) {
      return ywsProvider(url, room, doc, headers);
    },
    raw(room, onFrame) {
      return openRaw({ url: `${url}/${room}`, room, dialect: "yws", headers, onFrame });
    },
    async restart() {
      await proc.stop();
      proc = await spawnIt();
      instance.proc = proc;
    },
    async stop() {
      try {
        await proc.stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return instance;
}

export function startTarget(target: TargetName, opts: StartOptions = {}): Promise<Instance> {
  return target === "ours" ? startOurs(opts) : startReference(target, opts);
}

/** Whether our server exists in this checkout (the bench still runs the references without it). */
export function oursAvailable(): boolean {
  return fs.existsSync(path.join(ROOT, "server/main.ts"));
}
