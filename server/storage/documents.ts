/**
 * The Yjs document store: a snapshot plus an append-only update log per statement.
 *
 * The sync layer appends every accepted update here, in one committed transaction per batch, before it
 * relays the batch to anyone; compaction later folds the log into the snapshot.
 */
import * as Y from "yjs";
import type SQLite from "better-sqlite3";
import type { DB } from "./database";

/** What a document is made of on disk. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** The snapshot's state vector, when stored with it. */
  stateVector: Uint8Array | null;
  updates: Uint8Array[];
  /** The id of the last update in the log (or folded into the snapshot); 0 when empty. */
  lastUpdateId: number;
  /** Bytes on disk (snapshot + log), used for the document size limit. */
  bytes: number;
}

/** A Yjs client id bound to the user (and the organization they represented) whose connection introduced it. */
export interface ClientBinding {
  clientId: number;
  userId: string;
  organizationId: string | null;
}

/** Storage for Yjs documents. */
export interface DocumentStore {
  load(statementId: string): Promise<StoredDocument>;
  /**
   * Appends updates in one transaction, with the client bindings they introduce (stored in the same
   * transaction, so that no stored struct is ever without its owner); resolves once committed. Returns the id
   * of the last update (0 when only bindings were stored).
   */
  append(statementId: string, updates: Uint8Array[], bindings?: readonly ClientBinding[]): Promise<number>;
  /** Every client id bound in a statement's document. */
  clients(statementId: string): Promise<ClientBinding[]>;
  /** Replaces the log up to `lastUpdateId` with `snapshot` (and its state vector), in one transaction. */
  compact(statementId: string, snapshot: Uint8Array, lastUpdateId: number, stateVector?: Uint8Array): Promise<void>;
}

const toU8 = (b: Uint8Array): Uint8Array =>
  b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;

/**
 * A DocumentStore over the Kysely database. With the raw SQLite handle, appends skip the query builder:
 * they are the hot path of every accepted edit, and prepared statements in one synchronous transaction cost
 * a tenth of the built, async ones.
 */
export function createDocumentStore(db: DB, sqlite?: SQLite.Database): DocumentStore {
  const fastAppend = sqlite ? sqliteAppender(sqlite) : null;
  return {
    async load(statementId) {
      const snap = await db
        .selectFrom("doc_snapshots")
        .select(["data", "last_update_id", "state_vector"])
        .where("statement_id", "=", statementId)
        .executeTakeFirst();
      const after = snap ? Number(snap.last_update_id) : 0;
      const rows = await db
        .selectFrom("doc_updates")
        .select(["id", "data"])
        .where("statement_id", "=", statementId)
        .where("id", ">", after)
        .orderBy("id")
        .execute();
      const updates = rows.map((r) => toU8(r.data));
      const bytes = (snap?.data.byteLength ?? 0) + updates.reduce((n, u) => n + u.byteLength, 0);
      return {
        snapshot: snap ? toU8(snap.data) : null,
        stateVector: snap?.state_vector ? toU8(snap.state_vector) : null,
        updates,
        lastUpdateId: rows.length > 0 ? Number(rows[rows.length - 1].id) : after,
        bytes,
      };
    },

    async append(statementId, updates, bindings = []) {
      if (fastAppend) return fastAppend(statementId, updates, bindings);
      const now = Date.now();
      return db.transaction().execute(async (trx) => {
        if (bindings.length > 0) {
          await trx
            .insertInto("doc_clients")
            .values(bindings.map((b) => bindingRow(statementId, b, now)))
            .onConflict((oc) => oc.columns(["statement_id", "client_id"]).doNothing())
            .execute();
        }
        if (updates.length === 0) return 0;
        const rows = await trx
          .insertInto("doc_updates")
          .values(updates.map((data) => ({ statement_id: statementId, data, created_at: now })))
          .returning("id")
          .execute();
        await trx.updateTable("statements").set({ updated_at: now }).where("id", "=", statementId).execute();
        return Number(rows[rows.length - 1].id);
      });
    },

    async clients(statementId) {
      const rows = await db
        .selectFrom("doc_clients")
        .select(["client_id", "user_id", "organization_id"])
        .where("statement_id", "=", statementId)
        .execute();
      return rows.map((r) => ({ clientId: Number(r.client_id), userId: r.user_id, organizationId: r.organization_id }));
    },

    async compact(statementId, snapshot, lastUpdateId, stateVector) {
      const now = Date.now();
      const sv = stateVector ?? null;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("doc_snapshots")
          .values({ statement_id: statementId, data: snapshot, last_update_id: lastUpdateId, updated_at: now, state_vector: sv })
          .onConflict((oc) =>
            oc.column("statement_id").doUpdateSet({ data: snapshot, last_update_id: lastUpdateId, updated_at: now, state_vector: sv }),
          )
          .execute();
        await trx
          .deleteFrom("doc_updates")
          .where("statement_id", "=", statementId)
          .where("id", "<=", lastUpdateId)
          .execute();
      });
    },
  };
}

const bindingRow = (statementId: string, b: ClientBinding, now: number) => ({
  statement_id: statementId,
  client_id: b.clientId,
  user_id: b.userId,
  organization_id: b.organizationId,
  created_at: now,
});

function sqliteAppender(
  sqlite: SQLite.Database,
): (statementId: string, updates: Uint8Array[], bindings: readonly ClientBinding[]) => number {
  const insert = sqlite.prepare("INSERT INTO doc_updates (statement_id, data, created_at) VALUES (?, ?, ?)");
  const bind = sqlite.prepare(
    "INSERT INTO doc_clients (statement_id, client_id, user_id, organization_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const touch = sqlite.prepare("UPDATE statements SET updated_at = ? WHERE id = ?");
  // "Last edited" needs no more than second precision: touch a statement at most once a second.
  const touched = new Map<string, number>();
  const run = sqlite.transaction((statementId: string, updates: Uint8Array[], bindings: readonly ClientBinding[]) => {
    const now = Date.now();
    for (const b of bindings) bind.run(statementId, b.clientId, b.userId, b.organizationId, now);
    let last = 0;
    for (const u of updates) last = Number(insert.run(statementId, u, now).lastInsertRowid);
    if (updates.length > 0 && now - (touched.get(statementId) ?? 0) >= 1000) {
      touch.run(now, statementId);
      touched.set(statementId, now);
      if (touched.size > 10_000) touched.clear();
    }
    return last;
  });
  return (statementId, updates, bindings) => run(statementId, updates, bindings);
}

/** Builds a Y.Doc from what is stored. */
export function docFromStored(stored: StoredDocument): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  Y.transact(doc, () => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return doc;
}
