/**
 * Opens the database and runs pending migrations. SQLite (WAL) is the default; the Kysely layer keeps one
 * code path so that another dialect can be chosen here without touching callers.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import type { Database } from "./schema";
import { migrationProvider } from "./migrations/index";
import { startCheckpointer } from "./checkpointer";

/** The Kysely handle every storage module receives. */
export type DB = Kysely<Database>;

/** An open storage: the Kysely handle for everything, and the raw SQLite handle for the update-log hot path. */
export interface Storage {
  db: DB;
  sqlite: SQLite.Database;
  /** Stops background work (the WAL checkpointer) and closes the database. */
  close(): Promise<void>;
}

/** Opens `<dataDir>/concord.db`, creating the folder, with WAL and foreign keys on, and migrates it. */
export async function openDatabase(dataDir: string): Promise<DB> {
  return (await openStorage(dataDir)).db;
}

/** Like openDatabase, keeping the raw SQLite handle too. */
export async function openStorage(dataDir: string): Promise<Storage> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "concord.db");
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL under WAL: a committed transaction is in the WAL (the OS's page cache) before we relay the update,
  // which survives a kill -9 of the process; only an OS crash can lose the last commits, and FULL would pay an
  // fsync per relayed batch for that.
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);
  const checkpointer = startCheckpointer(sqlite, file);
  return {
    db,
    sqlite,
    async close() {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

/** Runs every pending migration; throws (and so stops the start) when one fails. */
export async function migrate(db: DB): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === "Error") throw new Error(`Migration ${r.migrationName} failed`);
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
