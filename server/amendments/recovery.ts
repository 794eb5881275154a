/**
 * Settling accepts that stopped half-way (a crash between the claim and the final mark): the document says what
 * happened. If the proposed words stand where the target's words were, the edit was stored — the proposal is
 * accepted, in the claimant's name; otherwise nothing was edited and it is open again (outdated if its words no
 * longer stand; closed after the lock). Recovery never edits, and each claim is settled by one conditional
 * update on the claim exactly as taken, so instances settling the same claim at once change it once.
 *
 * When: once before a server answers its first amendment request (a fresh SQLite server holds every claim of its
 * data directory, so all are settled; instances sharing PostgreSQL settle only claims older than the timeout,
 * since another instance may be accepting right now), and on every read of a statement's proposals, for claims
 * older than the timeout.
 */
import * as Y from "yjs";
import type { Services } from "../context";
import { recordAudit } from "../audit/log";
import { checkTarget } from "../../shared/amendments/target";
import type { AmendmentTarget } from "../../shared/amendments/schemas";
import { clauseText, decodePosition, findClause } from "../../shared/comments/anchors";
import { claimsOlderThan, settleClaim } from "./store";
import type { HeldClaim } from "./store";
import { pushAmendment } from "./push";
import { RECOVER_CLAIMS_AFTER_MS, acceptFaults } from "./seams";

/** What a document shows of a claimed accept: its edit is in, its words are still there, or neither. */
export type ClaimVerdict = "applied" | "current" | "outdated";

export function judgeClaim(
  doc: Y.Doc,
  a: { clauseId: string; target: AmendmentTarget; replacement: string },
): ClaimVerdict {
  if (checkTarget(doc, a).kind === "current") return "current";
  return replacedAt(doc, a) ? "applied" : "outdated";
}

/**
 * Whether the replacement stands where the target's words were: every replaced character is deleted (the two
 * positions, which stick to the first and the last of them, meet) and the clause's text goes on there with the
 * proposed words (applyAmendment inserts them right after the deleted ones).
 */
function replacedAt(doc: Y.Doc, a: { clauseId: string; target: AmendmentTarget; replacement: string }): boolean {
  const clause = findClause(doc, a.clauseId);
  const from = absolute(doc, a.target.from);
  const to = absolute(doc, a.target.to);
  if (!clause || !from || !to || !(from.type instanceof Y.XmlText) || from.type !== to.type) return false;
  if (from.index !== to.index) return false;
  const ct = clauseText(clause.element);
  const start = ct.offsetOf(from.type, from.index);
  return start !== null && ct.text.startsWith(a.replacement, start);
}

function absolute(doc: Y.Doc, encoded: string): Y.AbsolutePosition | null {
  const pos = decodePosition(encoded);
  if (!pos) return null;
  try {
    return Y.createAbsolutePositionFromRelativePosition(pos, doc);
  } catch {
    return null;
  }
}

/** Settles one claim from its statement's document; true when this call settled it. */
async function settle(services: Services, claim: HeldClaim): Promise<boolean> {
  const statement = await services.db
    .selectFrom("statements")
    .select("phase")
    .where("id", "=", claim.statementId)
    .executeTakeFirst();
  if (!statement) return false;
  const verdict = await services.rooms.withDocument(claim.statementId, (doc) => judgeClaim(doc, claim));
  const to =
    verdict === "applied"
      ? "accepted"
      : statement.phase === "final"
        ? "closed"
        : verdict === "current"
          ? "open"
          : "outdated";
  if (!(await settleClaim(services.db, claim, to))) return false;
  if (to === "accepted") {
    await recordAudit(services.db, {
      statementId: claim.statementId,
      actorId: claim.by,
      action: "amendment.accepted",
      detail: {
        amendmentId: claim.id,
        clauseId: claim.clauseId,
        proposerId: claim.proposerId,
        quote: claim.target.quote,
        replacement: claim.replacement,
        reason: null,
        recovered: true,
      },
    });
  }
  await pushAmendment(services, claim.statementId, claim.id);
  return true;
}

/** Settles the claims of a statement (or of every statement) taken more than `olderThanMs` ago. */
export async function settleAbandonedClaims(
  services: Services,
  opts: { statementId?: string; olderThanMs: number },
): Promise<void> {
  const claims = await claimsOlderThan(services.db, Date.now() - opts.olderThanMs, opts.statementId);
  for (const claim of claims) {
    try {
      await settle(services, claim);
    } catch (err) {
      // Left as it was: the next read tries again.
      services.log(`amendment ${claim.id}: settling an unfinished accept failed`, err);
    }
  }
}

/** How old a claim must be before a read settles it on this server. */
export function recoverAfterMs(services: Services): number {
  return acceptFaults(services).recoverAfterMs ?? RECOVER_CLAIMS_AFTER_MS;
}

const started = new WeakMap<Services, Promise<void>>();

/** The start-up settling, run once per server before its first amendment request is answered. */
export function settleAtStart(services: Services): Promise<void> {
  let done = started.get(services);
  if (!done) {
    done = settleAbandonedClaims(services, {
      olderThanMs: services.config.databaseUrl ? recoverAfterMs(services) : -Infinity,
    }).catch((err: unknown) => {
      // Storage was unreachable: the next request tries again.
      started.delete(services);
      throw err;
    });
    started.set(services, done);
  }
  return done;
}
