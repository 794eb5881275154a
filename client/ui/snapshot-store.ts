import type * as Y from "yjs";
/**
 * The part every feature store shares: an immutable snapshot that React reads with `useSyncExternalStore`
 * (`getSnapshot`, `subscribe`), replaced by `set` and announced to the subscribers.
 */
export class SnapshotStore<S extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(protected snapshot: S) {}

  getSnapshot = (): S => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected set(patch: Partial<S>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  protected forgetSubscribers(): void {
    this.listeners.clear();
  }
}

/** `list` with `item` in place of the element of the same id, or added at the end. */
export function upsertById<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  const next = [...list];
  if (i === -1) next.push(item);
  else next[i] = item;
  return next;
}

/** Calls `reload` each time the provider connects again after a disconnection (app events may have been missed). */
export function onReconnect(
  provider: {
    on(event: "status", f: (e: { status: string }) => void): void;
    off(event: "status", f: (e: { status: string }) => void): void;
  },
  reload: () => void,
): () => void {
  let wasDisconnected = false;
  const onStatus = ({ status }: { status: string }) => {
    if (status === "disconnected") wasDisconnected = true;
    if (status === "connected" && wasDisconnected) {
      wasDisconnected = false;
      reload();
    }
  };
  provider.on("status", onStatus);
  return () => provider.off("status", onStatus);
}

/** One store per open document: made on first use, disposed when the document is destroyed. */
export function storePerDocument<C extends { ydoc: Y.Doc }, T extends { dispose(): void }>(
  make: (ctx: C) => T,
): (ctx: C) => T {
  const stores = new WeakMap<Y.Doc, T>();
  return (ctx) => {
    let store = stores.get(ctx.ydoc);
    if (!store) {
      const created = make(ctx);
      stores.set(ctx.ydoc, created);
      ctx.ydoc.once("destroy", () => created.dispose());
      store = created;
    }
    return store;
  };
}
