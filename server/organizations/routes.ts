/** `/api/organizations`: the organizations members can represent. Any logged-in user may list and create. */
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { organizationSchema } from "../../shared/validation";
import { newId } from "../ids";
import type { OrganizationDto } from "../../shared/api";
import type { OrganizationRow } from "../storage/schema";
import type { StakeholderGroup } from "../../shared/roles";
import { conflict } from "../errors";

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

export function organizationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/organizations", async (c) => {
    requireUser(c);
    const rows = await c.var.services.db.selectFrom("organizations").selectAll().orderBy("name").execute();
    return c.json({ organizations: rows.map(organizationDto) });
  });

  app.post("/organizations", async (c) => {
    const user = requireUser(c);
    const body = await parseBody(c, organizationSchema);
    const { db } = c.var.services;
    const clash = await db.selectFrom("organizations").select("id").where("name", "=", body.name).executeTakeFirst();
    if (clash) throw conflict(`An organization named "${body.name}" already exists.`);
    const row: OrganizationRow = {
      id: newId(),
      name: body.name,
      short_name: body.shortName,
      stakeholder_group: body.stakeholderGroup,
      sort_key: body.sortKey && body.sortKey !== "" ? body.sortKey : null,
      created_by: user.id,
      created_at: Date.now(),
    };
    await db.insertInto("organizations").values(row).execute();
    return c.json({ organization: organizationDto(row) }, 201);
  });

  return app;
}
