/**
 * In-app notifications, one row per recipient (server/notifications/store.ts). `dedupe_key` makes an event that
 * several instances (or a retried request) report at once land once per person: one row per (user, key).
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("statement_id", "text", (c) => c.references("statements.id").onDelete("cascade"))
    .addColumn("clause_id", "text")
    .addColumn("actor_id", "text")
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("read_at", "bigint")
    .execute();
  await db.schema.createIndex("notifications_user").on("notifications").columns(["user_id", "created_at"]).execute();
  await db.schema
    .createIndex("notifications_once")
    .on("notifications")
    .columns(["user_id", "dedupe_key"])
    .unique()
    .where(sql.ref("dedupe_key"), "is not", sql`null`)
    .execute();
}
