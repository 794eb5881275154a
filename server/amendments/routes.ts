/**
 * Amendment routes, mounted at `/api` (rules in shared/amendments/schemas.ts):
 *
 *   GET  /statements/:id/amendments     every proposal, oldest first               → {amendments}
 *   POST /statements/:id/amendments     {clauseId, anchor?, replacement, reason}   → 201 {amendment}
 *   POST /amendments/:id/decision       {decision: "accept"} | {decision: "decline", reason} | {decision: "withdraw"}
 *                                                                                   → {amendment}
 *
 * Accepting replaces the words through `rooms.editAs` in the acceptor's name (attributed to them and their
 * organization; the proposal records its proposer), checked against the document in the same step that edits
 * it: a proposal whose words changed is marked `outdated` and nothing is edited. It is recorded as accepted only
 * once the edit is stored: claim (`accepting`), edit, mark (store.ts); a claim a crash left behind is settled
 * from the document (recovery.ts). Every change is pushed to the statement's connected members as an
 * `amendments.changed` app event carrying the proposal as it now is.
 */
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Services } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { limitBody } from "../http/body-limit";
import { findMembership, requireMembership } from "../statements/access";
import type { Membership } from "../statements/access";
import type { AppError } from "../errors";
import { badRequest, conflict, forbidden, notFound, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { AmendmentPolicy, amendmentCreateSchema, amendmentDecisionSchema } from "../../shared/amendments/schemas";
import type { AmendmentDto } from "../../shared/amendments/schemas";
import { applyAmendment, checkTarget, clausesById, makeTarget } from "../../shared/amendments/target";
import {
  claimAccept,
  closeUndecided,
  findAmendment,
  insertAmendment,
  listAmendments,
  settleClaim,
  storedStatus,
  transition,
} from "./store";
import type { Claim } from "./store";
import { judgeClaim, recoverAfterMs, settleAbandonedClaims, settleAtStart } from "./recovery";
import { acceptFaults } from "./seams";

const limit = limitBody(32 * 1024);

/** Pushes a proposal as the caller just read it. */
function pushed(services: Services, amendment: AmendmentDto): void {
  services.events.app(amendment.statementId, {
    type: "amendments.changed",
    statementId: amendment.statementId,
    amendment,
  });
}

async function one(services: Services, statementId: string, id: string): Promise<AmendmentDto> {
  const [a] = await listAmendments(services.db, statementId, [id]);
  if (!a) throw notFound("Amendment");
  return a;
}

/** Refused inside the edit: the words are not there any more. */
class Outdated extends Error {}

/**
 * The statement's proposals as they stand: after the lock the undecided ones are closed; before it, open ones
 * whose words changed are marked outdated (each change pushed once, by whoever notices it first).
 */
async function settled(services: Services, me: Membership): Promise<AmendmentDto[]> {
  await settleAbandonedClaims(services, { statementId: me.statementId, olderThanMs: recoverAfterMs(services) });
  if (me.phase === "final") {
    const closed = await closeUndecided(services.db, me.statementId);
    for (const a of await listAmendments(services.db, me.statementId, closed)) pushed(services, a);
    return listAmendments(services.db, me.statementId);
  }
  const all = await listAmendments(services.db, me.statementId);
  const open = all.filter((a) => a.status === "open");
  if (open.length === 0) return all;
  const stale = await services.rooms.withDocument(me.statementId, (doc) => {
    const clauses = clausesById(doc);
    return open.filter((a) => checkTarget(doc, a, clauses).kind === "outdated").map((a) => a.id);
  });
  const marked: string[] = [];
  for (const id of stale)
    if (await transition(services.db, id, "open", "outdated", { by: null, reason: null })) marked.push(id);
  if (marked.length === 0) return all;
  for (const a of await listAmendments(services.db, me.statementId, marked)) pushed(services, a);
  return listAmendments(services.db, me.statementId);
}

/** The proposal and the caller's membership of its statement; 404 for unknown proposals and non-members. */
async function amendmentAccess(c: Context<AppEnv>): Promise<{ id: string; me: Membership }> {
  const user = requireUser(c);
  const found = await findAmendment(c.var.services.db, c.req.param("id") as string);
  if (!found) throw notFound("Amendment");
  const me = await findMembership(c.var.services.db, found.statementId, user.id);
  if (!me) throw notFound("Amendment");
  return { id: found.id, me };
}

/** Why a decision is refused on a proposal that is no longer open (read again: the API hides claims). */
async function notOpen(services: Services, statementId: string, id: string): Promise<AppError> {
  const stored = await storedStatus(services.db, id);
  if (stored?.status === "accepting") {
    return conflict(
      `This suggestion was already accepted by ${stored.by ?? "someone else"} (the edit is being applied).`,
    );
  }
  const a = await one(services, statementId, id);
  switch (a.status) {
    case "accepted":
      return conflict(`This suggestion was already accepted by ${a.decision?.by.name ?? "someone else"}.`);
    case "declined":
      return conflict(`This suggestion was already declined by ${a.decision?.by.name ?? "someone else"}.`);
    case "outdated":
      return conflict(
        "The words this suggestion replaces have changed since it was made: it can no longer be accepted.",
      );
    default:
      return conflict("This suggestion is closed.");
  }
}

export function amendmentRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/statements/:id/amendments", limit);
  app.use("/amendments/*", limit);
  // Accepts a crash left half-way are settled before this server answers anything about proposals.
  const atStart: MiddlewareHandler<AppEnv> = async (c, next) => {
    await settleAtStart(c.var.services);
    await next();
  };
  app.use("/statements/:id/amendments", atStart);
  app.use("/amendments/*", atStart);

  app.get("/statements/:id/amendments", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    return c.json({ amendments: await settled(c.var.services, me) });
  });

  app.post("/statements/:id/amendments", async (c) => {
    const user = requireUser(c);
    const services = c.var.services;
    const me = await requireMembership(
      services.db,
      c.req.param("id"),
      user.id,
      (m) => AmendmentPolicy.canPropose(m.role, "drafting"),
      "Observers can read suggestions but not make them.",
    );
    if (me.phase === "final") throw statementFinal();
    const body = await parseBody(c, amendmentCreateSchema);
    const made = await services.rooms.withDocument(me.statementId, (doc) =>
      makeTarget(doc, body.clauseId, body.anchor ?? null),
    );
    if (!made.ok) throw badRequest(made.reason);
    if (made.target.quote === body.replacement) throw badRequest("The new wording is the same as the current one.");
    const id = await insertAmendment(services.db, {
      statementId: me.statementId,
      clauseId: body.clauseId,
      target: made.target,
      replacement: body.replacement,
      reason: body.reason,
      proposedBy: user.id,
      organizationId: me.organizationId,
    });
    const amendment = await one(services, me.statementId, id);
    pushed(services, amendment);
    return c.json({ amendment }, 201);
  });

  app.post("/amendments/:id/decision", async (c) => {
    const services = c.var.services;
    const { id, me } = await amendmentAccess(c);
    const body = await parseBody(c, amendmentDecisionSchema);
    await settleAbandonedClaims(services, { statementId: me.statementId, olderThanMs: recoverAfterMs(services) });
    const current = await one(services, me.statementId, id);
    if (me.phase === "final") throw statementFinal();
    if (body.decision === "withdraw") {
      if (current.proposer.id !== me.userId) throw forbidden("Only the person who made a suggestion can withdraw it.");
      if (!AmendmentPolicy.canWithdraw(me.userId, me.phase, current)) {
        throw await notOpen(services, me.statementId, id);
      }
      if (!(await transition(services.db, id, "open", "closed", { by: me.userId, reason: null }))) {
        throw await notOpen(services, me.statementId, id);
      }
    } else {
      if (!AmendmentPolicy.canDecide(me.role, me.phase, { status: "open" })) {
        throw forbidden("Only drafters and the convener can accept or decline a suggestion.");
      }
      if (current.status !== "open") throw await notOpen(services, me.statementId, id);
      const to = body.decision === "accept" ? "accepted" : "declined";
      const reason = body.decision === "decline" ? body.reason : null;
      // The claim: of two decisions at the same moment, only one moves the proposal out of `open`.
      if (body.decision === "accept") {
        const claim = await claimAccept(services.db, id, me.userId);
        if (!claim) throw await notOpen(services, me.statementId, id);
        await accept(services, me, current, claim);
      } else if (!(await transition(services.db, id, "open", "declined", { by: me.userId, reason }))) {
        throw await notOpen(services, me.statementId, id);
      }
      await recordAudit(services.db, {
        statementId: me.statementId,
        actorId: me.userId,
        action: `amendment.${to}`,
        detail: {
          amendmentId: id,
          clauseId: current.clauseId,
          proposerId: current.proposer.id,
          quote: current.target.quote,
          replacement: current.replacement,
          reason,
        },
      });
    }
    const amendment = await one(services, me.statementId, id);
    pushed(services, amendment);
    return c.json({ amendment });
  });

  return app;
}

