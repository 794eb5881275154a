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
 * key to `organizations`), so a table added later is merged too without anyone remembering this file.
 */
import { sql } from "kysely";
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

/** Every (table, column) holding organization ids, read from SQLite's catalogue. */
export async function organizationReferences(db: DB | Transaction<Database>): Promise<OrganizationReference[]> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(db);
  const refs = new Map<string, OrganizationReference>();
  for (const { name } of tables.rows) {
    if (HISTORICAL.has(name)) continue;
    const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    for (const c of columns.rows) if (c.name === "organization_id") refs.set(`${name}.${c.name}`, { table: name, column: c.name });
    const fks = await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db);
    for (const fk of fks.rows) if (fk.table === "organizations") refs.set(`${name}.${fk.from}`, { table: name, column: fk.from });
  }
  return [...refs.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

/** How many rows of each referring column name the organization (only the non-zero ones). */
export async function referenceCounts(db: DB | Transaction<Database>, organizationId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const ref of await organizationReferences(db)) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(ref.table)} where ${sql.ref(ref.column)} = ${organizationId}`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0) counts[`${ref.table}.${ref.column}`] = n;
  }
  return counts;
}

/** Statements in which the organization appears (for pushing "changed" to their open editors). */
export async function statementsOf(db: DB | Transaction<Database>, organizationId: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const ref of await organizationReferences(db)) {
    const hasStatement = await sql<{ name: string }>`select name from pragma_table_info(${ref.table}) where name = 'statement_id'`.execute(db);
    if (hasStatement.rows.length === 0) continue;
    const rows = await sql<{ id: string }>`
      select distinct statement_id as id from ${sql.table(ref.table)} where ${sql.ref(ref.column)} = ${organizationId}`.execute(db);
    for (const r of rows.rows) if (r.id) ids.add(r.id);
  }
  return [...ids];
}

/** Moves every reference from `sourceId` to `targetId` inside `trx`; returns the rows moved per column. */
export async function moveReferences(trx: Transaction<Database>, sourceId: string, targetId: string): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const ref of await organizationReferences(trx)) {
    const r = await sql`update ${sql.table(ref.table)} set ${sql.ref(ref.column)} = ${targetId} where ${sql.ref(ref.column)} = ${sourceId}`.execute(trx);
    const n = Number(r.numAffectedRows ?? 0);
    if (n > 0) moved[`${ref.table}.${ref.column}`] = n;
  }
  return moved;
}
