/**
 * `/api/statements/*` and `/api/invites/*`: statements, members, invites, export and audit.
 * Routes are thin: validate the body (zod), authorize (membership, and the role rules of shared/roles.ts),
 * call the module (statements.ts, members.ts, invites.ts), answer.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
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
import { acceptInvite, createInvite, describeInvite, listOutstandingInvites, revokeInvite } from "./invites";
import { addMember, changeMember, removeMember, requireOrganization } from "./members";
import {
  auditPage,
  createStatement,
  exportMarkdown,
  listStatements,
  renameStatement,
  statementDetail,
} from "./statements";

export function statementRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const manage = (m: { role: Role }) => canManageMembers(m.role);
  const manageRefusal = "Only a convener can manage members.";

  app.get("/statements", async (c) => {
    const user = requireUser(c);
    return c.json({ statements: await listStatements(c.var.services.db, user.id) });
  });

  app.post("/statements", async (c) => {
    const user = requireUser(c);
    const body = await parseBody(c, statementCreateSchema);
    return c.json({ statement: await createStatement(c.var.services.db, user.id, body.title) }, 201);
  });

  app.get("/statements/:id", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    return c.json(await statementDetail(c.var.services.db, me));
  });

  app.patch("/statements/:id", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id, manage, "Only a convener can rename the statement.");
    const body = await parseBody(c, statementCreateSchema);
    await renameStatement(c.var.services, id, user.id, body.title);
    return c.json({ ok: true, title: body.title });
  });

  app.post("/statements/:id/members", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id, manage, manageRefusal);
    const body = await parseBody(c, memberAddSchema);
    return c.json({ member: await addMember(c.var.services, id, user.id, body) }, 201);
  });

  app.patch("/statements/:id/members", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id, manage, manageRefusal);
    const body = await parseBody(c, memberPatchSchema);
    return c.json({ member: await changeMember(c.var.services, id, user.id, body) });
  });

  const remove = async (c: Context<AppEnv>, userId: string) => {
    const user = requireUser(c);
    const id = c.req.param("id") as string;
    await requireMembership(c.var.services.db, id, user.id, manage, manageRefusal);
    await removeMember(c.var.services, id, user.id, userId);
    return c.json({ ok: true });
  };
  app.delete("/statements/:id/members", async (c) => {
    const body = await parseBody(c, memberRemoveSchema);
    return remove(c, body.userId);
  });
  app.delete("/statements/:id/members/:userId", (c) => remove(c, c.req.param("userId")));

  app.post("/statements/:id/invites", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    await requireMembership(services.db, id, user.id, manage, "Only a convener can invite.");
    const body = await parseBody(c, inviteCreateSchema);
    const organizationId = await requireOrganization(services.db, body.organizationId);
    const invite = await createInvite(services, {
      statementId: id,
      role: body.role,
      organizationId,
      createdBy: user.id,
      expiresInHours: body.expiresInHours ?? 7 * 24,
    });
    return c.json(
      { id: invite.id, token: invite.token, path: `/invite/${invite.token}`, expiresAt: invite.expiresAt },
      201,
    );
  });

  app.get("/statements/:id/invites", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id, manage, "Only a convener can see the invites.");
    return c.json({ invites: await listOutstandingInvites(c.var.services.db, id) });
  });

  app.delete("/statements/:id/invites/:inviteId", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id, manage, "Only a convener can revoke invites.");
    await revokeInvite(c.var.services, { statementId: id, inviteId: c.req.param("inviteId"), actorId: user.id });
    return c.json({ ok: true });
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
    await requireMembership(c.var.services.db, id, user.id);
    const { fileName, markdown, hash } = await exportMarkdown(c.var.services, id);
    c.header("X-Content-SHA256", hash);
    c.header("Content-Disposition", `attachment; filename="${fileName}"`);
    return c.body(markdown, 200, { "Content-Type": "text/markdown; charset=utf-8" });
  });

  app.get("/statements/:id/audit", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    const limit = z.coerce.number().int().min(1).max(1000).catch(500).parse(c.req.query("limit"));
    // Paged newest first: `before` is the `next` of the previous page.
    const before = z.coerce
      .number()
      .int()
      .positive()
      .nullable()
      .catch(null)
      .parse(c.req.query("before") ?? null);
    return c.json(await auditPage(c.var.services.db, id, limit, before));
  });

  return app;
}
