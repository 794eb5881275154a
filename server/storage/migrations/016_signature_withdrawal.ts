/**
 * A representative may withdraw their organization's signature before the lock: the signature row is voided
 * (`void_reason = 'withdrawn'`, `voided_at`) and this column records who withdrew it (the audit log has the
 * full entry). Rows voided before (by an unlock) keep it null.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("document_signatures").addColumn("voided_by", "text").execute();
}
