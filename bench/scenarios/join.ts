/**
 * Cold join: a document built from many small inserts is loaded into the server (as 1,000-insert updates from
 * a raw client that stays connected, so no server unloads it); then fresh real providers join and we time from
 * creating the provider to its first full sync with the whole text present: first joins of the unchanged
 * document (which a server may answer from a cached full-state frame), then joins each preceded by one small
 * edit from the loader (which invalidates such a cache, as any typing does). For ours, also after a restart of
 * the document was unloaded (every client left; the next join loads it from SQLite in a warm process) and
 * after a restart of the process (same storage; the join also pays for cold JIT).
 */
import * as Y from "yjs";
import type { Instance } from "../lib/targets";
import type { BuiltDoc } from "../lib/workload";
import { benchText } from "../lib/workload";
import { updateFrame } from "../lib/protocol";
import { median, sleep } from "../lib/stats";
import { connectRaw, within } from "./common";

export interface JoinResult {
  docBytes: number;
  warmMs: number[];
  warmP50Ms: number;
  /** Joins each after one edit of the document. */
  editedMs: number[];
  editedP50Ms: number;
  /** Ours only: join after the last client left and the server unloaded the document (process stays warm). */
  storageMs: number[];
  storageP50Ms: number;
  /** Ours only: first join after a restart of the server process (cold JIT as well as cold document). */
  restartMs: number[];
  restartP50Ms: number;
  incomplete: number;
}

/** Edits of the built document (5 characters typed at its start each), as updates from their own client. */
function editsOf(built: BuiltDoc, count: number): Uint8Array[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, built.state);
  doc.clientID = 90_000 + count;
  const edits: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => edits.push(u));
  for (let i = 0; i < count; i++) benchText(doc).insert(0, "edit ");
  doc.destroy();
  return edits;
}

async function timeJoin(inst: Instance, room: string, textLength: number): Promise<{ ms: number; complete: boolean }> {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const client = inst.provider(room, doc);
  try {
    await within(client.synced, 30_000, `${inst.target}: join`);
    const ms = performance.now() - t0;
    return { ms, complete: benchText(doc).length === textLength };
  } finally {
    client.destroy();
    doc.destroy();
  }
}

export async function runJoin(
  inst: Instance,
  built: BuiltDoc,
  warmJoins: number,
  editJoins: number,
  storageJoins: number,
): Promise<JoinResult> {
  const [room] = await inst.newDocs(1);
  const [loader] = await connectRaw(inst, [room]);
  const warm: number[] = [];
  const edited: number[] = [];
  const storage: number[] = [];
  let textLength = built.textLength;
  let incomplete = 0;
  try {
    for (const u of built.updates) loader.send(updateFrame(inst.dialect, room, u));
    // Wait for the server to have everything: a provider join that sees the full text (not timed).
    const deadline = performance.now() + 60_000;
    for (;;) {
      const r = await timeJoin(inst, room, textLength);
      if (r.complete) break;
      if (performance.now() > deadline) throw new Error(`${inst.target}: document never complete on server`);
      await sleep(200);
    }
    for (let i = 0; i < warmJoins; i++) {
      const r = await timeJoin(inst, room, textLength);
      warm.push(r.ms);
      if (!r.complete) incomplete++;
      await sleep(50);
    }
    for (const edit of editsOf(built, editJoins)) {
      loader.send(updateFrame(inst.dialect, room, edit));
      textLength += "edit ".length;
      // Applied (and, for ours, committed) well within this; a join that misses it counts as incomplete.
      await sleep(100);
      const r = await timeJoin(inst, room, textLength);
      edited.push(r.ms);
      if (!r.complete) incomplete++;
    }
  } finally {
    await loader.close();
  }
  const restart: number[] = [];
  if (inst.target === "ours") {
    // Ours unloads a document when its last connection leaves; the next join loads it from SQLite.
    for (let i = 0; i < storageJoins; i++) {
      await sleep(500);
      const r = await timeJoin(inst, room, textLength);
      storage.push(r.ms);
      if (!r.complete) incomplete++;
    }
    await inst.restart();
    await sleep(300);
    const r = await timeJoin(inst, room, textLength);
    restart.push(r.ms);
    if (!r.complete) incomplete++;
  }
  return {
    docBytes: built.state.length,
    warmMs: warm,
    warmP50Ms: median(warm),
    editedMs: edited,
    editedP50Ms: median(edited),
    storageMs: storage,
    storageP50Ms: median(storage),
    restartMs: restart,
    restartP50Ms: median(restart),
    incomplete,
  };
}
