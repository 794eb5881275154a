/**
 * Invite links: single use, expiring, revocable. Only the SHA-256 of the token is stored; the link carries the
 * token. One link lets one person join: the first to accept it uses it up. Conveners list the links nobody has
 * used yet and revoke any of them, after which the link is refused like a used one.
 */
import { sha256Hex } from "../../shared/canonical";
import type { Services, CurrentUser } from "../context";
import { badRequest, notFound } from "../errors";
import { newId, newSecret } from "../ids";
import { recordAudit } from "../audit/log";
import type { Transaction } from "kysely";
import type { Database } from "../storage/schema";
import type { DB } from "../storage/database";
import type { OutstandingInviteDto } from "../../shared/api";
import type { Role } from "../../shared/roles";
import { isRole } from "../../shared/roles";

/** Creates an invite; returns the raw token (shown once). */
export async function createInvite(
  services: Services,
  input: {
    statementId: string;
    role: Role;
    organizationId: string | null;
    createdBy: string;
    expiresInHours: number;
    /** The address the link is emailed to, if it is. */
    sentTo?: string;
  },
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
        sent_to: input.sentTo ?? null,
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
      "invites.revoked_at",
      "statements.title",
      "users.name as inviter",
      "organizations.name as organization_name",
    ])
    .where("invites.token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (!row) throw notFound("Invite");
  if (row.revoked_at !== null) throw badRequest("This invite link was revoked. Ask the convener for a new one.");
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
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  // Used by someone else meanwhile, or revoked meanwhile: either way this link no longer lets anyone in.
  if (Number(res.numUpdatedRows) !== 1) throw badRequest("This invite link has already been used or was revoked.");
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

/** The statement's invites nobody has used, revoked or let expire, newest first (for its conveners). */
export async function listOutstandingInvites(db: DB, statementId: string): Promise<OutstandingInviteDto[]> {
  const rows = await db
    .selectFrom("invites")
    .innerJoin("users", "users.id", "invites.created_by")
    .leftJoin("organizations", "organizations.id", "invites.organization_id")
    .select([
      "invites.id",
      "invites.role",
      "invites.organization_id",
      "invites.sent_to",
      "invites.created_at",
      "invites.expires_at",
      "users.name as created_by",
      "organizations.name as organization_name",
    ])
    .where("invites.statement_id", "=", statementId)
    .where("invites.used_at", "is", null)
    .where("invites.revoked_at", "is", null)
    .where("invites.expires_at", ">", Date.now())
    .orderBy("invites.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role as Role,
    organizationId: r.organization_id,
    organizationName: r.organization_name ?? null,
    sentTo: r.sent_to,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  }));
}

/** Revokes an unused invite of the statement, audited; 404 for an unknown, used or already revoked one. */
export async function revokeInvite(
  services: Services,
  input: { statementId: string; inviteId: string; actorId: string },
): Promise<void> {
  await services.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable("invites")
      .set({ revoked_at: Date.now(), revoked_by: input.actorId })
      .where("id", "=", input.inviteId)
      .where("statement_id", "=", input.statementId)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound("An unused invite with that id");
    await recordAudit(trx, {
      statementId: input.statementId,
      actorId: input.actorId,
      action: "invite.revoked",
      detail: { inviteId: input.inviteId },
    });
  });
}
