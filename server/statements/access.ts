/** Looks up the caller's membership of a statement; the policy predicates themselves live in shared/roles.ts. */
import type { DB } from "../storage/database";
import type { Phase, Role } from "../../shared/roles";
import { isRole } from "../../shared/roles";
import { forbidden, notFound } from "../errors";

/** A member's standing on one statement. */
export interface Membership {
  statementId: string;
  userId: string;
  role: Role;
  organizationId: string | null;
  phase: Phase;
}

/** The membership of `userId` on `statementId`, or null (also when the statement does not exist). */
export async function findMembership(db: DB, statementId: string, userId: string): Promise<Membership | null> {
  const row = await db
    .selectFrom("members")
    .innerJoin("statements", "statements.id", "members.statement_id")
    .select(["members.role", "members.organization_id", "statements.phase"])
    .where("members.statement_id", "=", statementId)
    .where("members.user_id", "=", userId)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return null;
  return {
    statementId,
    userId,
    role: row.role,
    organizationId: row.organization_id,
    phase: row.phase === "final" ? "final" : "drafting",
  };
}

/**
 * The caller's membership, or an error: 404 when the statement is unknown or the caller is no member (so that
 * non-members learn nothing about which statements exist), 403 when a predicate refuses.
 */
export async function requireMembership(
  db: DB,
  statementId: string,
  userId: string,
  allowed?: (m: Membership) => boolean,
  refusal?: string,
): Promise<Membership> {
  const m = await findMembership(db, statementId, userId);
  if (!m) throw notFound("Statement");
  if (allowed && !allowed(m)) throw forbidden(refusal);
  return m;
}
