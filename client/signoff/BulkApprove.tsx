/**
 * "Approve all clauses without my objection": one button for a representative, a confirmation that says how
 * many clauses it approves (and how many it leaves because my organization objects or abstains), then one
 * request. The clauses and hashes sent are the ones counted in the confirmation, as this screen shows them; the
 * server approves them in one transaction and reports what it did (clauses edited meanwhile are left alone).
 */
import { useState } from "react";
import type { SignoffClause, SignoffMatrixDto, SignoffOrganization } from "../../shared/signoff";
import { bulkApprovable, positionIndex, positionKey } from "../../shared/signoff";
import { api, errorMessage } from "../api";
import { Dialog } from "../ui/Dialog";
import { SignoffLabel, SignoffTestId } from "./testids";
import { plural } from "../../shared/plural";

/** The bulk approval of my organization. */
export function BulkApprove(props: {
  statementId: string;
  matrix: SignoffMatrixDto;
  org: SignoffOrganization;
  onDone: () => void;
}) {
  const { statementId, matrix, org, onDone } = props;
  const offer = bulkApprovable(matrix, org.id);
  const index = positionIndex(matrix.positions);
  const reserved = matrix.clauses.filter((c) => {
    const p = index.get(positionKey(c.clauseId, org.id));
    return p?.position === "object" || p?.position === "abstain";
  }).length;
  // What the confirmation counted, frozen when it opened: exactly these clauses at these hashes are sent.
  const [shown, setShown] = useState<SignoffClause[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);

  async function approve() {
    if (!shown) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.bulkApprove(statementId, {
        organizationId: org.id,
        clauses: shown.map((c) => ({ clauseId: c.clauseId, clauseHash: c.hash })),
      });
      const left = [
        r.skipped.changed > 0 ? `${plural(r.skipped.changed, "clause")} changed since you looked: review them` : "",
        r.skipped.objected + r.skipped.abstained > 0
          ? `${plural(r.skipped.objected + r.skipped.abstained, "clause")} with a new objection or abstention left as is`
          : "",
      ].filter(Boolean);
      setResult(`Approved ${plural(r.approved, "clause")}.${left.length ? ` ${left.join("; ")}.` : ""}`);
      setShown(null);
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signoff-bulk" data-testid={SignoffTestId.bulkApprove}>
      <button
        type="button"
        className="btn btn-secondary btn-sm signoff-wrap-button"
        disabled={offer.length === 0 || busy}
        onClick={() => {
          setError(null);
          setResult(null);
          setShown(offer);
        }}
      >
        {SignoffLabel.bulkApprove} ({offer.length})
      </button>
      <p className="small muted" role="status">
        {result ?? (offer.length === 0 ? `${org.shortName} has a position on every clause.` : "")}
      </p>
      <Dialog open={shown !== null} title={SignoffLabel.bulkApprove} onClose={() => setShown(null)}>
        {shown && (
          <div className="stack" data-testid={SignoffTestId.bulkApproveDialog}>
            <p>
              Approve <strong>{plural(shown.length, "clause")}</strong> for <strong>{org.name}</strong>: every clause
              without a position of {org.shortName} yet, and approvals given on an earlier text.
              {reserved > 0 &&
                ` The ${plural(reserved, "clause")} where ${org.shortName} objects or abstains stay as they are.`}
            </p>
            <p className="small muted">
              Each approval is bound to the clause as you see it now; a clause edited in the meantime is not approved.
            </p>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <div className="form-actions">
              <button type="button" className="btn btn-secondary" onClick={() => setShown(null)}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={approve} data-autofocus>
                {SignoffLabel.bulkApproveConfirm(shown.length)}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}
