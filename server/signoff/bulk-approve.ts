/**
 * "Approve all clauses without my objection": one organization approves, in one transaction, the clauses its
 * representative was shown, each bound to the hash they saw. A clause is left as it is when the organization
 * objects to it or abstains on it (stale or not: a reservation is never overwritten by a bulk action), when it
 * already approves the current text, or when the clause changed (or went) since the person looked — the
 * answer counts each. The approvals are pushed as one `signoffs.changed` delta.
 */
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import type { BulkApproveRequest, BulkApproveResult, SignoffDeltaCell } from "../../shared/signoff";
import { assertMaySign, liveText, lockedPhaseOf } from "./decisions";
import { positionVersion } from "./matrix";

/** `POST /signoffs/approve-all`: see the header. */
export async function bulkApprove(
  services: Services,
  me: Membership,
  body: BulkApproveRequest,
): Promise<BulkApproveResult> {
  const { organizationId } = body;
  assertMaySign(me, organizationId);
  const text = await liveText(services, me.statementId);
  const byId = new Map(text.clauses.map((c) => [c.clauseId, c]));
  const user = await services.db.selectFrom("users").select("name").where("id", "=", me.userId).executeTakeFirst();
  const now = Date.now();
  const skipped = { objected: 0, abstained: 0, alreadyApproved: 0, changed: 0 };

  const { after, cells } = await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const after = await positionVersion(trx, me.statementId);
    // This organization's positions in force, read inside the transaction that decides on them.
    const rows = await trx
      .selectFrom("clause_positions")
      .select(["clause_id", "position", "clause_hash"])
      .where("statement_id", "=", me.statementId)
      .where("organization_id", "=", organizationId)
      .orderBy("id", "asc")
      .execute();
    const mine = new Map(rows.map((r) => [r.clause_id, r]));
    const cells: SignoffDeltaCell[] = [];
    const seen = new Set<string>();
    for (const shown of body.clauses) {
      if (seen.has(shown.clauseId)) continue;
      seen.add(shown.clauseId);
      const clause = byId.get(shown.clauseId);
      const p = mine.get(shown.clauseId);
      if (p?.position === "object") skipped.objected++;
      else if (p?.position === "abstain") skipped.abstained++;
      else if (!clause || clause.hash !== shown.clauseHash) skipped.changed++;
      else if (p?.position === "approve" && p.clause_hash === clause.hash) skipped.alreadyApproved++;
      else {
        const inserted = await trx
          .insertInto("clause_positions")
          .values({
            statement_id: me.statementId,
            clause_id: clause.clauseId,
            organization_id: organizationId,
            position: "approve",
            reason: null,
            clause_hash: clause.hash,
            clause_text: clause.markdown,
            user_id: me.userId,
            at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          statementId: me.statementId,
          actorId: me.userId,
          action: "position.set",
          detail: {
            clauseId: clause.clauseId,
            clauseNumber: clause.index + 1,
            organizationId,
            position: "approve",
            reason: null,
            previous: p ? { position: p.position, clauseHash: p.clause_hash } : null,
            bulk: true,
          },
          hash: clause.hash,
        });
        cells.push({
          id: Number(inserted.id),
          clauseId: clause.clauseId,
          organizationId,
          position: "approve",
          reason: null,
          clauseHash: clause.hash,
          userId: me.userId,
          userName: user?.name ?? "",
          at: now,
        });
      }
    }
    return { after, cells };
  });

  if (cells.length > 0) {
    services.events.app(me.statementId, {
      type: "signoffs.changed",
      statementId: me.statementId,
      delta: { after, version: cells[cells.length - 1].id, cells },
    });
  }
  return { approved: cells.length, approvedClauseIds: cells.map((c) => c.clauseId), skipped };
}
