/**
 * The local copy of a statement's document in this browser (y-indexeddb), so that edits typed while the
 * connection is down survive a reload or a browser restart and are merged by the provider once it is back.
 *
 * One IndexedDB database per user AND statement (`concord:<userId>:<statementId>`): a second account on the
 * same browser never sees, nor sends under its own session, another user's unsent edits. The server binds a
 * Yjs client id to the user whose connection introduced it and lets that same user continue it later, so the
 * restored structs of an earlier tab's client id are accepted from the same user, and only from them.
 *
 * Besides the updates, the database keeps one flag, `unsent` (custom store), set while local edits are not
 * confirmed by the server (see delivery.ts): restored edits show as unsent until the server confirms them.
 */
import type * as Y from "yjs";
import * as idb from "lib0/indexeddb";
import { IndexeddbPersistence } from "y-indexeddb";

const PREFIX = "concord:";
const UNSENT_KEY = "unsent";
/** Opening IndexedDB is fast; past this the document opens without a local copy rather than hang. */
const OPEN_TIMEOUT_MS = 3000;

/** The database name of one user's local copy of one statement. */
export function localCopyName(userId: string, statementId: string): string {
  return `${PREFIX}${userId}:${statementId}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);
}

/** A y-indexeddb persistence of one document, plus the `unsent` flag. */
export class LocalCopy {
  private closed = false;

  private constructor(
    readonly name: string,
    readonly persistence: IndexeddbPersistence,
  ) {}

  /**
   * Opens the local copy and applies what it holds to `doc` (resolved once restored). Null when IndexedDB is
   * unavailable (private modes, blocked storage) or too slow: the document then works online only.
   */
  static async open(name: string, doc: Y.Doc): Promise<{ copy: LocalCopy; restoredUnsent: boolean } | null> {
    if (typeof indexedDB === "undefined") return null;
    let persistence: IndexeddbPersistence;
    try {
      persistence = new IndexeddbPersistence(name, doc);
    } catch {
      return null;
    }
    const opened = (persistence as unknown as { _db: Promise<IDBDatabase> })._db;
    opened.catch(() => {});
    try {
      const r = await withTimeout(
        Promise.race([persistence.whenSynced, opened.then(() => new Promise<never>(() => {}))]),
        OPEN_TIMEOUT_MS,
      );
      if (r === "timeout") throw new Error("IndexedDB did not open in time");
    } catch (err) {
      console.warn("The local copy of this statement is not available; edits are kept in this tab only.", err);
      void persistence.destroy().catch(() => {});
      return null;
    }
    const copy = new LocalCopy(name, persistence);
    let restoredUnsent = false;
    try {
      restoredUnsent = (await persistence.get(UNSENT_KEY)) === 1;
    } catch {
      restoredUnsent = false;
    }
    return { copy, restoredUnsent };
  }

  /** Records whether local edits are unconfirmed (best effort, ordered after the updates already written). */
  setUnsent(unsent: boolean): void {
    if (this.closed) return;
    this.persistence.set(UNSENT_KEY, unsent ? 1 : 0).catch(() => {});
  }

  /** Stops persisting (the data stays). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.persistence.destroy().catch(() => {});
  }

  /**
   * Stops persisting and empties the copy (the refused edits must not come back on the next open). Clears
   * the stores instead of deleting the database, which another tab of the same user may hold open.
   */
  async discard(): Promise<void> {
    await this.close();
    await clearStores(this.name);
  }
}

async function clearStores(name: string): Promise<void> {
  try {
    const db = await idb.openDB(name, (d) => idb.createStores(d, [["updates", { autoIncrement: true }], ["custom"]]));
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(["updates", "custom"], "readwrite");
      tx.objectStore("updates").clear();
      tx.objectStore("custom").put(0, UNSENT_KEY);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    db.close();
  } catch (err) {
    console.warn("Could not clear the local copy", err);
  }
}

/**
 * Deletes every local copy of `userId` in this browser (on log-out: the next person on this computer must not
 * find them). Unsent edits in them are lost, which is why log-out is the only place that calls this.
 */
export async function forgetLocalCopies(userId: string): Promise<void> {
  if (typeof indexedDB === "undefined" || typeof indexedDB.databases !== "function") return;
  try {
    const dbs = await indexedDB.databases();
    const mine = dbs.map((d) => d.name ?? "").filter((n) => n.startsWith(`${PREFIX}${userId}:`));
    // A database another tab still holds open is deleted when that tab lets go; do not wait for it.
    await Promise.all(
      mine.map((n) =>
        withTimeout(
          clearStores(n).then(() => idb.deleteDB(n)),
          2000,
        ),
      ),
    );
  } catch (err) {
    console.warn("Could not delete the local copies", err);
  }
}
