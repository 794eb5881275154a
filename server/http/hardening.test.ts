/**
 * HTTP and realtime hardening, probed as an attacker would: security headers on every kind of response, an
 * oversized body refused before it is read, no source maps, a per-user cap on sockets, and a flood of hostile
 * frames that cannot flood the log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import * as encoding from "lib0/encoding";
import type WebSocket from "ws";
import type { RunningServer } from "../server";
import { startServer } from "../server";
import { makeConfig } from "../config";
import {
  ApiClient,
  TEST_ARGON2,
  closeCode,
  eventually,
  rawSocket,
  signUp,
  startTestServer,
  statementWithMembers,
  tempDataDir,
} from "../testing/harness";
import { CloseCode, MessageType } from "../../shared/protocol";

/** A built client in miniature: the HTML shell, a hashed script and the source map a build might leave. */
function fakeClientDir(): string {
  const dir = tempDataDir();
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(
    path.join(dir, "index.html"),
    '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(
    path.join(dir, "assets", "app-1a2b3c.js"),
    "console.log('app');\n//# sourceMappingURL=app-1a2b3c.js.map\n",
  );
  fs.writeFileSync(
    path.join(dir, "assets", "app-1a2b3c.js.map"),
    JSON.stringify({ version: 3, sources: ["../../client/secret.ts"], mappings: "" }),
  );
  fs.writeFileSync(path.join(dir, "robots.txt"), "User-agent: *\n");
  return dir;
}

