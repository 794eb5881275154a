/**
 * The Comments tab: threads in document order, grouped by clause with a count per clause, filters (open,
 * resolved, mine, mentions me, by organization), the new-thread composer, and threads whose clause was
 * deleted under "On removed text". Each part has its file: ThreadFilterBar, DraftComposer, ThreadCard,
 * CommentItem, CommentBody (bodies are rendered as text, links and mention chips only: never as HTML).
 */
import { useMemo, useSyncExternalStore } from "react";
import { CommentPolicy } from "../../shared/comments/policy";
import { sortThreads, threadMatches } from "../../shared/comments/lists";
import type { ThreadDto } from "../../shared/comments/schemas";
import type { EditorPageContext } from "../editor/plugins";
import { commentStoreFor } from "./store";
import { useClauses } from "./useClauses";
import { ThreadFilterBar } from "./ThreadFilterBar";
import { DraftComposer } from "./DraftComposer";
import { AmendmentsSection } from "../amendments/AmendmentsSection";
import { ThreadCard } from "./ThreadCard";
import { CommentTestId } from "./testids";
import { plural } from "../../shared/plural";

/** The panel (see the module comment). */
export function CommentsPanel({ ctx }: { ctx: EditorPageContext }) {
  const store = commentStoreFor(ctx);
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { order, snippet } = useClauses(ctx.ydoc);
  const me = ctx.detail.me;
  const members = ctx.detail.members;
  const orgs = ctx.detail.organizations;
  const memberNames = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members]);
  // Until the document has arrived, the server's placement says which clauses exist.
  const docLoaded = order.size > 0;
  const exists = (t: ThreadDto) => (docLoaded ? order.has(t.clauseId) : t.clauseExists);

  const visible = snap.threads.filter(
    (t) => threadMatches(t, snap.filter, me.userId) && (!snap.focusedClause || t.clauseId === snap.focusedClause),
  );
  const placed = sortThreads(visible.filter(exists), docLoaded ? order : undefined);
  const removed = sortThreads(visible.filter((t) => !exists(t)));
  const groups: Array<{ clauseId: string; threads: ThreadDto[] }> = [];
  for (const t of placed) {
    const last = groups[groups.length - 1];
    if (last && last.clauseId === t.clauseId) last.threads.push(t);
    else groups.push({ clauseId: t.clauseId, threads: [t] });
  }
  const clauseLabel = (clauseId: string) => {
    const i = order.get(clauseId);
    return i === undefined ? "Clause" : `Clause ${i + 1}`;
  };
  const counts = {
    open: snap.threads.filter((t) => t.status === "open").length,
    resolved: snap.threads.filter((t) => t.status === "resolved").length,
  };

  return (
    <div className="comments-panel" data-testid={CommentTestId.panel}>
      <ThreadFilterBar
        filter={snap.filter}
        onChange={(f) => store.setFilter(f)}
        counts={counts}
        orgs={orgs}
        canComment={CommentPolicy.canCreateThread(me.role)}
      />
      {snap.focusedClause && (
        <div className="comments-focus">
          <span>
            Showing {clauseLabel(snap.focusedClause)}
            {snippet.get(snap.focusedClause) ? ` — “${snippet.get(snap.focusedClause)}”` : ""}
          </span>
          <button type="button" className="link-button" onClick={() => store.focusClause(null)}>
            Show all
          </button>
        </div>
      )}
      {snap.draft && (
        <DraftComposer
          ctx={ctx}
          store={store}
          members={members}
          clauseName={`${clauseLabel(snap.draft.clauseId)}${snippet.get(snap.draft.clauseId) ? ` — “${snippet.get(snap.draft.clauseId)}”` : ""}`}
          quote={snap.draft.anchor?.quote ?? null}
        />
      )}
      <AmendmentsSection ctx={ctx} clauseId={snap.focusedClause} />
      {snap.status === "loading" && <p className="muted">Loading comments…</p>}
      {snap.status === "error" && (
        <p className="field-error" role="alert">
          {snap.error}{" "}
          <button type="button" className="link-button" onClick={() => void store.load()}>
            Try again
          </button>
        </p>
      )}
      {snap.status === "ready" && visible.length === 0 && !snap.draft && (
        <div className="comments-empty">
          <p className="muted">
            {snap.threads.length === 0
              ? CommentPolicy.canCreateThread(me.role)
                ? "No comments yet. Select words in a clause and choose Comment, or click the bubble beside a clause."
                : "No comments yet."
              : "No threads match this filter."}
          </p>
        </div>
      )}
      {groups.map((g) => (
        <section
          key={g.clauseId}
          className="comments-clause"
          aria-label={clauseLabel(g.clauseId)}
          data-clause-id={g.clauseId}
        >
          <h3 className="comments-clause-title">
            <span>{clauseLabel(g.clauseId)}</span>
            <span className="comments-clause-snippet">{snippet.get(g.clauseId)}</span>
            <span className="tab-badge" title={`${plural(g.threads.length, "thread")} shown`}>
              {g.threads.length}
            </span>
          </h3>
          {g.threads.map((t) => (
            <ThreadCard
              key={t.id}
              thread={t}
              ctx={ctx}
              store={store}
              memberNames={memberNames}
              orgs={orgs}
              active={t.id === snap.hovered || t.id === snap.selected}
              selected={t.id === snap.selected}
            />
          ))}
        </section>
      ))}
      {removed.length > 0 && (
        <section
          className="comments-clause comments-removed"
          data-testid={CommentTestId.removed}
          aria-label="On removed text"
        >
          <h3 className="comments-clause-title">
            <span>On removed text</span>
            <span className="tab-badge">{removed.length}</span>
          </h3>
          <p className="muted comments-removed-note">The clauses these threads were on have been deleted.</p>
          {removed.map((t) => (
            <ThreadCard
              key={t.id}
              thread={t}
              ctx={ctx}
              store={store}
              memberNames={memberNames}
              orgs={orgs}
              active={t.id === snap.hovered || t.id === snap.selected}
              selected={t.id === snap.selected}
              removedClause
            />
          ))}
        </section>
      )}
    </div>
  );
}
