/**
 * The update log keyed by what reads it: (statement, sequence number).
 *
 * Every accepted edit commits one log row, and on SQLite each page the commit dirties is written to the WAL
 * (and later checkpointed). The log had an `id` nobody reads since sequence numbers (007), kept unique by
 * AUTOINCREMENT (a `sqlite_sequence` row rewritten per insert), an index on (statement, id) no query uses, and
 * the unique index on (statement, seq) that every read goes through: four pages per append besides the
 * statement row. On SQLite the table is rebuilt `WITHOUT ROWID` with (statement_id, seq) as its primary key,
 * so an append writes the one leaf that holds the row. On PostgreSQL (no per-insert sequence row, no page
 * copies) only the unused index goes; the harmless `id` column stays.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { isPostgres } from "./dialect";

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.dropIndex("doc_updates_statement").ifExists().execute();
    return;
  }
  // Kysely runs SQLite migrations outside a transaction: the rebuild takes its own, so that a crash leaves
  // either the old table or the new one, never neither. Rerunning it (a crash after the commit, before the
  // migration was recorded) rebuilds the new table from itself.
  await sql`begin immediate`.execute(db);
  try {
    await sql`drop table if exists doc_updates_lean`.execute(db);
    await sql`create table doc_updates_lean (
      statement_id text not null,
      seq integer not null,
      data blob not null,
      created_at bigint not null,
      primary key (statement_id, seq)
    ) without rowid`.execute(db);
    await sql`insert into doc_updates_lean (statement_id, seq, data, created_at)
      select statement_id, seq, data, created_at from doc_updates`.execute(db);
    await sql`drop table doc_updates`.execute(db);
    await sql`alter table doc_updates_lean rename to doc_updates`.execute(db);
    await sql`commit`.execute(db);
  } catch (err) {
    await sql`rollback`.execute(db);
    throw err;
  }
}
