/**
 * Sign-off, signature, lock and versions: `/api/statements/:id/{signoffs,signoffs/approve-all,signature,
 * signature/withdraw,expected-organizations,lock,unlock,final,versions,audit.csv}`. Thin: validate (zod schemas in shared/signoff.ts), authorize (membership here, the role rules in
 * shared/roles.ts through decisions.ts), call the module, answer.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { findMembership, requireMembership } from "../statements/access";
import { badRequest, forbidden, notFound } from "../errors";
import { canManageMembers } from "../../shared/roles";
import {
  bulkApproveSchema,
  expectedAddSchema,
  expectedRemoveSchema,
  lockSchema,
  positionSchema,
  signatureSchema,
  unlockSchema,
  withdrawSignatureSchema,
} from "../../shared/signoff";
import { positionHistory, signoffMatrix } from "./matrix";
import { setPosition } from "./positions";
import { sign, withdrawSignature } from "./signatures";
import { bulkApprove } from "./bulk-approve";
import { addExpected, listExpected, removeExpected } from "./expected";
import { currentFinalVersion, listVersions, versionById } from "./versions";
import { lock, unlock } from "./lock";
import { auditCsvStream } from "./audit-csv";

const historyQuerySchema = z.object({
  clauseId: z.string().min(1).max(128),
  organizationId: z.string().min(1).max(64).optional(),
});

export function signoffRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/statements/:id/signoffs", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    return c.json(await signoffMatrix(c.var.services, me));
  });

  app.get("/statements/:id/signoffs/history/:clauseId", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const q = historyQuerySchema.safeParse({
      clauseId: c.req.param("clauseId"),
      organizationId: c.req.query("organizationId"),
    });
    if (!q.success) throw badRequest("Name a clause, and optionally an organization (organizationId).");
    return c.json({
      history: await positionHistory(c.var.services.db, me.statementId, q.data.clauseId, q.data.organizationId ?? null),
    });
  });

  app.put("/statements/:id/signoffs", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const body = await parseBody(c, positionSchema);
    return c.json({ position: await setPosition(c.var.services, me, body) });
  });

  app.post("/statements/:id/signoffs/approve-all", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const body = await parseBody(c, bulkApproveSchema);
    return c.json(await bulkApprove(c.var.services, me, body));
  });

  app.get("/statements/:id/expected-organizations", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    return c.json({ organizations: await listExpected(c.var.services.db, me.statementId) });
  });

  app.post("/statements/:id/expected-organizations", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    if (!canManageMembers(me.role)) throw forbidden("Only a convener can change who is expected to sign.");
    const body = await parseBody(c, expectedAddSchema);
    return c.json(await addExpected(c.var.services, me, body), 201);
  });

  app.delete("/statements/:id/expected-organizations", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    if (!canManageMembers(me.role)) throw forbidden("Only a convener can change who is expected to sign.");
    const body = await parseBody(c, expectedRemoveSchema);
    return c.json(await removeExpected(c.var.services, me, body.organizationId));
  });

  app.post("/statements/:id/signature/withdraw", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const body = await parseBody(c, withdrawSignatureSchema);
    return c.json(await withdrawSignature(c.var.services, me, body));
  });

  app.post("/statements/:id/signature", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const body = await parseBody(c, signatureSchema);
    return c.json({ signature: await sign(c.var.services, me, body) }, 201);
  });

  app.post("/statements/:id/lock", async (c) => {
    const user = requireUser(c);
    const me = await requireMembership(c.var.services.db, c.req.param("id"), user.id);
    const body = await parseBody(c, lockSchema);
    return c.json({ final: await lock(c.var.services, me, user, body) });
  });

  app.post("/statements/:id/unlock", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    // The instance admin may unlock without being a member; others learn nothing about statements they are not in.
    if (!user.isAdmin) await requireMembership(c.var.services.db, id, user.id);
    const exists = await c.var.services.db
      .selectFrom("statements")
      .select("id")
      .where("id", "=", id)
      .executeTakeFirst();
    if (!exists) throw notFound("Statement");
    const body = await parseBody(c, unlockSchema);
    return c.json(await unlock(c.var.services, id, user, body.reason));
  });

  app.get("/statements/:id/final", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    return c.json({ final: await currentFinalVersion(c.var.services.db, id) });
  });

  app.get("/statements/:id/versions", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    return c.json({ versions: await listVersions(c.var.services.db, id) });
  });

  app.get("/statements/:id/versions/:vid", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    const vid = z.coerce.number().int().positive().safeParse(c.req.param("vid"));
    const version = vid.success ? await versionById(c.var.services.db, id, vid.data) : null;
    if (!version) throw notFound("That version");
    return c.json({ version });
  });

  app.get("/statements/:id/audit.csv", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const me = await findMembership(c.var.services.db, id, user.id);
    if (!me) throw notFound("Statement");
    const st = await c.var.services.db
      .selectFrom("statements")
      .select("slug")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    c.header("Content-Disposition", `attachment; filename="${st.slug}-audit.csv"`);
    // Streamed a page at a time as the client reads it (see audit-csv.ts).
    return c.body(auditCsvStream(c.var.services.db, id), 200, { "Content-Type": "text/csv; charset=utf-8" });
  });

  return app;
}
