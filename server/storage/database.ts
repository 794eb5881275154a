/**
 * Opens the database and runs pending migrations: SQLite (WAL) by default, PostgreSQL when a `postgres://`
 * URL is given (`DATABASE_URL`). The Kysely layer keeps one code path; only the update log's hot path (the
 * SQLite fast append) and the compaction lock know which one runs.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import type { Database } from "./schema";
import { migrationProvider } from "./migrations/index";
import { startCheckpointer } from "./checkpointer";

/** The Kysely handle every storage module receives. */
export type DB = Kysely<Database>;

/** Which engine holds the data. */
export type Dialect = "sqlite" | "postgres";

/** An open storage: the Kysely handle for everything, and the raw SQLite handle for the update-log hot path. */
export interface Storage {
  db: DB;
  dialect: Dialect;
  /** The raw SQLite handle (SQLite only). */
  sqlite: SQLite.Database | null;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  /** Stops background work (the WAL checkpointer) and closes the database. */
  close(): Promise<void>;
}

/** Where the data lives: a SQLite directory, or a PostgreSQL URL (then `dataDir` is unused). */
export interface StorageTarget {
  dataDir: string;
  databaseUrl?: string | null;
  /** PostgreSQL only: the schema to work in (tests give each run its own); created when missing. */
  schema?: string;
  /** PostgreSQL only: the pool's size. */
  poolSize?: number;
}

/** Opens `<dataDir>/concord.db`, creating the folder, with WAL and foreign keys on, and migrates it. */
export async function openDatabase(dataDir: string): Promise<DB> {
  return (await openStorage(dataDir)).db;
}

/** Opens the storage a target names (a SQLite data directory by default) and migrates it. */
export async function openStorage(target: string | StorageTarget): Promise<Storage> {
  const t = typeof target === "string" ? { dataDir: target } : target;
  if (t.databaseUrl) return openPostgres(t.databaseUrl, t);
  return openSqlite(t.dataDir);
}

async function openSqlite(dataDir: string): Promise<Storage> {
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
    dialect: "sqlite",
    sqlite,
    async ping() {
      sqlite.prepare("select 1").get();
    },
    async close() {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

/** int8 (bigint, count(*)) and numeric arrive from `pg` as strings; every such value here is a safe integer. */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** A quoted identifier for a schema name given by an operator or a test (letters, digits, underscores). */
function schemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/i.test(name)) throw new Error(`Invalid PostgreSQL schema name: ${name}`);
  return name;
}

async function openPostgres(url: string, t: StorageTarget): Promise<Storage> {
  const schema = t.schema ? schemaName(t.schema) : null;
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: t.poolSize ?? 10,
    types: pgTypes as never,
    // A database that stops answering must not hold an edit forever: the room fails and its clients reconnect.
    connectionTimeoutMillis: 5000,
    query_timeout: 15_000,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // An idle client that loses its server (a restart) emits here; without a listener the process would die.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db);
  return {
    db,
    dialect: "postgres",
    sqlite: null,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
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
