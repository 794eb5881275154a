/**
 * Invite links the convener revoked before anyone used them (`revoked_at`, `revoked_by`), and the address an
 * emailed invite went to (`sent_to`), so the list of outstanding invites can say whom each one is for.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invites").addColumn("revoked_at", "bigint").execute();
  await db.schema.alterTable("invites").addColumn("revoked_by", "text").execute();
  await db.schema.alterTable("invites").addColumn("sent_to", "text").execute();
}