/** Parses a Content-Security-Policy into directive → sources. */
function csp(header: string | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (header ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

function expectSecurityHeaders(res: Response, what: string): void {
  const policy = csp(res.headers.get("content-security-policy"));
  expect(policy["script-src"], what).toEqual(["'self'"]);
  expect(policy["frame-ancestors"], what).toEqual(["'none'"]);
  expect(policy["object-src"], what).toEqual(["'none'"]);
  expect(policy["default-src"], what).toEqual(["'self'"]);
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("same-origin");
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
}

describe("security headers, body limit, source maps", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ clientDir: fakeClientDir() });
  });
  afterAll(async () => {
    await server.close();
  });

  it("every kind of response carries CSP (no inline script, no framing), nosniff and Referrer-Policy", async () => {
    const u = await signUp(server.url, "Headers");
    const cases: Array<[string, Promise<Response>]> = [
      ["HTML shell", fetch(`${server.url}/`)],
      ["SPA route", fetch(`${server.url}/statements/abc`)],
      ["static asset", fetch(`${server.url}/assets/app-1a2b3c.js`)],
      ["static file", fetch(`${server.url}/robots.txt`)],
      ["API 200", fetch(`${server.url}/api/me`, { headers: { cookie: u.cookie } })],
      ["API 401", fetch(`${server.url}/api/me`)],
      ["API 404", fetch(`${server.url}/api/nothing-here`)],
      [
        "API 400",
        fetch(`${server.url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{",
        }),
      ],
      ["WebSocket refusal", fetch(`${server.url}/ws/nothing`)],
    ];
    for (const [what, p] of cases) {
      const res = await p;
      await res.arrayBuffer();
      expectSecurityHeaders(res, what);
    }
    const html = await fetch(`${server.url}/`);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    const style = csp(html.headers.get("content-security-policy"))["style-src"];
    // Styles may be inline (ProseMirror and the caret set style attributes); scripts never.
    expect(style).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("serves no source map, under any path", async () => {
    for (const p of ["/assets/app-1a2b3c.js.map", "/assets/missing.js.map", "/app.js.map", "/api/x.map"]) {
      const res = await fetch(server.url + p);
      const text = await res.text();
      expect(res.status, p).toBe(404);
      expect(text).not.toContain("secret.ts");
      expect(text).not.toContain("<html");
    }
    // A missing asset is a 404 too, not the HTML shell a script tag would try to run.
    expect((await fetch(`${server.url}/assets/nope.js`)).status).toBe(404);
  });

  it("refuses a 2 MB JSON body with 413 from its Content-Length, before reading it", async () => {
    const big = JSON.stringify({ email: "a@example.org", password: "x".repeat(2 * 1024 * 1024) });
    const viaFetch = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: big,
    });
    expect(viaFetch.status).toBe(413);
    expect((await viaFetch.json()).error.code).toBe("too_large");

    // Announce 2 MB, send 10 bytes, and wait: the answer comes without the rest ever being sent.
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: "/api/statements",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write('{"title":"');
      setTimeout(() => reject(new Error("no answer before the body was sent: the server waited to read it")), 3000);
    });
    expect(status).toBe(413);
  });

  it("refuses a streamed body (no Content-Length) once it passes the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("keeps the comment routes' own, lower limit", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const r = await convener.post(`/api/statements/${statementId}/threads`, {
      clauseId: "c1",
      body: "x".repeat(100 * 1024),
    });
    expect(r.status).toBe(413);
  });
});

describe("connections per user", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("refuses the 21st WebSocket of one user with close code 4429, across statements; a freed slot can be reused", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const second = (await convener.post("/api/statements", { title: "Another" })).json.statement.id as string;
    const open: WebSocket[] = [];
    for (let i = 0; i < 20; i++) open.push(await rawSocket(server.url, i % 2 ? statementId : second, convener.cookie));
    const extra = await rawSocket(server.url, statementId, convener.cookie);
    const code = await closeCode(extra, 3000);
    expect(code).toBe(CloseCode.tooManyConnections);
    expect(CloseCode.tooManyConnections).toBe(4429);
    // Every one of the twenty is still open.
    await new Promise((r) => setTimeout(r, 100));
    expect(open.every((ws) => ws.readyState === ws.OPEN)).toBe(true);
    // Another user is not affected.
    const other = await signUp(server.url, "Other");
    await convener.post(`/api/statements/${statementId}/members`, { email: other.email, role: "drafter" });
    const theirs = await rawSocket(server.url, statementId, other.cookie);
    // Closing one frees its slot.
    const first = open.shift()!;
    const gone = closeCode(first, 3000);
    first.close();
    await gone;
    let again: WebSocket | null = null;
    await eventually(
      async () => {
        const ws = await rawSocket(server.url, statementId, convener.cookie);
        const refused = await Promise.race([
          closeCode(ws, 300).catch(() => null),
          new Promise((r) => setTimeout(() => r(null), 200)),
        ]);
        if (refused === CloseCode.tooManyConnections) return false;
        again = ws;
        return true;
      },
      3000,
      "a freed slot",
    );
    expect((again as WebSocket | null)?.readyState).toBe(1);
    for (const ws of [...open, theirs, again!]) ws.terminate();
  });

  it("twenty-five parallel upgrades of one user: twenty stay open, five are refused", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    // The close listener is attached as each socket opens: a refused one closes right after.
    const opened = await Promise.all(
      Array.from({ length: 25 }, () =>
        rawSocket(server.url, statementId, convener.cookie).then((ws) => ({
          ws,
          code: closeCode(ws, 1500).catch(() => 0),
        })),
      ),
    );
    const sockets = opened.map((o) => o.ws);
    const codes = await Promise.all(
      opened.map((o) => Promise.race([o.code, new Promise<number>((r) => setTimeout(() => r(0), 1000))])),
    );
    expect(codes.filter((c) => c === CloseCode.tooManyConnections)).toHaveLength(5);
    for (const ws of sockets) ws.terminate();
  });
});

/** An awareness frame whose state is an object nested `depth` deep: it used to cost a stack trace in the log. */
function deepAwarenessFrame(depth: number): Uint8Array {
  const state = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, 12345);
  encoding.writeVarUint(inner, 1);
  encoding.writeVarString(inner, state);
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, MessageType.awareness);
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
  return encoding.toUint8Array(outer);
}

describe("log flooding", () => {
  it("a flood of hostile frames produces a bounded number of log lines, then one 'suppressed N' summary", async () => {
    const lines: string[] = [];
    const server = await startServer(makeConfig({ dataDir: tempDataDir(), port: 0, argon2: TEST_ARGON2, log: true }), {
      logWrite: (msg) => lines.push(msg),
      logLimits: { perKey: 5, total: 50, intervalMs: 60_000 },
    });
    try {
      const { convener, statementId } = await statementWithMembers(server.url, []);
      const frame = deepAwarenessFrame(20_000);
      let serverErrors = 0;
      for (let i = 0; i < 40; i++) {
        const ws = await rawSocket(server.url, statementId, convener.cookie);
        const closed = closeCode(ws, 3000);
        ws.send(frame);
        const code = await closed;
        if (code === 1011) serverErrors++;
        // Whatever the server makes of the frame, it closes this connection and keeps serving.
        expect([1011, CloseCode.malformedFrame, 1009]).toContain(code);
      }
      const realtimeLines = lines.filter((l) => l.startsWith("realtime"));
      expect(realtimeLines.length).toBeLessThanOrEqual(5);
      expect(realtimeLines.length).toBe(Math.min(serverErrors, 5));
      expect((await new ApiClient(server.url).get("/api/me")).status).toBe(401);
      // Whatever the sync layer's validation makes of such frames now, every line it logs goes through the
      // server's one log function (rooms, routes, onError): a thousand failures there write five lines.
      for (let i = 0; i < 1000; i++)
        server.services.log(`room r${i}abcdefghijklmnopqrstuv: relay failed`, new Error("hostile"));
      expect(lines.filter((l) => l.startsWith("room "))).toHaveLength(5);
      await server.close();
      if (serverErrors > 5) expect(lines.some((l) => l.includes(`suppressed ${serverErrors - 5} more`))).toBe(true);
      expect(lines.some((l) => l.includes("suppressed 995 more") && l.includes("relay failed"))).toBe(true);
      expect(lines.length).toBeLessThanOrEqual(5 + 5 + 2);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
