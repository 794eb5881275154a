/**
 * Comment threads and comments (issue: comment threads on clauses), and per-user read marks.
 * Comments live here, not in the Yjs document, so that permissions and history stay on the server.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("comment_threads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("clause_id", "text", (c) => c.notNull())
    // Base64 Yjs relative positions and the quoted text at creation; all null for a thread on a whole clause.
    .addColumn("anchor_from", "text")
    .addColumn("anchor_to", "text")
    .addColumn("quote", "text")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("organization_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("resolved_by", "text")
    .addColumn("resolved_at", "bigint")
    .execute();
  await db.schema
    .createIndex("comment_threads_statement")
    .on("comment_threads")
    .columns(["statement_id", "created_at"])
    .execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("thread_id", "text", (c) => c.notNull().references("comment_threads.id").onDelete("cascade"))
    .addColumn("statement_id", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("organization_id", "text")
    // Erased (empty) once deleted; kept but never served once hidden.
    .addColumn("body", "text", (c) => c.notNull())
    // JSON array of mentioned member ids.
    .addColumn("mentions", "text", (c) => c.notNull().defaultTo("[]"))
    // Strictly increasing within a thread, so that a read mark at a comment's time is exact.
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("edited_at", "bigint")
    .addColumn("deleted_at", "bigint")
    .addColumn("hidden_at", "bigint")
    .addColumn("hidden_by", "text")
    .addColumn("hidden_reason", "text")
    .execute();
  await db.schema.createIndex("comments_thread").on("comments").columns(["thread_id", "created_at"]).execute();
  await db.schema.createIndex("comments_statement").on("comments").column("statement_id").execute();

  await db.schema
    .createTable("thread_reads")
    .addColumn("thread_id", "text", (c) => c.notNull().references("comment_threads.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The created_at of the newest comment the user had seen when last opening the thread.
    .addColumn("read_through", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("thread_reads_pk", ["thread_id", "user_id"])
    .execute();
  await db.schema.createIndex("thread_reads_user").on("thread_reads").column("user_id").execute();
}
