/**
 * `npx tsx bench/two-instances.ts [--quick] [--out=file.json]`: the two-instance fan-out scenario (issue 9).
 *
 * Two instances of each target, clients split across them (the writer on the first, receivers alternating):
 * - Concord on PostgreSQL + Redis (a fresh database per run, durable writes, fan-out through Redis with
 *   storage catch-up);
 * - Hocuspocus 3.4.4 in memory with `@hocuspocus/extension-redis` 3.4.4.
 * One writer appends a paragraph every 20 ms (schema-valid: Concord validates every update; its clause id is
 * the marker); every other client's latency from the insert to seeing it is recorded (by content), and CPU is
 * the sum over both server processes. Targets are interleaved
 * (A B, then B A, …) over the repeats; medians are reported. Writes bench/results/two-instances.json (not in --quick).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import * as Y from "yjs";
import WebSocket from "ws";
import pg from "pg";
import { WebsocketProvider } from "y-websocket";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { freePort, spawnServer } from "./lib/proc";
import type { ServerProcess } from "./lib/proc";
import { median, percentile, sleep, waitFor } from "./lib/stats";
import { appendParagraph } from "../server/testing/docs";
import { DOCUMENT_FIELD } from "../shared/canonical";

const ROOT = path.resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const REPEATS = quick ? 1 : 3;
const CLIENTS = quick ? 20 : 50;
const UPDATES = quick ? 100 : 300;
const INTERVAL_MS = 20;
const PG_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL || process.env.REDIS_URL || "redis://127.0.0.1:6379";

interface Client {
  doc: Y.Doc;
  synced: Promise<void>;
  destroy(): void;
}

interface Pair {
  label: string;
  procs: ServerProcess[];
  newDoc(): Promise<string>;
  client(i: number, room: string): Client;
  stop(): Promise<void>;
}

function wsWithHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers, perMessageDeflate: false });
    }
  } as unknown as typeof WebSocket;
}

async function startConcordPair(): Promise<Pair> {
  const name = `concord_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/${name}`;
  const ports = [await freePort(), await freePort()];
  const origins = ports.map((p) => `http://127.0.0.1:${p}`);
  const procs: ServerProcess[] = [];
  for (const [i, port] of ports.entries()) {
    procs.push(
      await spawnServer({
        args: [path.join(ROOT, "server/main.ts")],
        env: {
          PORT: String(port),
          HOST: "127.0.0.1",
          LOG: "0",
          CLIENT_DIR: "",
          ORIGIN: origins.join(","),
          DATABASE_URL: dbUrl.toString(),
          REDIS_URL,
          REDIS_PREFIX: `${name}:`,
          INSTANCE_ID: `bench-${i}`,
          // The rate limit stays as shipped (one update every 20 ms is far below it); every client signs in as
          // one user, so the per-user socket cap is raised.
          MAX_CONNECTIONS_PER_USER: "1000000",
        },
        port,
        ready: /Concord listening on/,
        cwd: ROOT,
      }),
    );
  }
  const signup = await fetch(`${origins[0]}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: origins[0] },
    body: JSON.stringify({
      email: `bench-${name}@example.org`,
      password: "bench-password-not-secret-1234",
      name: "Bench",
    }),
  });
  const cookie = /concord_session=[^;]+/.exec(signup.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`signup failed: ${signup.status}`);
  return {
    label: "Concord ×2 (PostgreSQL + Redis)",
    procs,
    async newDoc() {
      const r = await fetch(`${origins[0]}/api/statements`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: origins[0], cookie },
        body: JSON.stringify({ title: "Bench" }),
      });
      return (await r.json()).statement.id as string;
    },
    client(i, room) {
      const side = i % 2;
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`ws://127.0.0.1:${ports[side]}/ws`, room, doc, {
        WebSocketPolyfill: wsWithHeaders({ cookie, origin: origins[side] }) as never,
        disableBc: true,
      });
      provider.awareness.setLocalState(null);
      const synced = new Promise<void>((resolve) => {
        const on = (s: boolean) => s && resolve();
        if (provider.synced) resolve();
        provider.on("sync", on);
      });
      return { doc, synced, destroy: () => provider.destroy() };
    },
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name]);
      await c.query(`drop database if exists "${name}"`);
      await c.end();
    },
  };
}

async function startHocuspocusPair(): Promise<Pair> {
  const redis = new URL(REDIS_URL);
  const prefix = `hp-bench-${crypto.randomBytes(4).toString("hex")}`;
  const ports = [await freePort(), await freePort()];
  const procs: ServerProcess[] = [];
  for (const [i, port] of ports.entries()) {
    procs.push(
      await spawnServer({
        args: [path.join(ROOT, "bench/servers/hocuspocus-redis.ts")],
        env: {
          PORT: String(port),
          HOST: "127.0.0.1",
          REDIS_HOST: redis.hostname,
          REDIS_PORT: redis.port || "6379",
          REDIS_PREFIX: prefix,
          INSTANCE: `hp-${i}`,
        },
        port,
        ready: /READY \d+/,
        cwd: ROOT,
      }),
    );
  }
  let n = 0;
  return {
    label: "Hocuspocus 3.4.4 ×2 (extension-redis)",
    procs,
    async newDoc() {
      return `bench-${prefix}-${n++}`;
    },
    client(i, room) {
      const doc = new Y.Doc();
      let resolve!: () => void;
      const synced = new Promise<void>((r) => (resolve = r));
      const provider = new HocuspocusProvider({
        url: `ws://127.0.0.1:${ports[i % 2]}`,
        name: room,
        document: doc,
        WebSocketPolyfill: WebSocket as never,
        onSynced: () => resolve(),
      } as never);
      provider.awareness?.setLocalState(null);
      return { doc, synced, destroy: () => provider.destroy() };
    },
    stop: async () => {
      await Promise.all(procs.map((p) => p.stop()));
    },
  };
}

interface Result {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  cpuUsPerDelivered: number;
}

async function fanout(pair: Pair): Promise<Result> {
  const room = await pair.newDoc();
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(pair.client(i, room));
  await Promise.all(clients.map((c) => c.synced));
  try {
    for (let i = 0; i < 30; i++) {
      appendParagraph(clients[0].doc, `warm ${i}`, `w${i}`);
      await sleep(INTERVAL_MS / 2);
    }
    await waitFor(() => clients.every((c) => c.doc.getXmlFragment(DOCUMENT_FIELD).length === 30), 10_000);
    await sleep(300);
    const sentAt = new Float64Array(UPDATES);
    const latencies: number[] = [];
    const stops = clients.slice(1).map((c) => {
      const frag = c.doc.getXmlFragment(DOCUMENT_FIELD);
      const h = (e: Y.YXmlEvent) => {
        const now = performance.now();
        for (const d of e.changes.delta) {
          if (!d.insert) continue;
          for (const el of d.insert as unknown[]) {
            const id = el instanceof Y.XmlElement ? el.getAttribute("clauseId") : undefined;
            if (typeof id === "string" && id.startsWith("m")) latencies.push(now - sentAt[Number(id.slice(1))]);
          }
        }
      };
      frag.observe(h);
      return () => frag.unobserve(h);
    });
    const expected = UPDATES * (CLIENTS - 1);
    const cpu0 = pair.procs.reduce((n, p) => n + p.cpuNs(), 0);
    const t0 = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      const wait = t0 + i * INTERVAL_MS - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt[i] = performance.now();
      appendParagraph(clients[0].doc, `marker ${i}`, `m${i}`);
    }
    await waitFor(() => latencies.length >= expected, 10_000);
    const cpuNs = pair.procs.reduce((n, p) => n + p.cpuNs(), 0) - cpu0;
    for (const s of stops) s();
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      lost: Math.max(0, expected - latencies.length),
      cpuUsPerDelivered: cpuNs / 1e3 / expected,
    };
  } finally {
    for (const c of clients) c.destroy();
    await sleep(200);
  }
}

const starters = [startConcordPair, startHocuspocusPair];
const runs: Result[][] = [[], []];
const labels: string[] = [];
for (let r = 0; r < REPEATS; r++) {
  const order = r % 2 === 0 ? [0, 1] : [1, 0];
  for (const t of order) {
    const pair = await starters[t]();
    labels[t] = pair.label;
    try {
      runs[t].push(await fanout(pair));
    } finally {
      await pair.stop();
    }
  }
}
const summary = runs.map((rs, t) => ({
  target: labels[t],
  p50Ms: median(rs.map((x) => x.p50Ms)),
  p99Ms: median(rs.map((x) => x.p99Ms)),
  maxMs: median(rs.map((x) => x.maxMs)),
  lost: rs.reduce((n, x) => n + x.lost, 0),
  cpuUsPerDelivered: median(rs.map((x) => x.cpuUsPerDelivered)),
}));
console.log(
  `Two instances, ${CLIENTS} clients split across them, ${UPDATES} updates every ${INTERVAL_MS} ms, ${REPEATS} repeat(s), medians:`,
);
console.log("target | p50 ms | p99 ms | max ms | lost | CPU µs / delivered");
for (const s of summary)
  console.log(
    `${s.target} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.maxMs.toFixed(2)} | ${s.lost} | ${s.cpuUsPerDelivered.toFixed(1)}`,
  );
console.log(
  `ratio (Concord / Hocuspocus): p99 ${(summary[0].p99Ms / summary[1].p99Ms).toFixed(2)}×, CPU ${(summary[0].cpuUsPerDelivered / summary[1].cpuUsPerDelivered).toFixed(2)}×`,
);
// A quick run (a smoke test) leaves the recorded results alone.
const outArg = process.argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
const out =
  outArg ??
  (quick
    ? path.join(os.tmpdir(), "concord-two-instances-quick.json")
    : path.join(ROOT, "bench/results/two-instances.json"));
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      clients: CLIENTS,
      updates: UPDATES,
      intervalMs: INTERVAL_MS,
      repeats: REPEATS,
      summary,
      runs,
    },
    null,
    2,
  ) + "\n",
);
process.exit(0);
