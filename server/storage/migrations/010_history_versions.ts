/**
 * The drafting record: versions of a statement (automatic at each signature, lock, unlock, after each burst
 * of editing, at a restore; named ones by drafters and conveners) and their document snapshots. A snapshot is
 * the compacted Yjs state (`Y.encodeStateAsUpdate` of the garbage-collected document, which keeps every
 * item's client id for attribution), stored once per document state: versions of the same state share it.
 */
import type { Kysely } from "kysely";
import { autoId, blob } from "./dialect";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("history_snapshots")
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    // The statement's document sequence number (`statements.doc_seq`) the snapshot was taken at.
    .addColumn("doc_seq", "bigint", (c) => c.notNull())
    .addColumn("data", blob(db), (c) => c.notNull())
    .addPrimaryKeyConstraint("history_snapshots_pk", ["statement_id", "doc_seq"])
    .execute();
  await db.schema
    .createTable("history_versions")
    .addColumn("id", ...autoId(db))
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    // named | checkpoint | signature | lock | unlock | restore
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("doc_seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    // Null for automatic checkpoints (nobody asked for them).
    .addColumn("created_by", "text")
    // The organization that signed (signature versions).
    .addColumn("organization_id", "text")
    // The version a restore brought back.
    .addColumn("restored_from", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("history_versions_statement")
    .on("history_versions")
    .columns(["statement_id", "doc_seq"])
    .execute();
}
