/**
 * The selected clause: its words as being read (edits under them are noted with a diff and "read again"), every
 * organization's position with the diff of stale ones, the clause's history, and my organization's approve /
 * object / abstain — recorded on the clause as shown, and confirmed again if the server says it changed.
 */
import { useState } from "react";
import type { Position, SignoffMatrixDto, SignoffOrganization, TextChangedDetails } from "../../shared/signoff";
import { REASON_MAX, cellState, positionIndex, positionKey } from "../../shared/signoff";
import { diffWords } from "../../shared/diff";
import { api, errorMessage } from "../api";
import { textChangedDetails } from "./refusals";
import { DiffView } from "./DiffView";
import { TextChangedNotice } from "./TextChangedNotice";
import { groupOrganizations } from "./Matrix";
import { PositionRow } from "./PositionRow";
import { ClauseHistory } from "./ClauseHistory";
import { AmendmentPicker } from "../amendments/AmendmentPicker";
import { CELL_LABEL, POSITION_ACTION } from "./labels";
import { SignoffLabel, SignoffTestId } from "./testids";

/** One clause: its text, every organization's position (with the diff of stale ones), and my actions. */
export function ClauseDetail({
  statementId,
  matrix,
  clauseId,
  myOrg,
  focusOrg = null,
  onDone,
}: {
  statementId: string;
  matrix: SignoffMatrixDto;
  clauseId: string;
  myOrg: SignoffOrganization | null;
  /** An organization whose position was opened from its matrix cell (`n`-th opening): its row is focused. */
  focusOrg?: { id: string; n: number } | null;
  onDone: () => void;
}) {
  const clause = matrix.clauses.find((c) => c.clauseId === clauseId)!;
  const index = positionIndex(matrix.positions);
  const mine = myOrg ? index.get(positionKey(clauseId, myOrg.id)) : undefined;
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState(mine?.position === "object" ? (mine.reason ?? "") : "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // "Approve if amended as proposed": an open suggestion on this clause the position references (none: "").
  const [amendmentId, setAmendmentId] = useState("");
  // The clause as the person is reading it: taken when the clause is opened, and not moved by edits under their
  // eyes (they are noted below it instead), so that a position is always given on the words that were read.
  const [read, setRead] = useState({ hash: clause.hash, text: clause.markdown });
  const moved = read.hash !== clause.hash;
  // The server refused because the clause changed while it was being read: the position waits for a second look.
  const [changed, setChanged] = useState<{ details: TextChangedDetails; position: Position; reason?: string } | null>(
    null,
  );

  /** Records a position on the clause as shown (by default, as this view shows it). */
  async function record(position: Position, why?: string, shown: { hash: string; text: string } = read) {
    if (!myOrg) return;
    setBusy(true);
    setError(null);
    try {
      await api.setPosition(statementId, {
        clauseId,
        organizationId: myOrg.id,
        position,
        reason: why,
        clauseHash: shown.hash,
        clauseText: shown.text,
        ...(amendmentId ? { amendmentId } : {}),
      });
      setObjecting(false);
      setChanged(null);
      setRead(shown);
      onDone();
    } catch (err) {
      const details = textChangedDetails(err);
      if (details) setChanged({ details, position, reason: why });
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className="signoff-section"
      data-testid={SignoffTestId.clauseDetail}
      data-clause-id={clauseId}
      aria-label={SignoffLabel.clause(clause.index + 1)}
    >
      <h3>{SignoffLabel.clause(clause.index + 1)}</h3>
      <blockquote className="signoff-clause-text" aria-label="Clause as you read it">
        {read.text}
      </blockquote>
      {moved && !changed && (
        <div className="signoff-void small" data-testid={SignoffTestId.clauseMoved}>
          <p>This clause has changed since you opened it.</p>
          <DiffView parts={diffWords(read.text, clause.markdown)} label="Changes since you opened it" />
          <button
            type="button"
            className="link-button small"
            onClick={() => setRead({ hash: clause.hash, text: clause.markdown })}
          >
            {SignoffLabel.readAgain}
          </button>
        </div>
      )}

      {myOrg && matrix.me.canSign && (
        <div className="signoff-actions">
          <p className="small">
            {myOrg.shortName}: {mine ? <strong>{CELL_LABEL[cellState(mine)]}</strong> : "no position yet"}
            {mine?.stale ? ` (was: ${mine.position})` : ""}
          </p>
          <AmendmentPicker
            statementId={statementId}
            clauseId={clauseId}
            value={amendmentId}
            onChange={setAmendmentId}
          />
          <div className="row" role="group" aria-label={`Position of ${myOrg.name}`}>
            {(["approve", "abstain"] as const).map((p) => (
              <button
                key={p}
                type="button"
                className={`btn btn-sm ${mine?.position === p && !mine.stale ? "btn-primary" : "btn-secondary"}`}
                disabled={busy}
                aria-pressed={mine?.position === p && !mine.stale}
                onClick={() => record(p)}
              >
                {POSITION_ACTION[p]}
              </button>
            ))}
            <button
              type="button"
              className={`btn btn-sm ${mine?.position === "object" && !mine.stale ? "btn-primary" : "btn-secondary"}`}
              disabled={busy}
              aria-pressed={mine?.position === "object" && !mine.stale}
              onClick={() => setObjecting(true)}
            >
              {POSITION_ACTION.object}
            </button>
            {mine?.stale && !mine.removed && (
              <button
                type="button"
                className="btn btn-sm btn-secondary"
                disabled={busy}
                onClick={() => record(mine.position, mine.reason ?? undefined)}
              >
                {SignoffLabel.confirm}
              </button>
            )}
          </div>
          {objecting && (
            <form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                if (!reason.trim()) return setError("An objection needs a reason.");
                void record("object", reason.trim());
              }}
            >
              <label className="field">
                <span>{SignoffLabel.reason}</span>
                <textarea
                  value={reason}
                  maxLength={REASON_MAX}
                  rows={3}
                  onChange={(e) => setReason(e.target.value)}
                  autoFocus
                />
              </label>
              <div className="row">
                <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
                  {SignoffLabel.submitObjection}
                </button>
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => setObjecting(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          {changed && (
            <div className="stack">
              <TextChangedNotice details={changed.details} />
              <div className="row">
                {changed.details.currentHash !== null && changed.details.currentText !== null && (
                  <button
                    type="button"
                    className="btn btn-primary btn-sm"
                    disabled={busy}
                    onClick={() =>
                      record(changed.position, changed.reason, {
                        hash: changed.details.currentHash!,
                        text: changed.details.currentText!,
                      })
                    }
                  >
                    {SignoffLabel.confirmChanged} ({POSITION_ACTION[changed.position]})
                  </button>
                )}
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => setChanged(null)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}

      <ul className="signoff-positions">
        {groupOrganizations(matrix.organizations).flatMap((g) =>
          g.orgs.map((o) => (
            <PositionRow
              key={o.id}
              org={o}
              p={index.get(positionKey(clauseId, o.id))}
              focusRequest={o.id === focusOrg?.id ? focusOrg.n : undefined}
            />
          )),
        )}
      </ul>
      <ClauseHistory matrix={matrix} clauseId={clauseId} />
    </section>
  );
}
