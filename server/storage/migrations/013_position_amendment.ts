/**
 * A position may reference an amendment (issue 8): "approve if amended as proposed". Null for every position
 * given before, and for positions on the text as it stands.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("clause_positions").addColumn("amendment_id", "text").execute();
}
