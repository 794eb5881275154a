/**
 * The realtime fuzzer: a seeded stream of hostile frames sent over authenticated drafter sockets to a server
 * running in its own process, while two honest providers keep editing the same statement.
 *
 * After every batch it checks what matters: the server process is alive (a crash is any exit), the honest
 * documents converge (same state vector, same text, nothing pending), and they hold nothing outside the
 * editor's schema or written under someone else's client id. `npm run fuzz` runs 10,000 frames and prints the
 * figures; `server/sync/fuzz.test.ts` runs a reduced pass in `npm test`.
 */
import fs from "node:fs";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import { connectProvider, eventually, rawSocket, signUp, spawnServer, synced, tempDataDir } from "./harness";
import type { ApiClient, ServerProcess } from "./harness";
import { appendParagraph, plainText, typeInto } from "./docs";
import {
  awarenessUpdate,
  deepJson,
  deleteRange,
  foreignClient,
  futureClocks,
  nestingBomb,
  partlyBroken,
  schemaViolations,
  updateFrom,
} from "./hostile";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { MessageType } from "../../shared/protocol";
import {
  BLOCK_NODES,
  DEFAULT_MAX_DOCUMENT_DEPTH,
  attributeRule,
  childAllowed,
  isSchemaNode,
  markValueAllowed,
} from "../../shared/schema";

/** What one fuzz run found. */
export interface FuzzReport {
  seed: number;
  frames: number;
  batches: number;
  /** Server process exits (should be 0). */
  crashes: number;
  /** Batches after which an honest document held something outside the schema (should be 0). */
  garbage: number;
  /** Batches after which the honest documents did not converge (should be 0). */
  divergent: number;
  /** Frames whose socket the server closed (refusals and malformed frames). */
  closedSockets: number;
  rssBeforeKB: number;
  rssAfterKB: number;
  seconds: number;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(type: number, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, type);
  write(enc);
  return encoding.toUint8Array(enc);
}

const syncUpdate = (update: Uint8Array, sub = 2) =>
  frame(MessageType.sync, (enc) => {
    encoding.writeVarUint(enc, sub);
    encoding.writeVarUint8Array(enc, update);
  });
const awareness = (update: Uint8Array) =>
  frame(MessageType.awareness, (enc) => encoding.writeVarUint8Array(enc, update));

/** Builds one hostile frame from the honest state `base`. */
export function hostileFrame(rand: () => number, base: Y.Doc, victim: number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const honestUpdate = () => updateFrom(base, (d) => appendParagraph(d, `fz${int(1e6)}`));
  const mutate = (bytes: Uint8Array) => {
    const out = new Uint8Array(bytes);
    const flips = 1 + int(4);
    for (let i = 0; i < flips && out.length > 0; i++) out[int(out.length)] ^= 1 << int(8);
    return rand() < 0.3 ? out.slice(0, int(out.length + 1)) : out;
  };
  switch (int(14)) {
    case 0:
      return syncUpdate(mutate(honestUpdate()));
    case 1:
      return mutate(syncUpdate(honestUpdate()));
    case 2:
      return syncUpdate(partlyBroken(base));
    case 3:
      return syncUpdate(futureClocks(base, "FUTURE", 1 + int(50)));
    case 4:
      return syncUpdate(foreignClient(base, victim));
    case 5:
      return syncUpdate(deleteRange(rand() < 0.5 ? victim : int(2 ** 32), int(10_000), 1 + int(10_000)));
    case 6:
      return syncUpdate(nestingBomb(base, 30 + int(3000)));
    case 7: {
      const names = Object.keys(schemaViolations);
      return syncUpdate(schemaViolations[names[int(names.length)]](base));
    }
    case 8:
      return awareness(awarenessUpdate(int(2 ** 32), int(100), deepJson(10 + int(50_000))));
    case 9:
      return awareness(
        awarenessUpdate(victim, 1_000_000, JSON.stringify({ user: { name: "x" }, b: "y".repeat(int(100_000)) })),
      );
    case 10: {
      const garbage = new Uint8Array(1 + int(200));
      for (let i = 0; i < garbage.length; i++) garbage[i] = int(256);
      return garbage;
    }
    case 11:
      return syncUpdate(honestUpdate(), int(6)); // unknown or misused sync sub-types
    case 12:
      return frame(int(256), (enc) => encoding.writeVarUint8Array(enc, honestUpdate()));
    default:
      return syncUpdate(
        updateFrom(base, (d) => {
          const el = d.getXmlFragment(DOCUMENT_FIELD).get(0);
          if (el instanceof Y.XmlElement)
            el.setAttribute(["clauseId", "level", "style", "href"][int(4)], "v".repeat(int(200)));
        }),
      );
  }
}

