/**
 * Amendments in storage: create, read as DTOs, and the status changes. Every change of status is one conditional
 * UPDATE (`… WHERE status = <expected>`), so that of two people deciding the same proposal at the same moment —
 * on one instance or on several sharing a database — exactly one changes it and the other is told who did.
 *
 * Accepting goes through a stored intermediate status, `accepting` (never sent to clients: they see the proposal
 * open until it is decided), so that nothing is recorded as accepted before its edit is stored: claim
 * (`open → accepting`, with who and when), edit, then `accepting → accepted`. A claim left behind by a crash is
 * settled from the document (server/amendments/recovery.ts).
 */
import type { DB } from "../storage/database";
import { newId } from "../ids";
import { badRequest } from "../errors";
import type {
  AmendmentDto,
  AmendmentStatus,
  AmendmentTarget,
  ConditionalPosition,
} from "../../shared/amendments/schemas";
import { AmendmentStatuses } from "../../shared/amendments/schemas";

/** What the status column may hold: the statuses clients see, and the claim of an accept in progress. */
export type StoredStatus = AmendmentStatus | "accepting";

function asStatus(s: string): AmendmentStatus {
  return (AmendmentStatuses as readonly string[]).includes(s) ? (s as AmendmentStatus) : "open";
}

/** A new proposal. */
export async function insertAmendment(
  db: DB,
  a: {
    statementId: string;
    clauseId: string;
    target: AmendmentTarget;
    replacement: string;
    reason: string;
    proposedBy: string;
    organizationId: string | null;
  },
): Promise<string> {
  const id = newId();
  const now = Date.now();
  await db
    .insertInto("amendments")
    .values({
      id,
      statement_id: a.statementId,
      clause_id: a.clauseId,
      anchor_from: a.target.from,
      anchor_to: a.target.to,
      quote: a.target.quote,
      start_offset: a.target.start,
      end_offset: a.target.end,
      replacement: a.replacement,
      reason: a.reason,
      status: "open",
      proposed_by: a.proposedBy,
      organization_id: a.organizationId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** A statement's proposals (or the ones named), oldest first, as the API answers them. */
export async function listAmendments(db: DB, statementId: string, ids?: readonly string[]): Promise<AmendmentDto[]> {
  if (ids && ids.length === 0) return [];
  let q = db
    .selectFrom("amendments")
    .leftJoin("users as proposer", "proposer.id", "amendments.proposed_by")
    .leftJoin("users as decider", "decider.id", "amendments.decided_by")
    .selectAll("amendments")
    .select(["proposer.name as proposer_name", "decider.name as decider_name"])
    .where("amendments.statement_id", "=", statementId);
  if (ids) q = q.where("amendments.id", "in", ids);
  const rows = await q.orderBy("amendments.created_at", "asc").orderBy("amendments.id", "asc").execute();
  const conditional = await conditionalPositions(db, statementId);
  return rows.map((r) => ({
    id: r.id,
    statementId: r.statement_id,
    clauseId: r.clause_id,
    target: {
      from: r.anchor_from,
      to: r.anchor_to,
      quote: r.quote,
      start: Number(r.start_offset),
      end: Number(r.end_offset),
    },
    replacement: r.replacement,
    reason: r.reason,
    status: asStatus(r.status),
    proposer: { id: r.proposed_by, name: r.proposer_name ?? "(former user)", organizationId: r.organization_id },
    createdAt: Number(r.created_at),
    // A claim is not a decision yet: it records who is accepting, not who accepted.
    decision:
      r.status !== "accepting" && r.decided_by !== null && r.decided_at !== null
        ? {
            by: { id: r.decided_by, name: r.decider_name ?? "(former user)" },
            at: Number(r.decided_at),
            reason: r.decision_reason,
          }
        : null,
    positions: conditional.get(r.id) ?? [],
  }));
}

/**
 * Organizations' current positions that reference a proposal ("approve if amended as proposed"), by proposal: a
 * position counts while it is its organization's newest on that clause.
 */
async function conditionalPositions(db: DB, statementId: string): Promise<Map<string, ConditionalPosition[]>> {
  const rows = await db
    .selectFrom("clause_positions")
    .innerJoin("organizations", "organizations.id", "clause_positions.organization_id")
    .select([
      "clause_positions.amendment_id",
      "clause_positions.organization_id",
      "clause_positions.position",
      "organizations.short_name",
    ])
    .where("clause_positions.statement_id", "=", statementId)
    .where("clause_positions.amendment_id", "is not", null)
    .where("clause_positions.id", "in", (eb) =>
      eb
        .selectFrom("clause_positions as newest")
        .select((e) => e.fn.max("newest.id").as("id"))
        .where("newest.statement_id", "=", statementId)
        .groupBy(["newest.clause_id", "newest.organization_id"]),
    )
    .orderBy("clause_positions.id", "asc")
    .execute();
  const out = new Map<string, ConditionalPosition[]>();
  for (const r of rows) {
    const list = out.get(r.amendment_id!) ?? [];
    list.push({ organizationId: r.organization_id, organization: r.short_name, position: r.position });
    out.set(r.amendment_id!, list);
  }
  return out;
}

/** Refuses a position conditional on a proposal that is not open on that clause of that statement. */
export async function assertOpenAmendment(db: DB, statementId: string, clauseId: string, id: string): Promise<void> {
  const r = await db
    .selectFrom("amendments")
    .select("id")
    .where("id", "=", id)
    .where("statement_id", "=", statementId)
    .where("clause_id", "=", clauseId)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (!r) throw badRequest("amendmentId: that suggestion is not open on this clause.");
}

/** One proposal with the id of its statement, or null. */
export async function findAmendment(db: DB, id: string): Promise<{ id: string; statementId: string } | null> {
  const r = await db.selectFrom("amendments").select(["id", "statement_id"]).where("id", "=", id).executeTakeFirst();
  return r ? { id: r.id, statementId: r.statement_id } : null;
}

/**
 * Moves a proposal from status `from` to `to`, recording who decided and why (null `by` clears the decision).
 * True when this call made the change; false when the proposal was no longer in `from`.
 */
export async function transition(
  db: DB,
  id: string,
  from: StoredStatus,
  to: StoredStatus,
  decision: { by: string | null; reason: string | null },
): Promise<boolean> {
  const now = Date.now();
  const r = await db
    .updateTable("amendments")
    .set({
      status: to,
      updated_at: now,
      decided_by: decision.by,
      decided_at: decision.by === null ? null : now,
      decision_reason: decision.reason,
    })
    .where("id", "=", id)
    .where("status", "=", from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Closes every open or outdated proposal of a final statement; returns the ids it closed. */
export async function closeUndecided(db: DB, statementId: string): Promise<string[]> {
  const rows = await db
    .updateTable("amendments")
    .set({ status: "closed", updated_at: Date.now() })
    .where("statement_id", "=", statementId)
    .where("status", "in", ["open", "outdated"])
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Who holds an accept's claim and since when (the claim's token: `decided_by`, `decided_at`). */
export interface Claim {
  id: string;
  by: string;
  at: number;
}

/** Claims an open proposal for accepting it; null when it was no longer open (someone else decided first). */
export async function claimAccept(db: DB, id: string, by: string): Promise<Claim | null> {
  const at = Date.now();
  const r = await db
    .updateTable("amendments")
    .set({ status: "accepting", updated_at: at, decided_by: by, decided_at: at, decision_reason: null })
    .where("id", "=", id)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? { id, by, at } : null;
}

/**
 * Ends a claim: `accepted` (its edit is stored; attributed to the claimant) or back to `open`, `outdated` or
 * `closed` (nothing was edited; the decision cleared). True when the claim was still held, exactly as taken.
 */
export async function settleClaim(
  db: DB,
  claim: Claim,
  to: "accepted" | "open" | "outdated" | "closed",
): Promise<boolean> {
  const now = Date.now();
  const r = await db
    .updateTable("amendments")
    .set(
      to === "accepted"
        ? { status: to, updated_at: now, decided_at: now }
        : { status: to, updated_at: now, decided_by: null, decided_at: null, decision_reason: null },
    )
    .where("id", "=", claim.id)
    .where("status", "=", "accepting")
    .where("decided_by", "=", claim.by)
    .where("decided_at", "=", claim.at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A claim with what it takes to judge it from the document. */
export interface HeldClaim extends Claim {
  statementId: string;
  clauseId: string;
  target: AmendmentTarget;
  replacement: string;
  proposerId: string;
}

/** Claims taken before `before` (all of them: `Infinity`), of one statement or of every statement. */
export async function claimsOlderThan(db: DB, before: number, statementId?: string): Promise<HeldClaim[]> {
  let q = db.selectFrom("amendments").selectAll().where("status", "=", "accepting");
  if (statementId !== undefined) q = q.where("statement_id", "=", statementId);
  if (Number.isFinite(before)) q = q.where("decided_at", "<", before);
  const rows = await q.execute();
  return rows.flatMap((r) =>
    r.decided_by === null || r.decided_at === null
      ? []
      : [
          {
            id: r.id,
            by: r.decided_by,
            at: Number(r.decided_at),
            statementId: r.statement_id,
            clauseId: r.clause_id,
            target: {
              from: r.anchor_from,
              to: r.anchor_to,
              quote: r.quote,
              start: Number(r.start_offset),
              end: Number(r.end_offset),
            },
            replacement: r.replacement,
            proposerId: r.proposed_by,
          },
        ],
  );
}

/** The stored status of a proposal and the name of whoever holds or made its decision. */
export async function storedStatus(db: DB, id: string): Promise<{ status: StoredStatus; by: string | null } | null> {
  const r = await db
    .selectFrom("amendments")
    .leftJoin("users", "users.id", "amendments.decided_by")
    .select(["amendments.status", "users.name"])
    .where("amendments.id", "=", id)
    .executeTakeFirst();
  return r ? { status: r.status as StoredStatus, by: r.name } : null;
}
