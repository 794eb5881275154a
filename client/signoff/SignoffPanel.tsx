/**
 * The Sign-off tab of the editor's side panel, one section per file: the final version once locked and the
 * admin's unlock (FinalBox.tsx), my organization's signature and its withdrawal (SignatureBox.tsx), the
 * convener's expected signatories (ExpectedSignatories.tsx) and lock (LockBox.tsx), my organization's bulk
 * approval (BulkApprove.tsx), the matrix with its filters (Matrix.tsx, MatrixControls.tsx), the selected
 * clause's positions and my organization's approve / object / abstain (ClauseDetail.tsx), and the audit log.
 */
import { useState } from "react";
import type { EditorPageContext } from "../editor/plugins";
import { Dialog } from "../ui/Dialog";
import { SignatureBox } from "./SignatureBox";
import { LockBox } from "./LockBox";
import { FinalBox } from "./FinalBox";
import { SignoffMatrix } from "./Matrix";
import type { MatrixFilter } from "./Matrix";
import { FilterChips, Legend } from "./MatrixControls";
import { ClauseDetail } from "./ClauseDetail";
import { AuditLog } from "./AuditLog";
import { BulkApprove } from "./BulkApprove";
import { ExpectedSignatories } from "./ExpectedSignatories";
import { canManageMembers } from "../../shared/roles";
import { signoffStoreFor, useSignoffs } from "./store";
import { SignoffLabel, SignoffTestId } from "./testids";
import "./signoff.css";

/** The tab's content. */
export function SignoffPanel({ ctx }: { ctx: EditorPageContext }) {
  const store = signoffStoreFor(ctx);
  const { matrix, error } = useSignoffs(store);
  const [filter, setFilter] = useState<MatrixFilter>("all");
  const [selected, setSelected] = useState<string | null>(null);
  // The organization whose position was opened from its matrix cell (focused in the clause detail); `n` counts
  // the openings, so that opening the same cell again moves focus again, and nothing else ever does.
  const [focusOrg, setFocusOrg] = useState<{ id: string; n: number } | null>(null);
  const select = (clauseId: string) => {
    setSelected(clauseId);
    setFocusOrg(null);
  };
  const openCell = (clauseId: string, organizationId: string) => {
    setSelected(clauseId);
    setFocusOrg((f) => ({ id: organizationId, n: (f?.n ?? 0) + 1 }));
  };
  const [wide, setWide] = useState(false);

  if (!matrix) {
    return (
      <div className="signoff-panel">
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted">Loading sign-off…</p>
        )}
      </div>
    );
  }
  const myOrg = matrix.organizations.find((o) => o.id === matrix.me.organizationId) ?? null;
  const selectedClause = matrix.clauses.find((c) => c.clauseId === selected) ?? null;

  const filters: Array<[MatrixFilter, string]> = [
    ["all", SignoffLabel.filterAll],
    ["objections", SignoffLabel.filterObjections],
    ["stale", SignoffLabel.filterStale],
  ];

  return (
    <div className="signoff-panel" data-testid={SignoffTestId.panel}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {matrix.final && <FinalBox statementId={ctx.statementId} matrix={matrix} />}
      {myOrg && (
        <SignatureBox
          statementId={ctx.statementId}
          ydoc={ctx.ydoc}
          matrix={matrix}
          org={myOrg}
          onDone={store.refresh}
        />
      )}
      {canManageMembers(ctx.detail.me.role) && !matrix.final && (
        <ExpectedSignatories statementId={ctx.statementId} matrix={matrix} />
      )}
      {matrix.me.canLock && (
        <LockBox statementId={ctx.statementId} ydoc={ctx.ydoc} matrix={matrix} onDone={store.refresh} />
      )}
      {myOrg && matrix.me.canSign && (
        <BulkApprove statementId={ctx.statementId} matrix={matrix} org={myOrg} onDone={store.refresh} />
      )}

      <section className="signoff-section" aria-label="Sign-off matrix">
        <div className="signoff-section-head">
          <h3>Positions by clause</h3>
          <button type="button" className="link-button small" onClick={() => setWide(true)}>
            {SignoffLabel.expand}
          </button>
        </div>
        <FilterChips label="Filter clauses" filters={filters} value={filter} onChange={setFilter} />
        <Legend />
        <SignoffMatrix matrix={matrix} filter={filter} selected={selected} onSelect={select} onOpenCell={openCell} />
      </section>

      {selectedClause && (
        <ClauseDetail
          key={selectedClause.clauseId}
          statementId={ctx.statementId}
          matrix={matrix}
          clauseId={selectedClause.clauseId}
          myOrg={myOrg}
          focusOrg={focusOrg}
          onDone={store.refresh}
        />
      )}

      <AuditLog statementId={ctx.statementId} />

      <Dialog open={wide} title="Sign-off matrix" onClose={() => setWide(false)}>
        <FilterChips label="Filter clauses (full matrix)" filters={filters} value={filter} onChange={setFilter} />
        <Legend />
        <SignoffMatrix
          matrix={matrix}
          filter={filter}
          selected={selected}
          onSelect={(id) => {
            select(id);
            setWide(false);
          }}
          onOpenCell={(id, org) => {
            openCell(id, org);
            setWide(false);
          }}
          wide
        />
      </Dialog>
    </div>
  );
}
