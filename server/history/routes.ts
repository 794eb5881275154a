/**
 * The drafting record: `/api/statements/:id/history[...]`. Thin: membership here, the role rules in record.ts
 * (through shared/roles.ts), bodies and queries validated before anything changes.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { requireMembership } from "../statements/access";
import { notFound } from "../errors";
import { namedVersionSchema, restoreSchema } from "../../shared/history";
import { listVersions, versionDetail } from "./versions";
import {
  assertMayEdit,
  attributionOf,
  attributionSummary,
  diffBetween,
  nameVersion,
  parseSide,
  restoreVersion,
  sincePositions,
  sinceSignature,
} from "./record";

const versionIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function historyRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const member = async (c: Context<AppEnv>) => {
    const user = requireUser(c);
    return requireMembership(c.var.services.db, c.req.param("id") ?? "", user.id);
  };
  const versionId = (raw: string | undefined) => {
    const vid = versionIdSchema.safeParse(raw);
    if (!vid.success) throw notFound("That version");
    return vid.data;
  };

  app.get("/statements/:id/history", async (c) => {
    const me = await member(c);
    return c.json({ versions: await listVersions(c.var.services.db, me.statementId) });
  });

  app.post("/statements/:id/history", async (c) => {
    const me = await member(c);
    assertMayEdit(me, "name versions");
    const body = await parseBody(c, namedVersionSchema);
    return c.json({ version: await nameVersion(c.var.services, me, body.name) }, 201);
  });

  app.get("/statements/:id/history/diff/:from/:to", async (c) => {
    const me = await member(c);
    const from = parseSide(c.req.param("from"));
    const to = parseSide(c.req.param("to"));
    return c.json({ diff: await diffBetween(c.var.services, me.statementId, from, to) });
  });

  app.get("/statements/:id/history/since-signature", async (c) => {
    const me = await member(c);
    return c.json(await sinceSignature(c.var.services, me));
  });

  app.get("/statements/:id/history/since-positions", async (c) => {
    const me = await member(c);
    return c.json(await sincePositions(c.var.services, me));
  });

  app.get("/statements/:id/history/attribution/:at", async (c) => {
    const me = await member(c);
    const at = c.req.param("at");
    const side = at === "current" ? "current" : versionId(at);
    return c.json({ attribution: await attributionOf(c.var.services, me.statementId, side) });
  });

  app.get("/statements/:id/history/summary", async (c) => {
    const me = await member(c);
    return c.json(await attributionSummary(c.var.services, me));
  });

  app.get("/statements/:id/history/:vid", async (c) => {
    const me = await member(c);
    const version = await versionDetail(c.var.services.db, me.statementId, versionId(c.req.param("vid")));
    if (!version) throw notFound("That version");
    return c.json({ version });
  });

  app.post("/statements/:id/history/:vid/restore", async (c) => {
    const me = await member(c);
    assertMayEdit(me, "restore versions");
    await parseBody(c, restoreSchema);
    return c.json({ version: await restoreVersion(c.var.services, me, versionId(c.req.param("vid"))) }, 201);
  });

  return app;
}
