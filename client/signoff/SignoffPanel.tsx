/**
 * The Sign-off tab of the editor's side panel: my organization's signature (SignatureBox.tsx), the convener's
 * lock (LockBox.tsx), the final version once locked (and the admin's unlock), the matrix with its filters, and
 * the selected clause's positions with the word diff of stale ones and my organization's approve / object /
 * abstain — recorded on the clause as shown, and confirmed again if it changed while being read.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import type { EditorPageContext } from "../editor/plugins";
import type { Position, PositionDto, SignoffMatrixDto, SignoffOrganization, TextChangedDetails } from "../../shared/signoff";
import { REASON_MAX, cellState, positionIndex, positionKey } from "../../shared/signoff";
import { diffWords } from "../../shared/diff";
import { api, auditCsvUrl, errorMessage } from "../api";
import type { AuditEntryDto } from "../../shared/api";
import { useSession } from "../app/session";
import { Dialog } from "../ui/Dialog";
import { absoluteTime, relativeTime } from "../ui/format";
import { textChangedDetails } from "./refusals";
import { DiffView } from "./DiffView";
import { SignatureBox } from "./SignatureBox";
import { LockBox } from "./LockBox";
import { TextChangedNotice } from "./TextChangedNotice";
import { SignoffMatrix, excerpt, groupOrganizations } from "./Matrix";
import type { MatrixFilter } from "./Matrix";
import { signoffStoreFor, useSignoffs } from "./store";
import { CELL_LABEL, CELL_SYMBOL, POSITION_ACTION } from "./labels";
import { SignoffLabel, SignoffTestId } from "./testids";
import "./signoff.css";

/** The tab's content. */
export function SignoffPanel({ ctx }: { ctx: EditorPageContext }) {
  const store = signoffStoreFor(ctx);
  const { matrix, error } = useSignoffs(store);
  const [filter, setFilter] = useState<MatrixFilter>("all");
  const [selected, setSelected] = useState<string | null>(null);
  const [wide, setWide] = useState(false);

  if (!matrix) {
    return <div className="signoff-panel">{error ? <p className="form-error" role="alert">{error}</p> : <p className="muted">Loading sign-off…</p>}</div>;
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
      {error && <p className="form-error" role="alert">{error}</p>}
      {matrix.final && <FinalBox statementId={ctx.statementId} matrix={matrix} />}
      {myOrg && <SignatureBox statementId={ctx.statementId} ydoc={ctx.ydoc} matrix={matrix} org={myOrg} onDone={store.refresh} />}
      {matrix.me.canLock && <LockBox statementId={ctx.statementId} ydoc={ctx.ydoc} matrix={matrix} onDone={store.refresh} />}

      <section className="signoff-section" aria-label="Sign-off matrix">
        <div className="signoff-section-head">
          <h3>Positions by clause</h3>
          <button type="button" className="link-button small" onClick={() => setWide(true)}>
            {SignoffLabel.expand}
          </button>
        </div>
        <FilterChips label="Filter clauses" filters={filters} value={filter} onChange={setFilter} />
        <Legend />
        <SignoffMatrix matrix={matrix} filter={filter} selected={selected} onSelect={setSelected} />
      </section>

      {selectedClause && (
        <ClauseDetail
          key={selectedClause.clauseId}
          statementId={ctx.statementId}
          matrix={matrix}
          clauseId={selectedClause.clauseId}
          myOrg={myOrg}
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
            setSelected(id);
            setWide(false);
          }}
          wide
        />
      </Dialog>
    </div>
  );
}

/** The clause filter of the matrix, as toggle chips. */
function FilterChips(props: { label: string; filters: Array<[MatrixFilter, string]>; value: MatrixFilter; onChange: (f: MatrixFilter) => void }) {
  return (
    <div className="signoff-filters" role="group" aria-label={props.label}>
      {props.filters.map(([f, label]) => (
        <button key={f} type="button" className={`chip-button ${props.value === f ? "chip-active" : ""}`} aria-pressed={props.value === f} onClick={() => props.onChange(f)}>
          {label}
        </button>
      ))}
    </div>
  );
}

function Legend() {
  const states = ["approve", "object", "abstain", "stale", "pending"] as const;
  return (
    <p className="signoff-legend small" aria-hidden="true">
      {states.map((s) => (
        <span key={s}>
          <span className={`sm-swatch cell-${s}`}>{CELL_SYMBOL[s]}</span> {CELL_LABEL[s]}
        </span>
      ))}
    </p>
  );
}

/** The final version: hash, signatories, what was overridden; the admin's unlock. */
function FinalBox({ statementId, matrix }: { statementId: string; matrix: SignoffMatrixDto }) {
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
              {SignoffLabel.clause(o.clauseNumber)}: {o.organizationName} objected — “{o.reason}”
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
          {error && <p className="form-error" role="alert">{error}</p>}
        </form>
      )}
    </section>
  );
}

