/**
 * Who may do what with the instance's organizations. The rules, in one place:
 *
 * | action | who                                                                                      |
 * |--------|------------------------------------------------------------------------------------------|
 * | list   | any signed-in user                                                                       |
 * | create | the instance admin, or a convener of any statement                                       |
 * | edit   | the admin, or a convener of a statement the organization takes part in (a member         |
 * |        | represents it there, or it has given a position or a signature there)                    |
 * | merge  | the admin only (it rewrites every statement's records)                                   |
 * | delete | the admin only, and only an organization nothing refers to (otherwise: merge it)         |
 *
 * Organizations are instance-wide and other statements rely on their names, so an ordinary member can
 * neither add them nor change them.
 */
import { sql } from "kysely";
import type { CurrentUser } from "../context";
import type { DB } from "../storage/database";
import type { OrganizationPermissionsDto } from "../../shared/api";

/** What the caller may do, for the client to show only the controls that will work. */
export type OrganizationPermissions = OrganizationPermissionsDto;

/** Whether the user convenes at least one statement. */
async function isConvener(db: DB, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("members")
    .select("statement_id")
    .where("user_id", "=", userId)
    .where("role", "=", "convener")
    .executeTakeFirst();
  return !!row;
}

/** Ids of the organizations taking part in statements the user convenes. */
async function orgsInConvenedStatements(db: DB, userId: string, only?: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    with convened as (select statement_id from members where user_id = ${userId} and role = 'convener')
    select organization_id as id from members
      where organization_id is not null and statement_id in (select statement_id from convened)
    union select organization_id from clause_positions where statement_id in (select statement_id from convened)
    union select organization_id from document_signatures where statement_id in (select statement_id from convened)`.execute(
    db,
  );
  const ids = rows.rows.map((r) => r.id);
  return only === undefined ? ids : ids.filter((id) => id === only);
}

export async function canCreateOrganization(db: DB, user: CurrentUser): Promise<boolean> {
  return user.isAdmin || (await isConvener(db, user.id));
}

export async function canEditOrganization(db: DB, user: CurrentUser, organizationId: string): Promise<boolean> {
  return user.isAdmin || (await orgsInConvenedStatements(db, user.id, organizationId)).length > 0;
}

export function canMergeOrganizations(user: CurrentUser): boolean {
  return user.isAdmin;
}

export function canDeleteOrganization(user: CurrentUser): boolean {
  return user.isAdmin;
}

/** Every permission of the caller at once. */
export async function organizationPermissions(db: DB, user: CurrentUser): Promise<OrganizationPermissions> {
  if (user.isAdmin) return { create: true, merge: true, delete: true, edit: "all" };
  return {
    create: await isConvener(db, user.id),
    merge: false,
    delete: false,
    edit: await orgsInConvenedStatements(db, user.id),
  };
}
