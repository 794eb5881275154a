/**
 * Members of a statement: who they are, their role and the organization they represent. Adding, changing and
 * removing a member is one transaction with its audit entry, then a `members.changed` push; a statement always
 * keeps at least one convener. Routes check that the caller may manage members before calling these.
 */
import type { Services } from "../context";
import type { DB } from "../storage/database";
import type { Role } from "../../shared/roles";
import type { MemberDto } from "../../shared/api";
import { colorForUser } from "../../shared/colors";
import { badRequest, conflict, notFound } from "../errors";
import { recordAudit } from "../audit/log";
import { notifyAdded } from "../notifications/triggers";
import { keepExpected } from "../signoff/expected";

/** Every member of a statement, by name. */
export async function listMembers(db: DB, statementId: string): Promise<MemberDto[]> {
  const rows = await db
    .selectFrom("members")
    .innerJoin("users", "users.id", "members.user_id")
    .select([
      "members.user_id",
      "members.role",
      "members.organization_id",
      "members.added_at",
      "users.name",
      "users.email",
    ])
    .where("members.statement_id", "=", statementId)
    .orderBy("users.name")
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    email: r.email,
    role: r.role as Role,
    organizationId: r.organization_id,
    color: colorForUser(r.user_id),
    addedAt: Number(r.added_at),
  }));
}

/** The organization id when one is given and exists, null when none is given; 400 for an unknown one. */
export async function requireOrganization(db: DB, organizationId: string | null | undefined): Promise<string | null> {
  if (!organizationId) return null;
  const org = await db.selectFrom("organizations").select("id").where("id", "=", organizationId).executeTakeFirst();
  if (!org) throw badRequest("That organization does not exist.");
  return org.id;
}

/** Refuses a change that would leave a statement without any convener. */
async function assertKeepsAConvener(db: DB, statementId: string, userId: string): Promise<void> {
  const conveners = await db
    .selectFrom("members")
    .select("user_id")
    .where("statement_id", "=", statementId)
    .where("role", "=", "convener")
    .execute();
  if (conveners.length === 1 && conveners[0].user_id === userId) {
    throw conflict("A statement needs at least one convener: make someone else convener first.");
  }
}

/** The stored membership row of one user, or 404. */
async function requireMember(db: DB, statementId: string, userId: string) {
  const current = await db
    .selectFrom("members")
    .selectAll()
    .where("statement_id", "=", statementId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!current) throw notFound("That member");
  return current;
}

/** Adds the account with `email` as a member; 404 for an unknown email, 409 if already a member. */
export async function addMember(
  services: Services,
  statementId: string,
  actorId: string,
  input: { email: string; role: Role; organizationId?: string | null },
): Promise<MemberDto> {
  const { db } = services;
  const target = await db
    .selectFrom("users")
    .select(["id", "name", "email"])
    .where("email", "=", input.email)
    .executeTakeFirst();
  if (!target) throw notFound("An account with that email");
  const organizationId = await requireOrganization(db, input.organizationId);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("members")
      .select("role")
      .where("statement_id", "=", statementId)
      .where("user_id", "=", target.id)
      .executeTakeFirst();
    if (existing) throw conflict(`${target.name} is already a member (${existing.role}).`);
    await trx
      .insertInto("members")
      .values({
        statement_id: statementId,
        user_id: target.id,
        role: input.role,
        organization_id: organizationId,
        added_by: actorId,
        added_at: now,
      })
      .execute();
    if (organizationId) await keepExpected(trx, statementId, organizationId, actorId);
    await recordAudit(trx, {
      statementId,
      actorId,
      action: "member.added",
      detail: { userId: target.id, role: input.role, organizationId },
    });
  });
  services.events.app(statementId, { type: "members.changed", statementId });
  await notifyAdded(services, { statementId, userId: target.id, actorId, role: input.role });
  return {
    userId: target.id,
    name: target.name,
    email: target.email,
    role: input.role,
    organizationId,
    color: colorForUser(target.id),
    addedAt: now,
  };
}

/** Changes a member's role and/or organization (absent fields stay); the member as it now is. */
export async function changeMember(
  services: Services,
  statementId: string,
  actorId: string,
  input: { userId: string; role?: Role; organizationId?: string | null },
): Promise<MemberDto | undefined> {
  const { db } = services;
  const current = await requireMember(db, statementId, input.userId);
  if (input.role !== undefined && input.role !== "convener" && current.role === "convener") {
    await assertKeepsAConvener(db, statementId, input.userId);
  }
  const organizationId =
    input.organizationId === undefined ? current.organization_id : await requireOrganization(db, input.organizationId);
  const role = input.role ?? (current.role as Role);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("members")
      .set({ role, organization_id: organizationId })
      .where("statement_id", "=", statementId)
      .where("user_id", "=", input.userId)
      .execute();
    if (organizationId) await keepExpected(trx, statementId, organizationId, actorId);
    await recordAudit(trx, {
      statementId,
      actorId,
      action: "member.changed",
      detail: {
        userId: input.userId,
        from: { role: current.role, organizationId: current.organization_id },
        to: { role, organizationId },
      },
    });
  });
  // The member's open connections take the new rights at once.
  services.events.emit({ kind: "member.changed", statementId, userId: input.userId });
  services.events.app(statementId, { type: "members.changed", statementId });
  return (await listMembers(db, statementId)).find((m) => m.userId === input.userId);
}

/** Removes a member (and so closes their connections to the statement). */
export async function removeMember(
  services: Services,
  statementId: string,
  actorId: string,
  userId: string,
): Promise<void> {
  const { db } = services;
  const current = await requireMember(db, statementId, userId);
  if (current.role === "convener") await assertKeepsAConvener(db, statementId, userId);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("members").where("statement_id", "=", statementId).where("user_id", "=", userId).execute();
    await recordAudit(trx, {
      statementId,
      actorId,
      action: "member.removed",
      detail: { userId, role: current.role, organizationId: current.organization_id },
    });
  });
  services.events.emit({ kind: "member.changed", statementId, userId });
  services.events.app(statementId, { type: "members.changed", statementId });
}
