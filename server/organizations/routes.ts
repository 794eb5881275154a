/**
 * `/api/organizations`: the organizations members can represent. Any signed-in user may list them; creating,
 * editing, merging and deleting follow `./policy.ts`, and each change leaves an audit entry.
 */
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { organizationMergeSchema, organizationPatchSchema, organizationSchema } from "../../shared/validation";
import { newId } from "../ids";
import type { OrganizationDto } from "../../shared/api";
import type { OrganizationRow } from "../storage/schema";
import type { StakeholderGroup } from "../../shared/roles";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { recordAudit } from "../audit/log";
import {
  canCreateOrganization,
  canDeleteOrganization,
  canEditOrganization,
  canMergeOrganizations,
  organizationPermissions,
} from "./policy";
import { moveReferences, referenceCounts, statementsOf } from "./merge";
import type { DB } from "../storage/database";

/** The API shape of an organization row. */
export function organizationDto(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    stakeholderGroup: row.stakeholder_group as StakeholderGroup,
    sortKey: row.sort_key,
  };
}

async function findOrganization(db: DB, id: string): Promise<OrganizationRow> {
  const row = await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Organization");
  return row;
}

async function refuseNameClash(db: DB, name: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom("organizations").select("id").where("name", "=", name);
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst()) throw conflict(`An organization named "${name}" already exists.`);
}

export function organizationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/organizations", async (c) => {
    requireUser(c);
    const rows = await c.var.services.db.selectFrom("organizations").selectAll().orderBy("name").execute();
    return c.json({ organizations: rows.map(organizationDto) });
  });

  /** What the caller may do with organizations (the client shows only those controls). */
  app.get("/organizations/permissions", async (c) => {
    const user = requireUser(c);
    return c.json({ permissions: await organizationPermissions(c.var.services.db, user) });
  });

  app.post("/organizations", async (c) => {
    const user = requireUser(c);
    const { db } = c.var.services;
    if (!(await canCreateOrganization(db, user)))
      throw forbidden("Only the administrator and conveners can add organizations.");
    const body = await parseBody(c, organizationSchema);
    await refuseNameClash(db, body.name);
    const row: OrganizationRow = {
      id: newId(),
      name: body.name,
      short_name: body.shortName,
      stakeholder_group: body.stakeholderGroup,
      sort_key: body.sortKey && body.sortKey !== "" ? body.sortKey : null,
      created_by: user.id,
      created_at: Date.now(),
    };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("organizations").values(row).execute();
      await recordAudit(trx, {
        statementId: null,
        actorId: user.id,
        action: "organization.created",
        detail: { organization: organizationDto(row) },
      });
    });
    return c.json({ organization: organizationDto(row) }, 201);
  });

  app.patch("/organizations/:id", async (c) => {
    const user = requireUser(c);
    const { db } = c.var.services;
    const before = await findOrganization(db, c.req.param("id"));
    if (!(await canEditOrganization(db, user, before.id))) {
      throw forbidden(
        "Only the administrator and conveners of statements this organization takes part in can edit it.",
      );
    }
    const body = await parseBody(c, organizationPatchSchema);
    if (body.name !== undefined) await refuseNameClash(db, body.name, before.id);
    const after: OrganizationRow = {
      ...before,
      name: body.name ?? before.name,
      short_name: body.shortName ?? before.short_name,
      stakeholder_group: body.stakeholderGroup ?? before.stakeholder_group,
      sort_key: body.sortKey === undefined ? before.sort_key : body.sortKey === "" ? null : body.sortKey,
    };
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable("organizations")
        .set({
          name: after.name,
          short_name: after.short_name,
          stakeholder_group: after.stakeholder_group,
          sort_key: after.sort_key,
        })
        .where("id", "=", before.id)
        .execute();
      await recordAudit(trx, {
        statementId: null,
        actorId: user.id,
        action: "organization.updated",
        detail: { before: organizationDto(before), after: organizationDto(after) },
      });
    });
    for (const statementId of await statementsOf(db, before.id))
      c.var.services.events.app(statementId, { type: "members.changed", statementId });
    return c.json({ organization: organizationDto(after) });
  });

  app.delete("/organizations/:id", async (c) => {
    const user = requireUser(c);
    const { db } = c.var.services;
    if (!canDeleteOrganization(user)) throw forbidden("Only the administrator can delete organizations.");
    const row = await findOrganization(db, c.req.param("id"));
    await db.transaction().execute(async (trx) => {
      const used = await referenceCounts(trx, row.id);
      if (Object.keys(used).length > 0) {
        throw conflict(
          `${row.name} is still referred to (members, positions or signatures): merge it into another organization instead.`,
        );
      }
      await trx.deleteFrom("organizations").where("id", "=", row.id).execute();
      await recordAudit(trx, {
        statementId: null,
        actorId: user.id,
        action: "organization.deleted",
        detail: { organization: organizationDto(row) },
      });
    });
    return c.json({ ok: true });
  });

  /** Merges this organization into `intoId`: every reference moves there, then this one is deleted. */
  app.post("/organizations/:id/merge", async (c) => {
    const user = requireUser(c);
    const { db, events } = c.var.services;
    if (!canMergeOrganizations(user)) throw forbidden("Only the administrator can merge organizations.");
    const body = await parseBody(c, organizationMergeSchema);
    const source = await findOrganization(db, c.req.param("id"));
    const target = await findOrganization(db, body.intoId);
    if (source.id === target.id) throw badRequest("An organization cannot be merged into itself.");
    const { moved, statements } = await db.transaction().execute(async (trx) => {
      const statements = await statementsOf(trx, source.id);
      const moved = await moveReferences(trx, source.id, target.id);
      await trx.deleteFrom("organizations").where("id", "=", source.id).execute();
      const detail = { from: organizationDto(source), into: organizationDto(target), moved };
      await recordAudit(trx, { statementId: null, actorId: user.id, action: "organization.merged", detail });
      // Each statement whose records changed says so in its own audit log, which its conveners read.
      for (const statementId of statements) {
        await recordAudit(trx, {
          statementId,
          actorId: user.id,
          action: "organization.merged",
          detail: { from: organizationDto(source), into: organizationDto(target) },
        });
      }
      return { moved, statements };
    });
    for (const statementId of statements) {
      events.app(statementId, { type: "members.changed", statementId });
      events.app(statementId, { type: "signoffs.changed", statementId });
    }
    return c.json({ organization: organizationDto(target), moved });
  });

  return app;
}
