/** The final version once the statement is locked: hash, signatories, what the lock overrode; the admin's unlock. */
import { useState } from "react";
import type { FormEvent } from "react";
import type { SignoffMatrixDto } from "../../shared/signoff";
import { REASON_MAX } from "../../shared/signoff";
import { api, errorMessage } from "../api";
import { useSession } from "../app/session";
import { absoluteTime } from "../ui/format";
import { SignoffLabel } from "./testids";
import { quoted } from "./labels";

/** The final version: hash, signatories, what was overridden; the admin's unlock. */
export function FinalBox({ statementId, matrix }: { statementId: string; matrix: SignoffMatrixDto }) {
  const final = matrix.final!;
  const { user } = useSession();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onUnlock(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return setError("Give a reason for unlocking.");
    setBusy(true);
    try {
      await api.unlock(statementId, { reason: reason.trim() });
      setReason("");
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="signoff-section signoff-final" aria-label="Final version">
      <h3>Final version</h3>
      <p className="small">
        Locked by {final.createdByName ?? "the convener"} on {absoluteTime(final.createdAt)}.
      </p>
      <p className="small">
        SHA-256 <code className="hash signoff-hash">{final.hash}</code>
      </p>
      <p className="small">
        <strong>Signatories ({final.signatories.length}):</strong>
      </p>
      <ol className="signoff-list">
        {final.signatories.map((s) => (
          <li key={s.organizationId}>
            {s.name} <span className="muted small">— {s.signedBy}</span>
          </li>
        ))}
      </ol>
      {final.override && (
        <div className="signoff-void small">
          <p>
            <strong>Locked without full agreement.</strong>
          </p>
          {final.unsigned.length > 0 && <p>Not signed: {final.unsigned.map((u) => u.organizationName).join(", ")}.</p>}
          {final.objections.map((o) => (
            <p key={`${o.clauseId}:${o.organizationId}`}>
              {SignoffLabel.clause(o.clauseNumber)}: {o.organizationName} objected — {quoted(o.reason)}
            </p>
          ))}
        </div>
      )}
      {user?.isAdmin && (
        <form className="stack" onSubmit={onUnlock}>
          <label className="field">
            <span>{SignoffLabel.unlockReason}</span>
            <input value={reason} maxLength={REASON_MAX} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy}>
            {SignoffLabel.unlock}
          </button>
          <p className="small muted">Unlocking voids every signature and is recorded in the audit log.</p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
