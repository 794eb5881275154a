/**
 * `/api/statements/*` and `/api/invites/*`: statements, members, invites, export and audit.
 * Routes are thin: validate the body, check the caller's role with shared/roles.ts, call the module, answer.
 */
import { Hono } from "hono";
import type { AppEnv, Services } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import {
  inviteCreateSchema,
  memberAddSchema,
  memberPatchSchema,
  memberRemoveSchema,
  statementCreateSchema,
} from "../../shared/validation";
import { canManageMembers } from "../../shared/roles";
import type { Role } from "../../shared/roles";
import { requireMembership } from "./access";
import { badRequest, conflict, notFound } from "../errors";
import { newId, newSecret } from "../ids";
import { recordAudit } from "../audit/log";
import { acceptInvite, createInvite, describeInvite } from "./invites";
import { colorForUser } from "../../shared/colors";
import type { MemberDto, StatementDetailDto, StatementSummaryDto } from "../../shared/api";
import { organizationDto } from "../organizations/routes";
import { z } from "zod";
import { canonicalMarkdownOfDoc, sha256Hex } from "../../shared/canonical";

/** URL-safe slug from a title, with a random tail so that two statements never share one. */
function slugify(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${base || "statement"}-${newSecret(4).slice(0, 6)}`;
}

async function listMembers(services: Services, statementId: string): Promise<MemberDto[]> {
  const rows = await services.db
    .selectFrom("members")
    .innerJoin("users", "users.id", "members.user_id")
    .select(["members.user_id", "members.role", "members.organization_id", "members.added_at", "users.name", "users.email"])
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

async function requireOrganization(services: Services, organizationId: string | null | undefined): Promise<string | null> {
  if (!organizationId) return null;
  const org = await services.db.selectFrom("organizations").select("id").where("id", "=", organizationId).executeTakeFirst();
  if (!org) throw badRequest("That organization does not exist.");
  return org.id;
}

/** Refuses a change that would leave a statement without any convener. */
async function assertKeepsAConvener(services: Services, statementId: string, userId: string): Promise<void> {
  const conveners = await services.db
    .selectFrom("members")
    .select("user_id")
    .where("statement_id", "=", statementId)
    .where("role", "=", "convener")
    .execute();
  if (conveners.length === 1 && conveners[0].user_id === userId) {
    throw conflict("A statement needs at least one convener: make someone else convener first.");
  }
}

export function statementRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const manage = (m: { role: Role }) => canManageMembers(m.role);
  const manageRefusal = "Only a convener can manage members.";

  app.get("/statements", async (c) => {
    const user = requireUser(c);
    const rows = await c.var.services.db
      .selectFrom("members")
      .innerJoin("statements", "statements.id", "members.statement_id")
      .select((eb) => [
        "statements.id",
        "statements.title",
        "statements.slug",
        "statements.phase",
        "statements.created_at",
        "statements.updated_at",
        "members.role",
        "members.organization_id",
        eb
          .selectFrom("members as m2")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("m2.statement_id", "=", "statements.id")
          .as("member_count"),
      ])
      .where("members.user_id", "=", user.id)
      .orderBy("statements.updated_at", "desc")
      .execute();
    const statements: StatementSummaryDto[] = rows.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      phase: r.phase === "final" ? "final" : "drafting",
      role: r.role as Role,
      organizationId: r.organization_id,
      memberCount: Number(r.member_count ?? 0),
      updatedAt: Number(r.updated_at),
      createdAt: Number(r.created_at),
    }));
    return c.json({ statements });
  });

  app.post("/statements", async (c) => {
    const user = requireUser(c);
    const body = await parseBody(c, statementCreateSchema);
    const { db } = c.var.services;
    const now = Date.now();
    const id = newId();
    const slug = slugify(body.title);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("statements")
        .values({ id, title: body.title, slug, phase: "drafting", created_by: user.id, created_at: now, updated_at: now })
        .execute();
      await trx
        .insertInto("members")
        .values({ statement_id: id, user_id: user.id, role: "convener", organization_id: null, added_by: user.id, added_at: now })
        .execute();
      await recordAudit(trx, { statementId: id, actorId: user.id, action: "statement.created", detail: { title: body.title } });
    });
    const statement: StatementSummaryDto = {
      id, title: body.title, slug, phase: "drafting", role: "convener", organizationId: null, memberCount: 1, updatedAt: now, createdAt: now,
    };
    return c.json({ statement }, 201);
  });

  app.get("/statements/:id", async (c) => {
    const user = requireUser(c);
    const services = c.var.services;
    const id = c.req.param("id");
    const me = await requireMembership(services.db, id, user.id);
    const st = await services.db.selectFrom("statements").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const members = await listMembers(services, id);
    const orgIds = [...new Set(members.map((m) => m.organizationId).filter((x): x is string => x !== null))];
    const orgs = orgIds.length
      ? await services.db.selectFrom("organizations").selectAll().where("id", "in", orgIds).orderBy("name").execute()
      : [];
    const body: StatementDetailDto = {
      statement: {
        id: st.id, title: st.title, slug: st.slug, phase: me.phase, createdAt: Number(st.created_at), updatedAt: Number(st.updated_at),
      },
      me: { userId: user.id, role: me.role, organizationId: me.organizationId, color: colorForUser(user.id) },
      members,
      organizations: orgs.map(organizationDto),
    };
    return c.json(body);
  });

  app.patch("/statements/:id", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, "Only a convener can rename the statement.");
    const body = await parseBody(c, statementCreateSchema);
    await services.db.updateTable("statements").set({ title: body.title }).where("id", "=", id).execute();
    await recordAudit(services.db, { statementId: id, actorId: user.id, action: "statement.renamed", detail: { title: body.title } });
    services.events.app(id, { type: "statement.changed", statementId: id });
    return c.json({ ok: true, title: body.title });
  });

  app.post("/statements/:id/members", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, manageRefusal);
    const body = await parseBody(c, memberAddSchema);
    const target = await services.db.selectFrom("users").select(["id", "name", "email"]).where("email", "=", body.email).executeTakeFirst();
    if (!target) throw notFound("An account with that email");
    const organizationId = await requireOrganization(services, body.organizationId);
    const now = Date.now();
    await services.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom("members").select("role").where("statement_id", "=", id).where("user_id", "=", target.id).executeTakeFirst();
      if (existing) throw conflict(`${target.name} is already a member (${existing.role}).`);
      await trx
        .insertInto("members")
        .values({ statement_id: id, user_id: target.id, role: body.role, organization_id: organizationId, added_by: user.id, added_at: now })
        .execute();
      await recordAudit(trx, { statementId: id, actorId: user.id, action: "member.added", detail: { userId: target.id, role: body.role, organizationId } });
    });
    services.events.app(id, { type: "members.changed", statementId: id });
    const member: MemberDto = {
      userId: target.id, name: target.name, email: target.email, role: body.role, organizationId, color: colorForUser(target.id), addedAt: now,
    };
    return c.json({ member }, 201);
  });

  app.patch("/statements/:id/members", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, manageRefusal);
    const body = await parseBody(c, memberPatchSchema);
    const current = await services.db.selectFrom("members").selectAll().where("statement_id", "=", id).where("user_id", "=", body.userId).executeTakeFirst();
    if (!current) throw notFound("That member");
    if (body.role !== undefined && body.role !== "convener" && current.role === "convener") {
      await assertKeepsAConvener(services, id, body.userId);
    }
    const organizationId = body.organizationId === undefined ? current.organization_id : await requireOrganization(services, body.organizationId);
    const role = body.role ?? (current.role as Role);
    await services.db.transaction().execute(async (trx) => {
      await trx.updateTable("members").set({ role, organization_id: organizationId }).where("statement_id", "=", id).where("user_id", "=", body.userId).execute();
      await recordAudit(trx, {
        statementId: id,
        actorId: user.id,
        action: "member.changed",
        detail: { userId: body.userId, from: { role: current.role, organizationId: current.organization_id }, to: { role, organizationId } },
      });
    });
    services.events.emit({ kind: "member.changed", statementId: id, userId: body.userId });
    services.events.app(id, { type: "members.changed", statementId: id });
    const members = await listMembers(services, id);
    return c.json({ member: members.find((m) => m.userId === body.userId) });
  });

  const removeMember = async (c: import("hono").Context<AppEnv>, userId: string) => {
    const user = requireUser(c);
    const id = c.req.param("id") as string;
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, manageRefusal);
    const current = await services.db.selectFrom("members").selectAll().where("statement_id", "=", id).where("user_id", "=", userId).executeTakeFirst();
    if (!current) throw notFound("That member");
    if (current.role === "convener") await assertKeepsAConvener(services, id, userId);
    await services.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("members").where("statement_id", "=", id).where("user_id", "=", userId).execute();
      await recordAudit(trx, { statementId: id, actorId: user.id, action: "member.removed", detail: { userId, role: current.role, organizationId: current.organization_id } });
    });
    services.events.emit({ kind: "member.changed", statementId: id, userId });
    services.events.app(id, { type: "members.changed", statementId: id });
    return c.json({ ok: true });
  };

  app.delete("/statements/:id/members", async (c) => {
    const body = await parseBody(c, memberRemoveSchema);
    return removeMember(c, body.userId);
  });
  app.delete("/statements/:id/members/:userId", (c) => removeMember(c, c.req.param("userId")));

  app.post("/statements/:id/invites", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, "Only a convener can invite.");
    const body = await parseBody(c, inviteCreateSchema);
    const organizationId = await requireOrganization(services, body.organizationId);
    const invite = await createInvite(services, {
      statementId: id, role: body.role, organizationId, createdBy: user.id, expiresInHours: body.expiresInHours ?? 7 * 24,
    });
    return c.json({ id: invite.id, token: invite.token, path: `/invite/${invite.token}`, expiresAt: invite.expiresAt }, 201);
  });

  app.get("/invites/:token", async (c) => {
    const row = await describeInvite(c.var.services, c.req.param("token"));
    return c.json({
      statementTitle: row.title,
      role: row.role,
      organizationName: row.organization_name,
      invitedBy: row.inviter,
      expiresAt: Number(row.expires_at),
    });
  });

  app.post("/invites/:token/accept", async (c) => {
    const user = requireUser(c);
    const res = await acceptInvite(c.var.services, c.req.param("token"), user);
    return c.json(res);
  });

  app.get("/statements/:id/export.md", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id);
    const st = await services.db.selectFrom("statements").select(["slug"]).where("id", "=", id).executeTakeFirstOrThrow();
    const markdown = await services.rooms.withDocument(id, (doc) => canonicalMarkdownOfDoc(doc));
    c.header("X-Content-SHA256", sha256Hex(markdown));
    c.header("Content-Disposition", `attachment; filename="${st.slug}.md"`);
    return c.body(markdown, 200, { "Content-Type": "text/markdown; charset=utf-8" });
  });

  app.get("/statements/:id/audit", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id);
    const limit = z.coerce.number().int().min(1).max(1000).catch(500).parse(c.req.query("limit"));
    const rows = await services.db
      .selectFrom("audit_log")
      .leftJoin("users", "users.id", "audit_log.actor_id")
      .select(["audit_log.id", "audit_log.action", "audit_log.actor_id", "users.name", "audit_log.detail", "audit_log.hash", "audit_log.at"])
      .where("audit_log.statement_id", "=", id)
      .orderBy("audit_log.id", "desc")
      .limit(limit)
      .execute();
    return c.json({
      entries: rows.map((r) => ({
        id: Number(r.id), action: r.action, actorId: r.actor_id, actorName: r.name, detail: JSON.parse(r.detail) as Record<string, unknown>, hash: r.hash, at: Number(r.at),
      })),
    });
  });

  return app;
}
