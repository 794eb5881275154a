/**
 * Publication and sign-on: which statements are public, sign-on requests (email confirmation, convener's
 * decision), signatories that joined after the lock (and the hashes each has signed), single-use email tokens,
 * and the mail outbox used when no SMTP server is configured.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("publications")
    .addColumn("statement_id", "text", (c) => c.primaryKey().references("statements.id").onDelete("cascade"))
    .addColumn("published", "integer", (c) => c.notNull())
    .addColumn("changed_by", "text", (c) => c.notNull())
    .addColumn("changed_at", "bigint", (c) => c.notNull())
    .addColumn("published_at", "bigint")
    .execute();

  await db.schema
    .createTable("sign_on_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("version_id", "integer", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("org_name", "text", (c) => c.notNull())
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("website", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("stakeholder_group", "text", (c) => c.notNull())
    .addColumn("contact_name", "text", (c) => c.notNull())
    .addColumn("contact_title", "text", (c) => c.notNull())
    .addColumn("contact_email", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("confirmed_at", "bigint")
    .addColumn("decided_at", "bigint")
    .addColumn("decided_by", "text")
    .addColumn("decision_message", "text")
    .execute();
  await db.schema
    .createIndex("sign_on_requests_statement")
    .on("sign_on_requests")
    .columns(["statement_id", "status"])
    .execute();
  // One open request per organization and statement: a second one (or a parallel twin) is refused.
  await db.schema
    .createIndex("sign_on_requests_open")
    .on("sign_on_requests")
    .columns(["statement_id", "name_key"])
    .unique()
    .where(sql.ref("status"), "in", sql`('unconfirmed', 'pending')`)
    .execute();

  await db.schema
    .createTable("signatories")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("organization_id", "text")
    .addColumn("request_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("sort_key", "text")
    .addColumn("stakeholder_group", "text", (c) => c.notNull())
    .addColumn("website", "text")
    .addColumn("country", "text")
    .addColumn("contact_email", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .addColumn("ended_by", "text")
    .addColumn("ended_reason", "text")
    .execute();
  await db.schema.createIndex("signatories_statement").on("signatories").columns(["statement_id", "status"]).execute();
  await db.schema
    .createIndex("signatories_one_active")
    .on("signatories")
    .columns(["statement_id", "name_key"])
    .unique()
    .where(sql.ref("status"), "=", sql`'active'`)
    .execute();

  await db.schema
    .createTable("signatory_hashes")
    .addColumn("signatory_id", "text", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("version_id", "integer", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("via", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("signatory_hashes_pk", ["signatory_id", "version_id"])
    .execute();

  await db.schema
    .createTable("email_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("statement_id", "text", (c) => c.notNull().references("statements.id").onDelete("cascade"))
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("version_id", "integer")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("used_at", "bigint")
    .execute();

  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("mail_outbox_created").on("mail_outbox").columns(["created_at"]).execute();
}
