/**
 * One new-version confirmation link per (statement, signatory, version): when several instances all hear of
 * the same new lock, only one of them issues (and mails) each link.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("email_tokens_reconfirm_once")
    .on("email_tokens")
    .columns(["statement_id", "subject_id", "version_id"])
    .unique()
    .where(sql.ref("purpose"), "=", sql`'reconfirm'`)
    .execute();
}
