/**
 * Version snapshots share structure: a snapshot may be stored as the difference from an earlier one
 * (`base_seq`, the `doc_seq` of that snapshot), so a version costs the edits since the previous one rather
 * than a copy of the document. A chain starts at a full snapshot (`base_seq` null) every few versions.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("history_snapshots").addColumn("base_seq", "bigint").execute();
}
