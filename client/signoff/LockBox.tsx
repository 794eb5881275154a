/**
 * The convener's lock. The dialog shows a reading taken when it opens: the hash of the text to lock and what
 * stands in the way (unsigned organizations, standing objections). Locking sends exactly that; the server
 * refuses if the text changed since (the dialog then shows the diff and asks again) or if the lists changed
 * (it shows the current lists and asks again). It notes, without changing what it shows, when the live
 * sign-off no longer matches its reading, and offers to look again.
 */
import { useState } from "react";
import type * as Y from "yjs";
import type { LockReadiness, SignoffMatrixDto, TextChangedDetails } from "../../shared/signoff";
import { lockOverrideOf, rejudge, sameLockLists, shownDocument, signoffText } from "../../shared/signoff";
import { api, errorMessage } from "../api";
import { Dialog } from "../ui/Dialog";
import { ErrorCode } from "../../shared/errors";
import { lockRefusal, textChangedDetails } from "./refusals";
import { TextChangedNotice } from "./TextChangedNotice";
import { SignoffLabel, SignoffTestId } from "./testids";
import { quoted } from "./labels";
import { plural } from "../../shared/plural";

/** What the lock dialog shows the convener; `readiness` is null after the text changed, until the server says. */
interface Shown {
  hash: string;
  text: string;
  readiness: LockReadiness | null;
  changed: TextChangedDetails | null;
  /** The server refused because the lists changed since they were shown. */
  listChanged: boolean;
}

/** The lock section and its confirmation dialog. */
export function LockBox({
  statementId,
  ydoc,
  matrix,
  onDone,
}: {
  statementId: string;
  ydoc: Y.Doc;
  matrix: SignoffMatrixDto;
  onDone: () => void;
}) {
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signedCount = matrix.organizations.length - matrix.readiness.unsigned.length;

  function look() {
    const t = signoffText(ydoc);
    // The lists judged against exactly this reading of the text, so that hash and lists go together.
    const readiness =
      t.clauses.length === 0 && matrix.clauses.length > 0 ? matrix.readiness : rejudge(matrix, t).readiness;
    setShown({ hash: t.hash, text: t.markdown, readiness, changed: null, listChanged: false });
    setError(null);
  }

  async function doLock() {
    if (!shown) return;
    setBusy(true);
    setError(null);
    const r = shown.readiness;
    try {
      await api.lock(statementId, {
        ...shownDocument({ hash: shown.hash, markdown: shown.text }),
        ...(r && !r.ready ? { override: lockOverrideOf(r) } : {}),
      });
      setShown(null);
      onDone();
    } catch (err) {
      const changed = textChangedDetails(err);
      const refused = lockRefusal(err);
      if (changed && changed.currentHash !== null && changed.currentText !== null) {
        setShown({
          hash: changed.currentHash,
          text: changed.currentText,
          readiness: null,
          changed,
          listChanged: false,
        });
      } else if (refused) {
        setShown({
          ...shown,
          readiness: { ready: false, unsigned: refused.details.unsigned, objections: refused.details.objections },
          // The text was confirmed (the server checks it first); what is left to confirm is the list.
          changed: null,
          listChanged: refused.code === ErrorCode.lockListChanged,
        });
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const r = shown?.readiness ?? null;
  // The live view no longer matches what the dialog shows (an edit, a signature, a new objection).
  const drifted =
    shown !== null &&
    shown.changed === null &&
    r !== null &&
    (matrix.documentHash !== shown.hash || !sameLockLists(lockOverrideOf(r), matrix.readiness));

  return (
    <section className="signoff-section" aria-label="Lock">
      <h3>Lock</h3>
      <p className="small">
        {signedCount} of {plural(matrix.organizations.length, "organization")} signed the current text
        {matrix.readiness.objections.length > 0
          ? ` · ${plural(matrix.readiness.objections.length, "standing objection")}`
          : ""}
        .
      </p>
      {matrix.readiness.unsigned.length > 0 && (
        <p className="small" data-testid={SignoffTestId.lockGateUnsigned}>
          Not signed yet:{" "}
          {matrix.readiness.unsigned
            .map((u) => {
              const org = matrix.organizations.find((o) => o.id === u.organizationId);
              return org?.representatives === 0 ? `${u.organizationName} (no member yet)` : u.organizationName;
            })
            .join(", ")}
        </p>
      )}
      <button type="button" className="btn btn-secondary btn-sm" onClick={look}>
        {SignoffLabel.lock}
      </button>
      <Dialog open={shown !== null} title="Lock the final version" onClose={() => setShown(null)}>
        {shown && (
          <div data-testid={SignoffTestId.lockDialog} className="stack">
            <p>
              Locking stores the canonical text, its SHA-256 and the signatories. Nobody can change the text afterwards;
              only the instance admin can unlock.
            </p>
            {shown.changed && <TextChangedNotice details={shown.changed} />}
            <p className="small">
              Text to lock: SHA-256{" "}
              <code className="hash signoff-hash" data-testid={SignoffTestId.shownHash} data-hash={shown.hash}>
                {shown.hash}
              </code>
            </p>
            <details>
              <summary className="small">Show the text</summary>
              <pre className="signoff-shown-text" aria-label="Text to lock" tabIndex={0}>
                {shown.text}
              </pre>
            </details>
            {r === null ? (
              <p className="small muted">
                Who has signed this text, and which objections stand, is checked again when you lock.
              </p>
            ) : r.ready ? (
              <p className="success">Every organization has signed this text and no objection stands.</p>
            ) : (
              <>
                {shown.listChanged && (
                  <p className="signoff-void small" role="alert">
                    Who has not signed, or which objections stand, changed since you looked. This is the current list.
                  </p>
                )}
                {r.unsigned.length > 0 && (
                  <div>
                    <p>
                      <strong>Not signed ({r.unsigned.length}):</strong>
                    </p>
                    <ul className="signoff-list">
                      {r.unsigned.map((u) => (
                        <li key={u.organizationId}>{u.organizationName}</li>
                      ))}
                    </ul>
                  </div>
                )}
                {r.objections.length > 0 && (
                  <div>
                    <p>
                      <strong>Standing objections ({r.objections.length}):</strong>
                    </p>
                    <ul className="signoff-list">
                      {r.objections.map((o) => (
                        <li key={`${o.clauseId}:${o.organizationId}`}>
                          {SignoffLabel.clause(o.clauseNumber)}, {o.organizationName}
                          {o.stale ? " (stale)" : ""}: {quoted(o.reason)}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                <p className="small muted">Locking anyway records this list with the final version.</p>
              </>
            )}
            {drifted && (
              <p className="small muted">
                The text or its sign-off changed since you opened this.{" "}
                <button type="button" className="link-button small" onClick={look}>
                  Look again
                </button>
              </p>
            )}
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <div className="form-actions">
              <button type="button" className="btn btn-secondary" onClick={() => setShown(null)}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={doLock}>
                {r === null ? SignoffLabel.lockChanged : r.ready ? SignoffLabel.lockNow : SignoffLabel.lockAnyway}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </section>
  );
}
