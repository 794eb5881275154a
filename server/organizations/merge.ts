/**
 * Merging two organizations (a duplicate entered twice, a renamed body): every row that names the source
 * organization — memberships, invites, comment threads and comments, clause positions, document signatures,
 * attribution of edits — is moved to the target, in one transaction, and the source is deleted.
 *
 * Nothing is dropped: positions and signatures are append-only histories whose newest row per organization
 * is the current one, so after a merge both organizations' rows stand in the target's history and the newest
 * of them is current. Final versions keep their signatories as they were at lock (names included): history
 * is not rewritten.
 *
 * The referring columns are found from the schema itself (every `organization_id` column and every foreign
 * key to `organizations`), so a table added later is merged too without anyone remembering this file. The
 * catalogue is SQLite's (`sqlite_master`, `pragma_*`) or PostgreSQL's (`information_schema`, `pg_constraint`).
 */
import { PostgresAdapter, sql } from "kysely";
import type { Transaction } from "kysely";
import type { DB } from "../storage/database";
import type { Database } from "../storage/schema";

/** One column that refers to an organization id. */
export interface OrganizationReference {
  table: string;
  column: string;
}

/** Tables whose organization ids are historical records, never rewritten. */
const HISTORICAL = new Set(["organizations", "audit_log", "statement_versions"]);

/** Every (table, column) holding organization ids, read from the database's catalogue. */
export async function organizationReferences(db: DB | Transaction<Database>): Promise<OrganizationReference[]> {
  const refs = new Map<string, OrganizationReference>();
  const add = (table: string, column: string) => {
    if (!HISTORICAL.has(table)) refs.set(`${table}.${column}`, { table, column });
  };
  if (isPostgres(db)) {
    const columns = await sql<{ table: string; column: string }>`
      select table_name as "table", column_name as "column" from information_schema.columns
        where table_schema = current_schema() and column_name = 'organization_id' and table_name not like 'kysely_%'`.execute(
      db,
    );
    for (const c of columns.rows) add(c.table, c.column);
    const fks = await sql<{ table: string; column: string }>`
      select cl.relname as "table", a.attname as "column"
        from pg_constraint c
        join pg_class cl on cl.oid = c.conrelid
        join pg_class target on target.oid = c.confrelid
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
        where c.contype = 'f' and target.relname = 'organizations' and cl.relnamespace = current_schema()::regnamespace`.execute(
      db,
    );
    for (const fk of fks.rows) add(fk.table, fk.column);
  } else {
    const tables = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
      db,
    );
    for (const { name } of tables.rows) {
      if (HISTORICAL.has(name)) continue;
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
      for (const c of columns.rows) if (c.name === "organization_id") add(name, c.name);
      const fks = await sql<{
        table: string;
        from: string;
      }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db);
      for (const fk of fks.rows) if (fk.table === "organizations") add(name, fk.from);
    }
  }
  return [...refs.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

function isPostgres(db: DB | Transaction<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Whether a table has a `statement_id` column. */
async function hasStatementColumn(db: DB | Transaction<Database>, table: string): Promise<boolean> {
  const rows = isPostgres(db)
    ? await sql<{ name: string }>`
        select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table} and column_name = 'statement_id'`.execute(db)
    : await sql<{ name: string }>`select name from pragma_table_info(${table}) where name = 'statement_id'`.execute(db);
  return rows.rows.length > 0;
}

/** How many rows of each referring column name the organization (only the non-zero ones). */
export async function referenceCounts(
  db: DB | Transaction<Database>,
  organizationId: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const ref of await organizationReferences(db)) {
    const r = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(ref.table)} where ${sql.ref(ref.column)} = ${organizationId}`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0) counts[`${ref.table}.${ref.column}`] = n;
  }
  return counts;
}

/** Statements in which the organization appears (for pushing "changed" to their open editors). */
export async function statementsOf(db: DB | Transaction<Database>, organizationId: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const ref of await organizationReferences(db)) {
    if (!(await hasStatementColumn(db, ref.table))) continue;
    const rows = await sql<{ id: string }>`
      select distinct statement_id as id from ${sql.table(ref.table)} where ${sql.ref(ref.column)} = ${organizationId}`.execute(
      db,
    );
    for (const r of rows.rows) if (r.id) ids.add(r.id);
  }
  return [...ids];
}

/** Moves every reference from `sourceId` to `targetId` inside `trx`; returns the rows moved per column. */
export async function moveReferences(
  trx: Transaction<Database>,
  sourceId: string,
  targetId: string,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const ref of await organizationReferences(trx)) {
    const r =
      await sql`update ${sql.table(ref.table)} set ${sql.ref(ref.column)} = ${targetId} where ${sql.ref(ref.column)} = ${sourceId}`.execute(
        trx,
      );
    const n = Number(r.numAffectedRows ?? 0);
    if (n > 0) moved[`${ref.table}.${ref.column}`] = n;
  }
  return moved;
}
