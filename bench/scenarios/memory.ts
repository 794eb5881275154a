/**
 * Memory: server RSS growth per idle document (each with one raw client that wrote ~5 KB of typed text) and
 * per idle connection (all on one document). Baseline is taken on the same fresh process after a warm-up
 * connection, and after ours' statements were created through the API (metadata, not realtime state).
 */
import type { Instance } from "../lib/targets";
import type { BuiltDoc } from "../lib/workload";
import { updateFrame } from "../lib/protocol";
import { median, sleep } from "../lib/stats";
import { connectRaw } from "./common";

export interface MemoryResult {
  count: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  kbPerItem: number;
}

/** Several RSS samples over `ms`, median. */
async function settledRss(inst: Instance, ms: number): Promise<number> {
  await sleep(ms);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(inst.proc.rssBytes());
    await sleep(100);
  }
  return median(samples);
}

async function warmUp(inst: Instance, room: string, small: BuiltDoc): Promise<void> {
  const [c] = await connectRaw(inst, [room]);
  c.send(updateFrame(inst.dialect, room, small.state));
  await sleep(100);
  await c.close();
}

export async function runMemoryDocs(
  inst: Instance,
  count: number,
  small: BuiltDoc,
  settleMs: number,
): Promise<MemoryResult> {
  const rooms = await inst.newDocs(count + 1);
  const warmRoom = rooms.pop()!;
  await warmUp(inst, warmRoom, small);
  const before = await settledRss(inst, settleMs);
  const clients = await connectRaw(inst, rooms);
  try {
    clients.forEach((c, i) => c.send(updateFrame(inst.dialect, rooms[i], small.state)));
    const after = await settledRss(inst, settleMs);
    return { count, rssBeforeBytes: before, rssAfterBytes: after, kbPerItem: (after - before) / 1024 / count };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

export async function runMemoryConns(
  inst: Instance,
  count: number,
  small: BuiltDoc,
  settleMs: number,
): Promise<MemoryResult> {
  const [room] = await inst.newDocs(1);
  // One connection keeps the document loaded (and holds ~5 KB) while the baseline is taken.
  const [holder] = await connectRaw(inst, [room]);
  holder.send(updateFrame(inst.dialect, room, small.state));
  await sleep(100);
  const before = await settledRss(inst, settleMs);
  const clients = await connectRaw(inst, Array(count).fill(room));
  try {
    const after = await settledRss(inst, settleMs);
    return { count, rssBeforeBytes: before, rssAfterBytes: after, kbPerItem: (after - before) / 1024 / count };
  } finally {
    await Promise.all([...clients, holder].map((c) => c.close()));
  }
}
