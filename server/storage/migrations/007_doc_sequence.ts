/**
 * A sequence number per statement for every stored Yjs update (issue 9: several instances).
 *
 * `statements.doc_seq` is the last number handed out; the append transaction raises it under the statement
 * row's lock, so the numbers of one statement are contiguous and committed in order, whichever instance
 * stores them. An instance that sees a gap (a fan-out message lost, a late subscription) knows exactly which
 * updates to read back. `doc_snapshots.last_seq` says which numbers a snapshot holds.
 *
 * Existing logs are numbered 1..n in their id order (rows already folded into a snapshot are gone, so the
 * snapshot holds "0").
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("statements")
    .addColumn("doc_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("doc_updates").addColumn("seq", "bigint").execute();
  await db.schema
    .alterTable("doc_snapshots")
    .addColumn("last_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update doc_updates set seq = (
      select count(*) from doc_updates d2 where d2.statement_id = doc_updates.statement_id and d2.id <= doc_updates.id)`.execute(
    db,
  );
  await sql`update statements set doc_seq = coalesce(
      (select max(seq) from doc_updates where doc_updates.statement_id = statements.id), 0)`.execute(db);
  await db.schema.createIndex("doc_updates_seq").on("doc_updates").columns(["statement_id", "seq"]).unique().execute();
}
