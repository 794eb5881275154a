/**
 * Amendments (issue 8): proposed replacement wording for a clause or words in it, with a reason, and its decision.
 * The target is held three ways: the clause id, the Yjs relative positions of the words (which follow concurrent
 * edits, as comment anchors do), and the words themselves with their offsets in the clause's text at proposal
 * time, so that an accept can check that exactly those words are still there.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("amendments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("clause_id", "text", (c) => c.notNull())
    .addColumn("anchor_from", "text", (c) => c.notNull())
    .addColumn("anchor_to", "text", (c) => c.notNull())
    .addColumn("quote", "text", (c) => c.notNull())
    .addColumn("start_offset", "integer", (c) => c.notNull())
    .addColumn("end_offset", "integer", (c) => c.notNull())
    .addColumn("replacement", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    // open | accepted | declined | outdated | closed
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("proposed_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("organization_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "bigint")
    .addColumn("decision_reason", "text")
    .execute();
  await db.schema
    .createIndex("amendments_statement")
    .on("amendments")
    .columns(["statement_id", "created_at"])
    .execute();
}
