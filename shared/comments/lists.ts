/**
 * Lists of threads: the side panel's filters and document order. Works on the DTOs only (no Y.Doc): the order
 * of clauses comes from the caller or from the server's placement.
 */
import type { ThreadDto } from "./schemas";

/** The side panel's filters. */
export type ThreadFilter =
  | { kind: "open" }
  | { kind: "resolved" }
  | { kind: "mine" }
  | { kind: "mentions" }
  | { kind: "organization"; organizationId: string };

/** Whether a thread passes a filter for user `me` ("mine": I started it or wrote in it). */
export function threadMatches(thread: ThreadDto, filter: ThreadFilter, me: string): boolean {
  switch (filter.kind) {
    case "open":
      return thread.status === "open";
    case "resolved":
      return thread.status === "resolved";
    case "mine":
      return thread.author.id === me || thread.comments.some((c) => c.author.id === me && c.content.kind !== "deleted");
    case "mentions":
      return thread.mentionsMe;
    case "organization":
      return thread.author.organizationId === filter.organizationId;
  }
}

/**
 * Threads in document order: by clause position (from `order`, or the server's placement), then by where
 * the range starts, then by age; threads on removed text come last.
 */
export function sortThreads(threads: readonly ThreadDto[], order?: ReadonlyMap<string, number>): ThreadDto[] {
  const key = (t: ThreadDto): [number, number, number] => {
    const clause = order ? order.get(t.clauseId) : t.placement.kind === "removed" ? undefined : t.placement.clauseIndex;
    const within = t.placement.kind === "range" ? t.placement.start : -1;
    return [clause ?? Number.MAX_SAFE_INTEGER, within, t.createdAt];
  };
  return [...threads].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}
