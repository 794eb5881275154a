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
