/** The dashboard's "threads waiting for me" count per statement (`GET /api/me/unread`). */
import { useEffect, useState } from "react";
import type { UnreadCountsDto } from "../../shared/comments/schemas";
import { api } from "../api";
import { CommentTestId } from "./testids";
import { plural, pluralNoun } from "../../shared/plural";

/** Unread counts for every statement of the signed-in user; empty until loaded (and on errors). */
export function useUnreadCounts(): UnreadCountsDto {
  const [counts, setCounts] = useState<UnreadCountsDto>({});
  useEffect(() => {
    let alive = true;
    const load = () =>
      api.unread().then(
        (c) => alive && setCounts(c),
        () => undefined,
      );
    void load();
    // Coming back to the tab refreshes the counts.
    const onVisible = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      alive = false;
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);
  return counts;
}

/** "3 threads wait for you" for one statement, or nothing when none do. */
export function UnreadThreadsBadge({ count }: { count: number | undefined }) {
  if (!count) return null;
  const label = `${plural(count, "comment thread")} ${pluralNoun(count, "waits", "wait")} for you`;
  return (
    <span
      className="badge badge-info comments-unread-badge"
      data-testid={CommentTestId.unreadBadge}
      data-count={count}
      title={label}
      aria-label={label}
    >
      {count} unread
    </span>
  );
}
