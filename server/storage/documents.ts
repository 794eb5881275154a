/**
 * The Yjs document store: a snapshot plus an append-only update log per statement.
 *
 * The sync layer appends every accepted update here, in one committed transaction per batch, before it
 * relays the batch to anyone; compaction later folds the log into the snapshot.
 *
 * Several instances may write one statement (PostgreSQL): each stored update gets a **sequence number per
 * statement**, handed out by raising `statements.doc_seq` in the append transaction. That row update takes the
 * statement row's lock, so the numbers are contiguous and committed in order, and it is also where the final
 * phase is enforced: an append to a statement that is no longer `drafting` stores nothing and throws
 * `StatementClosed`, whichever instance took the lock. An instance that misses a fan-out message reads what it
 * lacks back with `since`.
 *
 * Compaction builds the snapshot from what is stored (never from one instance's view of the document), folds
 * exactly the rows it read, and on PostgreSQL runs under an advisory lock per statement, so two instances
 * never compact one statement at once.
 */
import * as Y from "yjs";
import type SQLite from "better-sqlite3";
import { PostgresAdapter, sql } from "kysely";
import type { Transaction } from "kysely";
import type { Database } from "./schema";
import type { DB, Dialect } from "./database";

/** What a document is made of on disk. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** The snapshot's state vector, when stored with it. */
  stateVector: Uint8Array | null;
  updates: Uint8Array[];
  /** The sequence number of the last update in the log (or folded into the snapshot); 0 when empty. */
  lastUpdateId: number;
  /** Bytes on disk (snapshot + log), used for the document size limit. */
  bytes: number;
}

/** One stored update and its sequence number. */
export interface StoredUpdate {
  seq: number;
  data: Uint8Array;
}

/** What was stored after a sequence number: the snapshot too when compaction folded some of it. */
export interface StoredSince {
  snapshot: StoredUpdate | null;
  updates: StoredUpdate[];
}

/** A Yjs client id bound to the user (and the organization they represented) whose connection introduced it. */
export interface ClientBinding {
  clientId: number;
  userId: string;
  organizationId: string | null;
}

/** What one compaction did. */
export interface Compaction {
  /** The last sequence number the snapshot holds. */
  seq: number;
  snapshotBytes: number;
  /** Log rows folded (and deleted). */
  folded: number;
}

/** An append refused because the statement is no longer in drafting (locked, perhaps on another instance). */
export class StatementClosed extends Error {
  constructor(readonly statementId: string) {
    super(`statement ${statementId} is final (or gone): the update was not stored`);
  }
}

/**
 * An append refused because a client id it binds is bound to another user already (by another instance that
 * this one had not heard from): storing the batch would attribute one user's text to another.
 */
export class ClientIdTaken extends Error {
  constructor(
    readonly statementId: string,
    readonly clientId: number,
  ) {
    super(`client id ${clientId} of statement ${statementId} is bound to another user: the update was not stored`);
  }
}

