/** Shared bits for scenarios: connecting many clients in bounded batches, marker observation. */
import type * as Y from "yjs";
import type { Instance, ProviderClient } from "../lib/targets";
import type { RawClient } from "../lib/protocol";
import { markersIn } from "../lib/workload";
import { DOCUMENT_FIELD } from "../../shared/canonical";

/** Promise with a deadline; rejects with `what` in the message. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Connects `n` real providers to `room`, `batch` at a time, each awaited until synced. */
export async function connectProviders(inst: Instance, room: string, n: number, batch = 25): Promise<ProviderClient[]> {
  const clients: ProviderClient[] = [];
  try {
    for (let i = 0; i < n; i += batch) {
      const group = Array.from({ length: Math.min(batch, n - i) }, () => inst.provider(room));
      clients.push(...group);
      await within(Promise.all(group.map((c) => c.synced)), 20_000, `${inst.target}: ${n} providers syncing`);
    }
  } catch (e) {
    for (const c of clients) c.destroy();
    throw e;
  }
  return clients;
}

/** Opens `rooms.length` raw clients (one per room entry), `batch` at a time, each awaited until synced. */
export async function connectRaw(inst: Instance, rooms: string[], batch = 50): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  try {
    for (let i = 0; i < rooms.length; i += batch) {
      const group = await within(
        Promise.all(rooms.slice(i, i + batch).map((r) => inst.raw(r))),
        20_000,
        `${inst.target}: raw clients opening`,
      );
      clients.push(...group);
      await within(Promise.all(group.map((c) => c.synced)), 20_000, `${inst.target}: raw clients syncing`);
    }
  } catch (e) {
    await Promise.all(clients.map((c) => c.close()));
    throw e;
  }
  return clients;
}

export function destroyAll(clients: ProviderClient[]): void {
  for (const c of clients) {
    try {
      c.destroy();
    } catch {
      /* best effort */
    }
  }
}

/**
 * Watches `doc` for numeric markers (bench/lib/workload.ts `pushMarker`) and records, for each,
 * now − sentAt[marker]. Updates are recognised by content, not by frames, so coalescing or suppressed echoes do
 * not matter.
 */
export function observeMarkers(doc: Y.Doc, sentAt: Float64Array, onLatency: (ms: number) => void): () => void {
  const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
  const handler = (event: Y.YXmlEvent) => {
    const now = performance.now();
    for (const d of event.changes.delta) {
      if (!d.insert) continue;
      for (const m of markersIn(d.insert as unknown[])) onLatency(now - sentAt[m]);
    }
  };
  fragment.observe(handler);
  return () => fragment.unobserve(handler);
}
