/** The audit log: every membership change, sign-off, signature, lock and sign-on decision — who, what, when. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema";

/** One audit entry to record. */
export interface AuditEntry {
  statementId: string | null;
  actorId: string | null;
  action: string;
  detail: Record<string, unknown>;
  /**
   * The hash of the text the decision was made on: for a position the clause's, for a signature or a lock the
   * document's. It is the hash the person was shown and confirmed, which the server checked was still current.
   */
  hash?: string | null;
}

/** Appends an entry; pass the transaction of the change it records so both commit together. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      statement_id: entry.statementId,
      actor_id: entry.actorId,
      action: entry.action,
      detail: JSON.stringify(entry.detail),
      hash: entry.hash ?? null,
      at: Date.now(),
    })
    .execute();
}