/** Storage for Yjs documents. */
export interface DocumentStore {
  load(statementId: string): Promise<StoredDocument>;
  /**
   * Appends updates in one transaction, with the client bindings they introduce (stored in the same
   * transaction, so that no stored struct is ever without its owner); resolves once committed. Returns the
   * sequence number of the last update (0 when only bindings were stored). Throws `StatementClosed` (storing
   * nothing) when the statement is not in drafting, and `ClientIdTaken` when a binding names an id already
   * bound to someone else.
   */
  append(statementId: string, updates: Uint8Array[], bindings?: readonly ClientBinding[]): Promise<number>;
  /** Every client id bound in a statement's document. */
  clients(statementId: string): Promise<ClientBinding[]>;
  /** The updates stored after sequence number `afterSeq`, in order (with the snapshot if it folded some). */
  since(statementId: string, afterSeq: number): Promise<StoredSince>;
  /** The last sequence number of each statement (0 for one with no updates). */
  heads(statementIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Folds the stored log (up to `upTo`, default all) into the snapshot, built from storage; null when there
   * was nothing to fold or another instance is compacting this statement right now.
   */
  compact(statementId: string, upTo?: number): Promise<Compaction | null>;
}

const toBuffer = (u: Uint8Array): Buffer =>
  Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

const toU8 = (b: Uint8Array): Uint8Array =>
  b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;

/**
 * A DocumentStore over the Kysely database. With the raw SQLite handle, appends and compaction skip the query
 * builder: appends are the hot path of every accepted edit (prepared statements in one synchronous transaction
 * cost a tenth of the built, async ones), and a synchronous compaction cannot interleave with them.
 */
export function createDocumentStore(
  db: DB,
  sqlite?: SQLite.Database | null,
  dialect: Dialect = "sqlite",
): DocumentStore {
  const fast = sqlite ? sqliteFastPath(sqlite) : null;
  const postgres = dialect === "postgres";
  return {
    async load(statementId) {
      // One statement, so that a compaction committing in between cannot hide rows (one consistent read).
      const { rows } = await sql<{ kind: number; seq: number; data: Uint8Array; state_vector: Uint8Array | null }>`
        select 0 as kind, last_seq as seq, data, state_vector from doc_snapshots where statement_id = ${statementId}
        union all
        select 1 as kind, seq, data, null as state_vector from doc_updates
          where statement_id = ${statementId}
            and seq > coalesce((select last_seq from doc_snapshots where statement_id = ${statementId}), 0)
        order by kind, seq`.execute(db);
      const snap = rows.length > 0 && Number(rows[0].kind) === 0 ? rows[0] : null;
      const log = snap ? rows.slice(1) : rows;
      const updates = log.map((r) => toU8(r.data));
      const bytes = (snap?.data.byteLength ?? 0) + updates.reduce((n, u) => n + u.byteLength, 0);
      return {
        snapshot: snap ? toU8(snap.data) : null,
        stateVector: snap?.state_vector ? toU8(snap.state_vector) : null,
        updates,
        lastUpdateId: log.length > 0 ? Number(log[log.length - 1].seq) : snap ? Number(snap.seq) : 0,
        bytes,
      };
    },

    async append(statementId, updates, bindings = []) {
      if (fast) return fast.append(statementId, updates, bindings);
      const now = Date.now();
      if (postgres && bindings.length === 0 && updates.length > 0) {
        // The common case on PostgreSQL in one statement (one round trip, one commit): number the batch under
        // the statement row's lock (only while drafting) and insert it.
        const { rows } = await sql<{ doc_seq: number }>`
          with head as (
            update statements set doc_seq = doc_seq + ${updates.length}, updated_at = ${now}
              where id = ${statementId} and phase = 'drafting' returning doc_seq
          ), stored as (
            insert into doc_updates (statement_id, data, created_at, seq)
              select ${statementId}, u.data, ${now}, head.doc_seq - ${updates.length} + u.ord
              from head, unnest(${updates.map(toBuffer)}::bytea[]) with ordinality as u(data, ord)
              returning seq
          )
          select doc_seq, (select count(*) from stored) as n from head`.execute(db);
        if (rows.length === 0) throw new StatementClosed(statementId);
        return Number(rows[0].doc_seq);
      }
      return db.transaction().execute(async (trx) => {
        if (bindings.length > 0) {
          await trx
            .insertInto("doc_clients")
            .values(bindings.map((b) => bindingRow(statementId, b, now)))
            .onConflict((oc) => oc.columns(["statement_id", "client_id"]).doNothing())
            .execute();
          const owners = await trx
            .selectFrom("doc_clients")
            .select(["client_id", "user_id"])
            .where("statement_id", "=", statementId)
            .where(
              "client_id",
              "in",
              bindings.map((b) => b.clientId),
            )
            .execute();
          const ownerOf = new Map(owners.map((o) => [Number(o.client_id), o.user_id]));
          for (const b of bindings)
            if (ownerOf.get(b.clientId) !== b.userId) throw new ClientIdTaken(statementId, b.clientId);
        }
        if (updates.length === 0) return 0;
        const head = await trx
          .updateTable("statements")
          .set((eb) => ({ doc_seq: eb("doc_seq", "+", updates.length), updated_at: now }))
          .where("id", "=", statementId)
          .where("phase", "=", "drafting")
          .returning("doc_seq")
          .executeTakeFirst();
        if (!head) throw new StatementClosed(statementId);
        const last = Number(head.doc_seq);
        const first = last - updates.length + 1;
        await trx
          .insertInto("doc_updates")
          .values(updates.map((data, i) => ({ statement_id: statementId, data, created_at: now, seq: first + i })))
          .execute();
        return last;
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

    async since(statementId, afterSeq) {
      const { rows } = await sql<{ kind: number; seq: number; data: Uint8Array }>`
        select 0 as kind, last_seq as seq, data from doc_snapshots where statement_id = ${statementId} and last_seq > ${afterSeq}
        union all
        select 1 as kind, seq, data from doc_updates where statement_id = ${statementId} and seq > ${afterSeq}
        order by kind, seq`.execute(db);
      const snap = rows.length > 0 && Number(rows[0].kind) === 0 ? rows[0] : null;
      const log = snap ? rows.slice(1) : rows;
      return {
        snapshot: snap ? { seq: Number(snap.seq), data: toU8(snap.data) } : null,
        updates: log.map((r) => ({ seq: Number(r.seq), data: toU8(r.data) })),
      };
    },

    async heads(statementIds) {
      const heads = new Map<string, number>();
      if (statementIds.length === 0) return heads;
      const rows = await db
        .selectFrom("statements")
        .select(["id", "doc_seq"])
        .where("id", "in", [...statementIds])
        .execute();
      for (const r of rows) heads.set(r.id, Number(r.doc_seq));
      return heads;
    },

    async compact(statementId, upTo = Number.MAX_SAFE_INTEGER) {
      if (fast) return fast.compact(statementId, upTo);
      return db.transaction().execute(async (trx) => {
        if (postgres) {
          // One compactor per statement across every instance; the other one simply skips this round.
          const { rows } = await sql<{
            ok: boolean;
          }>`select pg_try_advisory_xact_lock(hashtext(${"concord.compact:" + statementId})) as ok`.execute(trx);
          if (!rows[0]?.ok) return null;
        }
        const snap = await trx
          .selectFrom("doc_snapshots")
          .select(["data", "last_seq"])
          .where("statement_id", "=", statementId)
          .executeTakeFirst();
        const after = snap ? Number(snap.last_seq) : 0;
        const log = await trx
          .selectFrom("doc_updates")
          .select(["seq", "data"])
          .where("statement_id", "=", statementId)
          .where("seq", ">", after)
          .where("seq", "<=", upTo)
          .orderBy("seq")
          .execute();
        if (log.length === 0) return null;
        const built = fold(
          snap ? toU8(snap.data) : null,
          log.map((r) => toU8(r.data)),
        );
        const seq = Number(log[log.length - 1].seq);
        const now = Date.now();
        const row = {
          data: built.snapshot,
          last_update_id: seq,
          last_seq: seq,
          updated_at: now,
          state_vector: built.stateVector,
        };
        await trx
          .insertInto("doc_snapshots")
          .values({ statement_id: statementId, ...row })
          .onConflict((oc) => oc.column("statement_id").doUpdateSet(row))
          .execute();
        // Exactly the rows read above (the numbers are contiguous and were all committed when read).
        await trx
          .deleteFrom("doc_updates")
          .where("statement_id", "=", statementId)
          .where("seq", ">", after)
          .where("seq", "<=", seq)
          .execute();
        return { seq, snapshotBytes: built.snapshot.byteLength, folded: log.length };
      });
    },
  };
}

/**
 * Inside a transaction: the statement's last update number, with the statement row locked until the
 * transaction ends on PostgreSQL (`for update`), so that no instance can append to it meanwhile (its append
 * waits, then finds the phase the transaction left). SQLite transactions exclude other writers anyway.
 */
export async function lockDocumentHead(trx: Transaction<Database>, statementId: string): Promise<number> {
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  const row = postgres
    ? await sql<{ doc_seq: number }>`select doc_seq from statements where id = ${statementId} for update`.execute(trx)
    : await sql<{ doc_seq: number }>`select doc_seq from statements where id = ${statementId}`.execute(trx);
  return Number(row.rows[0]?.doc_seq ?? 0);
}

/** Builds the snapshot of a stored document (snapshot + log), garbage-collected like a live room's. */
function fold(snapshot: Uint8Array | null, updates: Uint8Array[]): { snapshot: Uint8Array; stateVector: Uint8Array } {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      if (snapshot) Y.applyUpdate(doc, snapshot);
      for (const u of updates) Y.applyUpdate(doc, u);
    });
    return { snapshot: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
  } finally {
    doc.destroy();
  }
}

const bindingRow = (statementId: string, b: ClientBinding, now: number) => ({
  statement_id: statementId,
  client_id: b.clientId,
  user_id: b.userId,
  organization_id: b.organizationId,
  created_at: now,
});

function sqliteFastPath(sqlite: SQLite.Database) {
  const insert = sqlite.prepare("INSERT INTO doc_updates (statement_id, data, created_at, seq) VALUES (?, ?, ?, ?)");
  const bind = sqlite.prepare(
    "INSERT INTO doc_clients (statement_id, client_id, user_id, organization_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  // Raised, then read back in the same transaction: cheaper than `RETURNING`, which SQLite runs through a
  // temporary result table (this is every accepted edit's commit).
  const advance = sqlite.prepare(
    "UPDATE statements SET doc_seq = doc_seq + ?, updated_at = ? WHERE id = ? AND phase = 'drafting'",
  );
  const headOf = sqlite.prepare("SELECT doc_seq FROM statements WHERE id = ?").pluck();
  const ownerOf = sqlite.prepare("SELECT user_id FROM doc_clients WHERE statement_id = ? AND client_id = ?").pluck();
  const append = sqlite.transaction(
    (statementId: string, updates: Uint8Array[], bindings: readonly ClientBinding[]) => {
      const now = Date.now();
      for (const b of bindings) {
        if (
          bind.run(statementId, b.clientId, b.userId, b.organizationId, now).changes === 0 &&
          ownerOf.get(statementId, b.clientId) !== b.userId
        ) {
          throw new ClientIdTaken(statementId, b.clientId);
        }
      }
      if (updates.length === 0) return 0;
      if (advance.run(updates.length, now, statementId).changes === 0) throw new StatementClosed(statementId);
      const last = Number(headOf.get(statementId) as number | bigint);
      let seq = last - updates.length + 1;
      for (const u of updates) insert.run(statementId, u, now, seq++);
      return last;
    },
  );
  const snapshotOf = sqlite.prepare("SELECT data, last_seq FROM doc_snapshots WHERE statement_id = ?");
  const logOf = sqlite.prepare(
    "SELECT seq, data FROM doc_updates WHERE statement_id = ? AND seq > ? AND seq <= ? ORDER BY seq",
  );
  const upsert = sqlite.prepare(
    `INSERT INTO doc_snapshots (statement_id, data, last_update_id, last_seq, updated_at, state_vector) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (statement_id) DO UPDATE SET data = excluded.data, last_update_id = excluded.last_update_id,
       last_seq = excluded.last_seq, updated_at = excluded.updated_at, state_vector = excluded.state_vector`,
  );
  const drop = sqlite.prepare("DELETE FROM doc_updates WHERE statement_id = ? AND seq > ? AND seq <= ?");
  const compact = sqlite.transaction((statementId: string, upTo: number): Compaction | null => {
    const snap = snapshotOf.get(statementId) as { data: Uint8Array; last_seq: number } | undefined;
    const after = snap ? Number(snap.last_seq) : 0;
    const log = logOf.all(statementId, after, upTo) as Array<{ seq: number; data: Uint8Array }>;
    if (log.length === 0) return null;
    const built = fold(
      snap ? toU8(snap.data) : null,
      log.map((r) => toU8(r.data)),
    );
    const seq = Number(log[log.length - 1].seq);
    upsert.run(statementId, built.snapshot, seq, seq, Date.now(), built.stateVector);
    drop.run(statementId, after, seq);
    return { seq, snapshotBytes: built.snapshot.byteLength, folded: log.length };
  });
  return {
    append: (statementId: string, updates: Uint8Array[], bindings: readonly ClientBinding[]) =>
      append(statementId, updates, bindings),
    compact: (statementId: string, upTo: number) => compact(statementId, upTo),
  };
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
