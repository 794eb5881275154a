/**
 * One proposal in the Comments panel, a thread of its own with its own status: the words it replaces and its new
 * wording, the reason, who proposed it, and the decision. Drafters and the convener accept or decline (with a
 * reason); the proposer may withdraw it while it is open. An open proposal whose words changed in the local
 * document is shown outdated at once and cannot be accepted (the server checks again when accepting).
 */
import { useState } from "react";
import { useAction } from "../ui/useAction";
import type { FormEvent } from "react";
import { AmendmentPolicy } from "../../shared/amendments/schemas";
import type { AmendmentDto, AmendmentStatus } from "../../shared/amendments/schemas";
import { AmendmentLimits } from "../../shared/amendments/schemas";
import type { EditorPageContext } from "../editor/plugins";
import { Badge } from "../ui/Badge";
import type { BadgeTone } from "../ui/Badge";
import { absoluteTime } from "../ui/format";
import type { AmendmentStore } from "./store";
import { AmendmentLabel, AmendmentTestId } from "./testids";

const STATUS: Record<AmendmentStatus, { label: string; tone: BadgeTone }> = {
  open: { label: "Open", tone: "info" },
  accepted: { label: "Accepted", tone: "success" },
  declined: { label: "Declined", tone: "danger" },
  outdated: { label: "Outdated", tone: "warning" },
  closed: { label: "Closed", tone: "neutral" },
};

/** See the module comment. `current`: whether its words are still exactly there in the local document. */
export function AmendmentCard(props: {
  amendment: AmendmentDto;
  ctx: EditorPageContext;
  store: AmendmentStore;
  current: boolean;
}) {
  const { amendment: a, ctx, store, current } = props;
  const me = ctx.detail.me;
  const phase = ctx.detail.statement.phase;
  const { busy, error, setError, run } = useAction();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  // Open on the server but its words changed here: outdated for this reader already.
  const shown: AmendmentStatus = a.status === "open" && !current ? "outdated" : a.status;
  const canDecide = AmendmentPolicy.canDecide(me.role, phase, a);
  const canWithdraw = AmendmentPolicy.canWithdraw(me.userId, phase, a);

  async function onDecline(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === "") {
      setError("Give a reason for declining.");
      return;
    }
    if (await run(() => store.decide(a.id, { decision: "decline", reason: reason.trim() }))) setDeclining(false);
  }

  const decisionVerb = a.status === "accepted" ? "Accepted" : a.status === "declined" ? "Declined" : "Withdrawn";
  return (
    <article
      className={`comment-card amendment-card amendment-${shown}`}
      data-testid={AmendmentTestId.card}
      data-amendment-id={a.id}
      data-clause-id={a.clauseId}
      data-status={shown}
      aria-label={`Suggestion by ${a.proposer.name}: ${STATUS[shown].label}`}
    >
      <header className="amendment-head">
        <span className="amendment-kind">Suggestion</span>
        <Badge tone={STATUS[shown].tone}>{STATUS[shown].label}</Badge>
        <span className="amendment-who">
          {a.proposer.name} · <time dateTime={new Date(a.createdAt).toISOString()}>{absoluteTime(a.createdAt)}</time>
        </span>
      </header>
      <p className="amendment-change">
        <span className="visually-hidden">Replace </span>
        <del>{a.target.quote}</del>
        <span className="visually-hidden"> with </span>
        {a.replacement === "" ? (
          <em className="muted"> (delete)</em>
        ) : (
          <>
            {" "}
            <ins>{a.replacement}</ins>
          </>
        )}
      </p>
      <p className="amendment-reason">
        <strong>Why:</strong> {a.reason}
      </p>
      {a.positions.length > 0 && (
        <ul className="amendment-positions" aria-label="Positions that reference this suggestion">
          {a.positions.map((p) => (
            <li key={p.organizationId}>
              <strong>{p.organization}</strong>:{" "}
              {p.position === "approve" ? "approves" : p.position === "object" ? "objects" : "abstains"} if amended as
              proposed
            </li>
          ))}
        </ul>
      )}
      {shown === "outdated" && (
        <p className="amendment-note">
          The words it replaces have changed since it was proposed: it cannot be accepted.
        </p>
      )}
      {a.decision && (
        <p className="amendment-note">
          {decisionVerb} by {a.decision.by.name}, {absoluteTime(a.decision.at)}
          {a.decision.reason ? `: ${a.decision.reason}` : ""}
        </p>
      )}
      {a.status === "closed" && !a.decision && <p className="amendment-note">Closed when the statement was locked.</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {declining ? (
        <form className="amendment-decline" onSubmit={(e) => void onDecline(e)}>
          <label>
            {AmendmentLabel.declineReason}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={AmendmentLimits.reasonMax}
              autoFocus
              disabled={busy}
            />
          </label>
          <div className="comment-actions">
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {AmendmentLabel.confirmDecline}
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDeclining(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        (canDecide || canWithdraw) &&
        shown === "open" && (
          <div className="comment-actions">
            {canDecide && (
              <>
                <button
                  type="button"
                  className="btn btn-primary btn-sm"
                  disabled={busy}
                  onClick={() => void run(() => store.decide(a.id, { decision: "accept" }))}
                >
                  {AmendmentLabel.accept}
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  disabled={busy}
                  onClick={() => setDeclining(true)}
                >
                  {AmendmentLabel.decline}
                </button>
              </>
            )}
            {canWithdraw && (
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                disabled={busy}
                onClick={() => void run(() => store.decide(a.id, { decision: "withdraw" }))}
              >
                {AmendmentLabel.withdraw}
              </button>
            )}
          </div>
        )
      )}
    </article>
  );
}