/**
 * What is wrong with an honest document's shape (empty when nothing): root types other than the fragment,
 * unknown elements, attributes or marks, misplaced children, too deep. Walked without recursion.
 */
export function shapeProblems(doc: Y.Doc, maxDepth = DEFAULT_MAX_DOCUMENT_DEPTH): string[] {
  const problems: string[] = [];
  for (const key of doc.share.keys()) if (key !== DOCUMENT_FIELD) problems.push(`root type "${key}"`);
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) problems.push("pending structs");
  const stack: Array<{ node: Y.XmlElement | Y.XmlText; parent: string; depth: number }> = [];
  for (const n of doc.getXmlFragment(DOCUMENT_FIELD).toArray()) {
    if (n instanceof Y.XmlElement || n instanceof Y.XmlText) stack.push({ node: n, parent: "#root", depth: 1 });
    else problems.push("a non-XML child at the top level");
  }
  while (stack.length > 0 && problems.length < 20) {
    const { node, parent, depth } = stack.pop()!;
    if (node instanceof Y.XmlText) {
      if (parent === "#root" || !childAllowed(parent, "#text")) problems.push(`text inside ${parent}`);
      for (const op of node.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
        if (typeof op.insert !== "string") problems.push("an embed");
        for (const [k, v] of Object.entries(op.attributes ?? {}))
          if (!markValueAllowed(k, v)) problems.push(`mark ${k}`);
      }
      continue;
    }
    const name = node.nodeName;
    if (!isSchemaNode(name)) problems.push(`element ${name}`);
    else if (parent === "#root" ? !(BLOCK_NODES as readonly string[]).includes(name) : !childAllowed(parent, name))
      problems.push(`${name} inside ${parent}`);
    if (depth > maxDepth) problems.push("too deep");
    for (const key of Object.keys(node.getAttributes()))
      if (!attributeRule(name, key)) problems.push(`attribute ${name}.${key}`);
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText)
        stack.push({ node: child, parent: name, depth: depth + 1 });
      else problems.push(`a hook inside ${name}`);
    }
  }
  return problems;
}

