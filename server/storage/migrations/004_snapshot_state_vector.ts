/** Keeps each snapshot's state vector beside it, so that a stored document can answer joins without decoding. */
import type { Kysely } from "kysely";
import { blob } from "./dialect";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("doc_snapshots").addColumn("state_vector", blob(db)).execute();
}
