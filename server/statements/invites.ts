/**
 * Invite links: single use, expiring. Only the SHA-256 of the token is stored; the link carries the token.
 */
import { sha256Hex } from "../../shared/canonical";
import type { Services, CurrentUser } from "../context";
import { badRequest, notFound } from "../errors";
import { newId, newSecret } from "../ids";
import { recordAudit } from "../audit/log";
import type { Transaction } from "kysely";
import type { Database } from "../storage/schema";
import type { Role } from "../../shared/roles";
import { isRole } from "../../shared/roles";

/** Creates an invite; returns the raw token (shown once). */
export async function createInvite(
  services: Services,
  input: { statementId: string; role: Role; organizationId: string | null; createdBy: string; expiresInHours: number },
): Promise<{ id: string; token: string; expiresAt: number }> {
  const token = newSecret(24);
  const now = Date.now();
  const expiresAt = now + input.expiresInHours * 3600_000;
  const id = newId();
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("invites")
      .values({
        id,
        statement_id: input.statementId,
        token_hash: sha256Hex(token),
        role: input.role,
        organization_id: input.organizationId,
        created_by: input.createdBy,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
        used_by: null,
      })
      .execute();
    await recordAudit(trx, {
      statementId: input.statementId,
      actorId: input.createdBy,
      action: "invite.created",
      detail: { inviteId: id, role: input.role, organizationId: input.organizationId, expiresAt },
    });
  });
  return { id, token, expiresAt };
}

/** What an invite offers, for the sign-up page; throws when unknown, used or expired. */
export async function describeInvite(services: Services, token: string) {
  const row = await services.db
    .selectFrom("invites")
    .innerJoin("statements", "statements.id", "invites.statement_id")
    .innerJoin("users", "users.id", "invites.created_by")
    .leftJoin("organizations", "organizations.id", "invites.organization_id")
    .select([
      "invites.id",
      "invites.statement_id",
      "invites.role",
      "invites.organization_id",
      "invites.expires_at",
      "invites.used_at",
      "statements.title",
      "users.name as inviter",
      "organizations.name as organization_name",
    ])
    .where("invites.token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (!row) throw notFound("Invite");
  if (row.used_at !== null) throw badRequest("This invite link has already been used.");
  if (Number(row.expires_at) < Date.now()) throw badRequest("This invite link has expired. Ask for a new one.");
  return row;
}

/** Joins the user to the invite's statement and marks the invite used, in one transaction. */
export async function acceptInvite(
  services: Services,
  token: string,
  user: CurrentUser,
): Promise<{ statementId: string }> {
  const invite = await describeInvite(services, token);
  if (!isRole(invite.role)) throw badRequest("This invite is invalid.");
  await services.db.transaction().execute((trx) => redeemInvite(trx, invite, user.id, Date.now()));
  services.events.app(invite.statement_id, { type: "members.changed", statementId: invite.statement_id });
  return { statementId: invite.statement_id };
}

/**
 * Inside the caller's transaction: marks the invite used by `userId` and makes them a member (unless they are
 * one already), with its audit entry. Marking used first, conditionally, makes a concurrent second use of the
 * same link fail — and, thrown inside the transaction, roll back whatever the caller wrote with it.
 */
export async function redeemInvite(
  trx: Transaction<Database>,
  invite: { id: string; statement_id: string; role: string; organization_id: string | null },
  userId: string,
  now: number,
): Promise<void> {
  const res = await trx
    .updateTable("invites")
    .set({ used_at: now, used_by: userId })
    .where("id", "=", invite.id)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw badRequest("This invite link has already been used.");
  const existing = await trx
    .selectFrom("members")
    .select("role")
    .where("statement_id", "=", invite.statement_id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto("members")
      .values({
        statement_id: invite.statement_id,
        user_id: userId,
        role: invite.role,
        organization_id: invite.organization_id,
        added_by: null,
        added_at: now,
      })
      .execute();
  }
  await recordAudit(trx, {
    statementId: invite.statement_id,
    actorId: userId,
    action: "member.joined_by_invite",
    detail: {
      inviteId: invite.id,
      userId,
      role: invite.role,
      organizationId: invite.organization_id,
      alreadyMember: !!existing,
    },
  });
}