/** One clause: its text, every organization's position (with the diff of stale ones), and my actions. */
function ClauseDetail({
  statementId,
  matrix,
  clauseId,
  myOrg,
  onDone,
}: {
  statementId: string;
  matrix: SignoffMatrixDto;
  clauseId: string;
  myOrg: SignoffOrganization | null;
  onDone: () => void;
}) {
  const clause = matrix.clauses.find((c) => c.clauseId === clauseId)!;
  const index = positionIndex(matrix.positions);
  const mine = myOrg ? index.get(positionKey(clauseId, myOrg.id)) : undefined;
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState(mine?.position === "object" ? (mine.reason ?? "") : "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The clause as the person is reading it: taken when the clause is opened, and not moved by edits under their
  // eyes (they are noted below it instead), so that a position is always given on the words that were read.
  const [read, setRead] = useState({ hash: clause.hash, text: clause.markdown });
  const moved = read.hash !== clause.hash;
  // The server refused because the clause changed while it was being read: the position waits for a second look.
  const [changed, setChanged] = useState<{ details: TextChangedDetails; position: Position; reason?: string } | null>(null);

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
    <section className="signoff-section" data-testid={SignoffTestId.clauseDetail} data-clause-id={clauseId} aria-label={SignoffLabel.clause(clause.index + 1)}>
      <h3>{SignoffLabel.clause(clause.index + 1)}</h3>
      <blockquote className="signoff-clause-text" aria-label="Clause as you read it">
        {read.text}
      </blockquote>
      {moved && !changed && (
        <div className="signoff-void small" data-testid={SignoffTestId.clauseMoved}>
          <p>This clause has changed since you opened it.</p>
          <DiffView parts={diffWords(read.text, clause.markdown)} label="Changes since you opened it" />
          <button type="button" className="link-button small" onClick={() => setRead({ hash: clause.hash, text: clause.markdown })}>
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
              <button type="button" className="btn btn-sm btn-secondary" disabled={busy} onClick={() => record(mine.position, mine.reason ?? undefined)}>
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
                <textarea value={reason} maxLength={REASON_MAX} rows={3} onChange={(e) => setReason(e.target.value)} autoFocus />
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
                      record(changed.position, changed.reason, { hash: changed.details.currentHash!, text: changed.details.currentText! })
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
          {error && <p className="form-error" role="alert">{error}</p>}
        </div>
      )}

      <ul className="signoff-positions">
        {groupOrganizations(matrix.organizations).flatMap((g) =>
          g.orgs.map((o) => <PositionRow key={o.id} org={o} p={index.get(positionKey(clauseId, o.id))} />),
        )}
      </ul>
      <History matrix={matrix} clauseId={clauseId} />
    </section>
  );
}

function PositionRow({ org, p }: { org: SignoffOrganization; p: PositionDto | undefined }) {
  const state = cellState(p);
  return (
    <li className="signoff-position" data-org-id={org.id} data-state={state}>
      <span className={`sm-swatch cell-${state}`} aria-hidden="true">
        {CELL_SYMBOL[state]}
      </span>{" "}
      <strong>{org.shortName}</strong> {CELL_LABEL[state]}
      {p && (
        <>
          {p.stale && <> (was: {p.position})</>}
          <span className="muted small">
            {" "}
            — {p.userName}, <span title={absoluteTime(p.at)}>{relativeTime(p.at)}</span>
          </span>
          {p.reason && <p className="signoff-reason">“{p.reason}”</p>}
          {p.stale && p.diff && <DiffView parts={p.diff} label={`Changes since ${org.shortName} gave its position`} />}
          {p.removed && <p className="small muted">The clause was removed from the text.</p>}
        </>
      )}
    </li>
  );
}

function History({ matrix, clauseId }: { matrix: SignoffMatrixDto; clauseId: string }) {
  const entries = matrix.history.filter((h) => h.clauseId === clauseId);
  if (entries.length === 0) return null;
  const names = new Map(matrix.organizations.map((o) => [o.id, o.shortName]));
  return (
    <details className="signoff-history">
      <summary className="small">History ({entries.length})</summary>
      <ul className="small">
        {entries.map((h) => (
          <li key={h.id}>
            <span title={absoluteTime(h.at)}>{relativeTime(h.at)}</span>: {names.get(h.organizationId) ?? "?"} {h.position}
            {h.reason ? ` — “${excerpt(h.reason, 80)}”` : ""} ({h.userName}, clause <code className="hash">{h.clauseHash.slice(0, 8)}</code>)
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The statement's audit log (memberships, positions, signatures, lock, unlock), loaded when opened; and its CSV. */
function AuditLog({ statementId }: { statementId: string }) {
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="signoff-section" aria-label="Audit log">
      <details
        className="signoff-history"
        onToggle={(e) => {
          if ((e.currentTarget as HTMLDetailsElement).open) {
            api.audit(statementId).then(
              (r) => setEntries(r.entries),
              (err) => setError(errorMessage(err)),
            );
          }
        }}
      >
        <summary className="small">Audit log</summary>
        {error && <p className="form-error" role="alert">{error}</p>}
        {entries && (
          <ul className="small signoff-audit">
            {entries.map((e) => (
              <li key={e.id}>
                <span title={absoluteTime(e.at)}>{relativeTime(e.at)}</span> · {e.actorName ?? "system"} · <strong>{e.action}</strong>
                {typeof e.detail.position === "string" ? ` ${e.detail.position}` : ""}
                {typeof e.detail.clauseNumber === "number" ? ` (clause ${e.detail.clauseNumber})` : ""}
                {typeof e.detail.reason === "string" && e.detail.reason ? ` — “${excerpt(e.detail.reason, 80)}”` : ""}
                {e.hash && (
                  <>
                    {" "}
                    <code className="hash" title={e.hash}>
                      {e.hash.slice(0, 10)}
                    </code>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </details>
      <p className="small">
        <a href={auditCsvUrl(statementId)} download>
          {SignoffLabel.auditCsv}
        </a>
      </p>
    </section>
  );
}
