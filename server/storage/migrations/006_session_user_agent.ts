/** Keeps the browser's User-Agent beside each session, for the "your sessions" list. */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("user_agent", "text").execute();
}
