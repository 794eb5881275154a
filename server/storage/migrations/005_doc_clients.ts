/**
 * The durable binding of Yjs client ids to the users (and the organization they represented) whose
 * connections introduced them. The sync layer refuses structs written under an id bound to someone else, and
 * attribution reads who wrote what from here.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("doc_clients")
    .addColumn("statement_id", "text", (c) => c.notNull())
    // Yjs client ids are unsigned 32-bit integers.
    .addColumn("client_id", "bigint", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("organization_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("doc_clients_pk", ["statement_id", "client_id"])
    .execute();
}
