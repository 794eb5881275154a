/**
 * The proposals of a statement in the Comments panel: undecided ones first (in document order, labelled with
 * their clause), decided ones folded below. Kept live by the store; each card re-checks its words against the
 * local document as it changes.
 */
import { useSyncExternalStore } from "react";
import type { EditorPageContext } from "../editor/plugins";
import { useClauses } from "../comments/useClauses";
import { AmendmentCard } from "./AmendmentCard";
import { currentAmendments } from "./preview";
import { amendmentStoreFor } from "./store";
import "./amendments.css";

/**
 * See the module comment. Renders nothing while there are no proposals; with `clauseId` (the clause the gutter
 * focused), only that clause's.
 */
export function AmendmentsSection({ ctx, clauseId = null }: { ctx: EditorPageContext; clauseId?: string | null }) {
  const store = amendmentStoreFor(ctx);
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  // Re-rendered on document changes (through its version), so outdated proposals show at once.
  const { order, snippet } = useClauses(ctx.ydoc);
  const shown = clauseId ? snap.amendments.filter((a) => a.clauseId === clauseId) : snap.amendments;
  if (shown.length === 0) {
    return snap.status === "error" ? (
      <p className="field-error" role="alert">
        {snap.error}
      </p>
    ) : null;
  }
  const current = currentAmendments(ctx.ydoc, shown);
  const at = (clauseId: string) => order.get(clauseId) ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...shown].sort((x, y) => at(x.clauseId) - at(y.clauseId) || x.createdAt - y.createdAt);
  const undecided = sorted.filter((a) => a.status === "open" || a.status === "outdated");
  const decided = sorted.filter((a) => !undecided.includes(a));
  const label = (clauseId: string) => {
    const i = order.get(clauseId);
    const s = snippet.get(clauseId);
    return i === undefined ? "On removed text" : `Clause ${i + 1}${s ? ` — “${s}”` : ""}`;
  };
  const card = (a: (typeof sorted)[number]) => (
    <li key={a.id}>
      <p className="amendment-where">{label(a.clauseId)}</p>
      <AmendmentCard amendment={a} ctx={ctx} store={store} current={current.has(a.id)} />
    </li>
  );
  return (
    <section className="amendments-section" aria-label="Suggested wording">
      <h3 className="comments-clause-title">
        <span>Suggested wording</span>
        <span className="tab-badge">{undecided.length}</span>
      </h3>
      {undecided.length > 0 ? (
        <ul className="amendment-list">{undecided.map(card)}</ul>
      ) : (
        <p className="muted">No open suggestions.</p>
      )}
      {decided.length > 0 && (
        <details className="amendments-decided">
          <summary>Decided ({decided.length})</summary>
          <ul className="amendment-list">{decided.map(card)}</ul>
        </details>
      )}
    </section>
  );
}