function rssKB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Runs the fuzzer against a fresh server process. */
export async function runFuzz(options: {
  frames: number;
  seed: number;
  batch?: number;
  log?: (line: string) => void;
}): Promise<FuzzReport> {
  const { frames, seed } = options;
  const batchSize = options.batch ?? 100;
  const log = options.log ?? (() => {});
  const rand = prng(seed);
  const started = Date.now();
  const server: ServerProcess = await spawnServer(tempDataDir());
  let crashes = 0;
  server.child.once("exit", (_code, signal) => {
    if (signal !== "SIGTERM") crashes++;
  });
  const report: FuzzReport = {
    seed,
    frames,
    batches: 0,
    crashes: 0,
    garbage: 0,
    divergent: 0,
    closedSockets: 0,
    rssBeforeKB: 0,
    rssAfterKB: 0,
    seconds: 0,
  };
  try {
    const convener = await signUp(server.url, "Fuzz Convener");
    const created = await convener.post("/api/statements", { title: "Fuzzed statement" });
    const statementId: string = created.json.statement.id;
    const member = async (name: string): Promise<ApiClient> => {
      const m = await signUp(server.url, name);
      await convener.post(`/api/statements/${statementId}/members`, { email: m.email, role: "drafter" });
      return m;
    };
    const honestB = await member("Fuzz Honest");
    const attackers = [await member("Fuzz Attacker 1"), await member("Fuzz Attacker 2")];
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, honestB);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "Alpha clause of the honest drafters");
    await eventually(() => plainText(b.doc) === plainText(a.doc), 10_000, "first clause");
    report.rssBeforeKB = rssKB(server.child.pid!);

    let socket: WebSocket | null = null;
    let attackerIndex = 0;
    const openSocket = async () => {
      attackerIndex = (attackerIndex + 1) % attackers.length;
      const ws = await rawSocket(server.url, statementId, attackers[attackerIndex].cookie);
      ws.on("error", () => {});
      return ws;
    };
    const queryAwareness = frame(MessageType.queryAwareness, () => {});
    /**
     * Sends one hostile frame followed by a query-awareness, and waits for the server's answer to the query
     * (the frame was processed and let through) or for the socket to close (the frame was refused), so that
     * every frame is really read by the server rather than lost behind an earlier refusal.
     */
    const sendAndSettle = (ws: WebSocket, bytes: Uint8Array): Promise<"closed" | "answered"> =>
      new Promise((resolve) => {
        const onMessage = (data: Buffer) => {
          if (data[0] !== MessageType.awareness) return;
          done("answered");
        };
        const onClose = () => done("closed");
        const done = (how: "closed" | "answered") => {
          ws.off("message", onMessage);
          ws.off("close", onClose);
          resolve(how);
        };
        ws.on("message", onMessage);
        ws.once("close", onClose);
        ws.send(bytes);
        ws.send(queryAwareness);
      });

    for (let sent = 0, batch = 0; sent < frames; batch++) {
      const n = Math.min(batchSize, frames - sent);
      for (let i = 0; i < n; i++, sent++) {
        if (!socket || socket.readyState !== 1) socket = await openSocket();
        const base = rand() < 0.5 ? a.doc : b.doc;
        const victim = rand() < 0.5 ? a.doc.clientID : b.doc.clientID;
        if ((await sendAndSettle(socket, hostileFrame(rand, base, victim))) === "closed") {
          report.closedSockets++;
          socket = null;
        }
      }
      // Honest edits after the batch, from both sides at once, then both must agree and be clean.
      typeInto(a.doc, 0, 0, `A${batch} `);
      appendParagraph(b.doc, `B${batch}`);
      try {
        await eventually(
          () => {
            const ta = plainText(a.doc);
            return (
              ta === plainText(b.doc) &&
              ta.includes(`A${batch} `) &&
              ta.includes(`B${batch}`) &&
              Buffer.from(Y.encodeStateVector(a.doc)).equals(Buffer.from(Y.encodeStateVector(b.doc)))
            );
          },
          15_000,
          `convergence after batch ${batch}`,
        );
      } catch {
        report.divergent++;
        log(`batch ${batch}: the honest documents did not converge`);
      }
      const problems = [...shapeProblems(a.doc), ...shapeProblems(b.doc)];
      if (problems.length > 0) {
        report.garbage++;
        log(`batch ${batch}: ${problems.slice(0, 5).join("; ")}`);
      }
      report.batches++;
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        log(`batch ${batch}: the server process exited`);
        break;
      }
      if (batch % 10 === 9) log(`${sent} frames sent, ${report.closedSockets} sockets closed by the server`);
    }
    report.rssAfterKB = rssKB(server.child.pid!);
    socket?.close();
    a.destroy();
    b.destroy();
  } finally {
    report.crashes = crashes;
    report.seconds = (Date.now() - started) / 1000;
    await server.stop("SIGTERM");
  }
  return report;
}
