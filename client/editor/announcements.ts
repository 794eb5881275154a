/**
 * What the editor page says to screen readers through the app's one live region (client/ui/announcer.ts), and
 * only that: typing, remote keystrokes and "Saving…" are never read out. Said politely, once each:
 * - the connection state when its kind changes (connected, reconnecting, offline with unsent edits, closed);
 * - a new comment by someone else on one of "my" clauses: a clause where I wrote in a thread or where my
 *   organization took a position;
 * - one of my organization's positions going stale (its clause changed);
 * - the lock (and an unlock).
 */
import { useEffect, useRef } from "react";
import type { AppEvent } from "../../shared/protocol";
import { announce } from "../ui/announcer";
import { commentStoreFor } from "../comments/store";
import { localText, signoffStoreFor } from "../signoff/store";
import type { ConnectionState } from "./collaboration";
import { describeConnection } from "./ConnectionPill";
import type { EditorPageContext } from "./plugins";

/**
 * Announces connection changes (by kind, never "Saving…"): losing the connection, and getting it back after
 * that. Opening the page (connecting, then connected) is not news.
 */
export function useConnectionAnnouncements(state: ConnectionState): void {
  const last = useRef<string | null>(null);
  const troubled = useRef(false);
  const key = state.kind === "offline" ? `offline:${state.unsent}` : state.kind;
  useEffect(() => {
    const before = last.current;
    last.current = key;
    if (before === null || before === key || key === "connecting") return;
    if (state.kind === "connected") {
      if (troubled.current) announce("Connected again. Changes are saved as you type.");
      troubled.current = false;
      return;
    }
    troubled.current = true;
    const { text, detail } = describeConnection(state);
    announce(`${text.replace(/[.…]+$/, "")}. ${detail}`);
    // Only the kind matters; the state object changes with every save.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** "Clause 3", from the position of a clause in the text (null if it is not in the text). */
function clauseName(clauses: ReadonlyArray<{ clauseId: string; index: number }>, clauseId: string): string {
  const c = clauses.find((x) => x.clauseId === clauseId);
  return c ? `clause ${c.index + 1}` : "a removed clause";
}

/** Subscribes to comments, positions and lock events of the open statement and announces what concerns me. */
export function useEditorAnnouncements(ctx: EditorPageContext | null, myUserId: string): void {
  useEffect(() => {
    if (!ctx) return;
    const comments = commentStoreFor(ctx);
    const signoffs = signoffStoreFor(ctx);
    const myOrg = ctx.detail.me.organizationId ?? null;

    // Comment ids and stale positions already known, so that only new ones are announced.
    let seenComments: Set<string> | null = null;
    let stalePositions: Set<string> | null = null;

    const myClauses = (): Set<string> => {
      const mine = new Set<string>();
      for (const t of comments.getSnapshot().threads)
        if (t.author.id === myUserId || t.comments.some((c) => c.author.id === myUserId)) mine.add(t.clauseId);
      const m = signoffs.getSnapshot().matrix;
      if (m && myOrg) for (const p of m.positions) if (p.organizationId === myOrg) mine.add(p.clauseId);
      return mine;
    };

    const onComments = () => {
      const snap = comments.getSnapshot();
      if (snap.status !== "ready") return;
      const all = snap.threads.flatMap((t) => t.comments.map((c) => ({ t, c })));
      if (seenComments === null) {
        seenComments = new Set(all.map(({ c }) => c.id));
        return;
      }
      const fresh = all.filter(({ c }) => !seenComments!.has(c.id));
      if (fresh.length === 0) return;
      const mine = myClauses();
      // Numbered as the text reads now (the sign-off matrix may not be loaded yet).
      const clauses = localText(ctx.ydoc).clauses;
      for (const { t, c } of fresh) {
        seenComments.add(c.id);
        if (c.author.id === myUserId || !mine.has(t.clauseId)) continue;
        announce(`New comment by ${c.author.name} on ${clauseName(clauses, t.clauseId)}.`);
      }
    };

    const onSignoffs = () => {
      const m = signoffs.getSnapshot().matrix;
      if (!m || !myOrg) return;
      const staleNow = new Set(
        m.positions.filter((p) => p.organizationId === myOrg && p.stale && !p.removed).map((p) => p.clauseId),
      );
      const before = stalePositions;
      stalePositions = staleNow;
      if (before === null) return;
      for (const clauseId of staleNow) {
        if (!before.has(clauseId))
          announce(`Your organization's position on ${clauseName(m.clauses, clauseId)} is stale: the clause changed.`);
      }
    };

    const onEvent = (e: AppEvent) => {
      if (e.type === "locked") announce("The statement was locked. Its text is final and can no longer be changed.");
      else if (e.type === "unlocked") announce("The statement was unlocked. It can be edited again.");
    };

    const unsubscribe = [comments.subscribe(onComments), signoffs.subscribe(onSignoffs), ctx.onAppEvent(onEvent)];
    onComments();
    onSignoffs();
    return () => unsubscribe.forEach((u) => u());
    // One subscription per open document; the context object itself is rebuilt on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ctx?.ydoc, myUserId]);
}
