/**
 * Expected signatories: the organizations a statement invites to sign, whether or not anyone represents them
 * yet. The lock gate and the sign-off matrix count them (together with every organization a member
 * represents), so "every organization has signed" is never said while an invited one has not joined.
 *
 * Existing statements start with the organizations represented in them today (added by the statement's
 * creator, at migration time). No unique index on (statement, organization): merging two organizations
 * rewrites `organization_id` columns in place (server/organizations/merge.ts), which a unique index would
 * refuse when both were expected; readers take distinct ids.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { autoId } from "./dialect";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("expected_organizations")
    .addColumn("id", ...autoId(db))
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id"))
    .addColumn("added_by", "text", (c) => c.notNull())
    .addColumn("added_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("expected_organizations_statement")
    .on("expected_organizations")
    .columns(["statement_id", "organization_id"])
    .execute();
  await sql`
    insert into expected_organizations (statement_id, organization_id, added_by, added_at)
      select distinct m.statement_id, m.organization_id, s.created_by, ${sql.lit(Date.now())}
        from members m join statements s on s.id = m.statement_id
        where m.organization_id is not null`.execute(db);
}