/**
 * Applies a claimed proposal as an edit in the acceptor's name, then marks it accepted. If the words changed, the
 * proposal becomes `outdated`; if the edit fails otherwise (the lock came first, storage) and the stored text
 * does not have it, it is open again. Either way nothing of the text changed, and the caller is told why.
 */
async function accept(services: Services, me: Membership, a: AmendmentDto, claim: Claim): Promise<void> {
  const faults = acceptFaults(services);
  try {
    await faults.afterClaim?.();
    await services.rooms.editAs(me.statementId, { userId: me.userId, organizationId: me.organizationId }, (doc) => {
      const r = applyAmendment(doc, a);
      if (!r.ok) throw new Outdated(r.reason);
    });
  } catch (err) {
    if (err instanceof Outdated) {
      await settleClaim(services.db, claim, "outdated");
      pushed(services, await one(services, me.statementId, a.id));
      throw conflict(`${err.message} The suggestion is marked outdated and was not applied.`);
    }
    // The edit may be stored even so (its room was reloaded just after committing it): the stored text decides.
    const applied = await services.rooms
      .withDocument(me.statementId, (doc) => judgeClaim(doc, a) === "applied")
      .catch(() => false);
    if (!applied) {
      await settleClaim(services.db, claim, "open");
      throw err;
    }
  }
  await faults.afterEdit?.();
  if (await settleClaim(services.db, claim, "accepted")) return;
  // Only when this accept outlived the timeout and a read settled its claim meanwhile: if that read came before
  // the edit, the proposal was reopened with its words replaced; the document decides again.
  const stored = await storedStatus(services.db, a.id);
  if (stored?.status === "accepted") return;
  const applied = await services.rooms.withDocument(me.statementId, (doc) => judgeClaim(doc, a) === "applied");
  if (!(applied && (await transition(services.db, a.id, "open", "accepted", { by: me.userId, reason: null })))) {
    throw conflict("This suggestion was decided by someone else while it was being applied.");
  }
}
