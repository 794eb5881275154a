/**
 * Clause positions (an append-only history: the newest row per clause and organization is the current one),
 * document signatures, and stored versions (automatic ones at each signature and at lock).
 */
import type { Kysely } from "kysely";
import { autoId } from "./dialect";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("statement_versions")
    .addColumn("id", ...autoId(db))
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("markdown", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("signatories", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("unsigned", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("objections", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("override", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("unlocked_at", "bigint")
    .addColumn("unlocked_by", "text")
    .addColumn("unlock_reason", "text")
    .execute();
  await db.schema
    .createIndex("statement_versions_statement")
    .on("statement_versions")
    .columns(["statement_id", "id"])
    .execute();

  await db.schema
    .createTable("clause_positions")
    .addColumn("id", ...autoId(db))
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("clause_id", "text", (c) => c.notNull())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id"))
    .addColumn("position", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("clause_hash", "text", (c) => c.notNull())
    .addColumn("clause_text", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("clause_positions_cell")
    .on("clause_positions")
    .columns(["statement_id", "clause_id", "organization_id", "id"])
    .execute();

  await db.schema
    .createTable("document_signatures")
    .addColumn("id", ...autoId(db))
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id"))
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("version_id", "integer", (c) => c.notNull().references("statement_versions.id"))
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("voided_at", "bigint")
    .addColumn("void_reason", "text")
    .execute();
  await db.schema
    .createIndex("document_signatures_org")
    .on("document_signatures")
    .columns(["statement_id", "organization_id", "id"])
    .execute();
}
