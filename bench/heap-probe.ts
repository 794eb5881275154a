/**
 * Live heap per idle room, as opposed to RSS: opens N statements with one raw client each, then sends each a
 * ~5 KB document, and prints the heap growth per room after forced GCs (the client sockets live in this
 * process too, so the first figure is an upper bound). Run: `node --expose-gc --import tsx bench/heap-probe.ts`.
 */
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import { startTestServer, signUp } from "../server/testing/harness";
import { benchText } from "./lib/workload";
const gc = (globalThis as { gc?: () => void }).gc as () => void;
// 300 sockets of one user: far above the interactive per-user cap.
const server = await startTestServer({ maxConnectionsPerUser: 1_000_000 });
const u = await signUp(server.url, "M");
const N = 300;
const ids: string[] = [];
for (let i = 0; i < N; i++) ids.push((await u.post("/api/statements", { title: "t" })).json.statement.id);
const d = new Y.Doc();
const t = benchText(d);
for (let i = 0; i < 1000; i++) t.insert(t.length, "abcde"[i % 5]);
const st = Y.encodeStateAsUpdate(d);
const e = encoding.createEncoder();
encoding.writeVarUint(e, 0);
encoding.writeVarUint(e, 2);
encoding.writeVarUint8Array(e, st);
const frame = encoding.toUint8Array(e);
const mem = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, ext: m.external + m.arrayBuffers, rss: m.rss };
};
const open = (id: string): Promise<WebSocket> =>
  new Promise((r) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws/${id}`, {
      headers: { cookie: u.cookie, origin: server.url },
    });
    ws.on("open", () => r(ws));
  });
await new Promise((r) => setTimeout(r, 500));
const m0 = mem();
const socks: WebSocket[] = [];
for (const id of ids) socks.push(await open(id));
await new Promise((r) => setTimeout(r, 500));
const m1 = mem();
for (const s of socks) s.send(frame);
await new Promise((r) => setTimeout(r, 1500));
const m2 = mem();
const kb = (a: number, b: number) => ((b - a) / 1024 / N).toFixed(1);
console.log("per conn+room (no content): heap", kb(m0.heap, m1.heap), "ext", kb(m0.ext, m1.ext));
console.log("per 5KB doc content: heap", kb(m1.heap, m2.heap), "ext", kb(m1.ext, m2.ext));
console.log("note: client sockets live in this process too");
process.exit(0);
