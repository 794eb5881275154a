/**
 * Clause positions: an organization approves, objects (with a reason) or abstains on one clause, bound to the
 * clause's hash. The newest row per clause and organization is the position in force; it is judged against the
 * live clause (stale, with a word diff, once the clause changed; removed once it is gone).
 */
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { judgePosition } from "../../shared/signoff";
import type { Position, PositionDto, PositionRequest, SignoffClause } from "../../shared/signoff";
import { assertMaySign, liveText, lockedPhaseOf, textChanged } from "./decisions";
import type { Db } from "./decisions";
import { positionsQuery, positionVersion } from "./matrix";
import { assertOpenAmendment } from "../amendments/store";
import { pushAmendment } from "../amendments/push";

/** A stored position with its author's name (null once the account is gone). */
export interface PositionRow {
  id: number;
  clause_id: string;
  organization_id: string;
  position: string;
  reason: string | null;
  clause_hash: string;
  clause_text: string;
  user_id: string;
  user_name: string | null;
  at: number;
}

/** Every position ever recorded on a statement, oldest first. */
export async function positionRows(db: Db, statementId: string): Promise<PositionRow[]> {
  const rows = await positionsQuery(db, statementId).orderBy("clause_positions.id", "asc").execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
}

/** Current positions (the newest row per clause and organization), judged against the live clauses. */
export function currentPositions(rows: PositionRow[], clauses: SignoffClause[]): PositionDto[] {
  const latest = new Map<string, PositionRow>();
  for (const r of rows) latest.set(`${r.clause_id}\u0000${r.organization_id}`, r);
  const byId = new Map(clauses.map((c) => [c.clauseId, c]));
  return [...latest.values()].map((r) =>
    judgePosition(
      {
        id: r.id,
        clauseId: r.clause_id,
        organizationId: r.organization_id,
        position: r.position as Position,
        reason: r.reason,
        clauseHash: r.clause_hash,
        clauseText: r.clause_text,
        userId: r.user_id,
        userName: r.user_name ?? "(former user)",
        at: r.at,
      },
      byId.get(r.clause_id),
    ),
  );
}

/**
 * `PUT /signoffs`: records an organization's position on a clause, bound to the clause's hash — only if the
 * clause the person was shown (`clauseHash`, whose text the schema checked) is still the current one; else
 * 409 `text_changed` with the diff, and nothing is recorded. (An edit landing after this check makes the new
 * position stale at once, which the matrix shows: the record still names exactly the words that were read.)
 */
export async function setPosition(services: Services, me: Membership, body: PositionRequest): Promise<PositionDto> {
  assertMaySign(me, body.organizationId);
  const text = await liveText(services, me.statementId);
  const clause = text.clauses.find((c) => c.clauseId === body.clauseId);
  if (!clause || clause.hash !== body.clauseHash) {
    throw textChanged(
      { scope: "clause", clauseId: body.clauseId, shownHash: body.clauseHash, shownText: body.clauseText },
      clause ?? null,
    );
  }
  const reason = body.position === "object" ? (body.reason ?? "").trim() : body.reason?.trim() || null;
  // "Approve if amended as proposed": the amendment must be open on this very clause.
  const amendmentId = body.amendmentId ?? null;
  if (amendmentId !== null) await assertOpenAmendment(services.db, me.statementId, clause.clauseId, amendmentId);
  const now = Date.now();
  const { id, after } = await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    // The matrix version this change applies on top of (pushed with it, see shared/signoff.ts SignoffDelta).
    const after = await positionVersion(trx, me.statementId);
    const previous = await trx
      .selectFrom("clause_positions")
      .select(["position", "clause_hash"])
      .where("statement_id", "=", me.statementId)
      .where("clause_id", "=", body.clauseId)
      .where("organization_id", "=", body.organizationId)
      .orderBy("id", "desc")
      .executeTakeFirst();
    const inserted = await trx
      .insertInto("clause_positions")
      .values({
        statement_id: me.statementId,
        clause_id: clause.clauseId,
        organization_id: body.organizationId,
        position: body.position,
        reason,
        clause_hash: clause.hash,
        clause_text: clause.markdown,
        user_id: me.userId,
        at: now,
        amendment_id: amendmentId,
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
        organizationId: body.organizationId,
        position: body.position,
        reason,
        amendmentId,
        previous: previous ? { position: previous.position, clauseHash: previous.clause_hash } : null,
      },
      hash: clause.hash,
    });
    return { id: Number(inserted.id), after };
  });
  const user = await services.db.selectFrom("users").select("name").where("id", "=", me.userId).executeTakeFirst();
  const cell = {
    id,
    clauseId: clause.clauseId,
    organizationId: body.organizationId,
    position: body.position,
    reason,
    clauseHash: clause.hash,
    userId: me.userId,
    userName: user?.name ?? "",
    at: now,
  };
  // The changed cell itself, so that every connected client updates its matrix without refetching it.
  services.events.app(me.statementId, {
    type: "signoffs.changed",
    statementId: me.statementId,
    delta: { after, version: id, cells: [cell] },
  });
  if (amendmentId !== null) await pushAmendment(services, me.statementId, amendmentId);
  return {
    id,
    clauseId: clause.clauseId,
    organizationId: body.organizationId,
    position: body.position,
    reason,
    clauseHash: clause.hash,
    clauseText: clause.markdown,
    stale: false,
    removed: false,
    diff: null,
    userId: me.userId,
    userName: user?.name ?? "",
    at: now,
  };
}
