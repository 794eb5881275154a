/**
 * Where storage tests run: SQLite always, PostgreSQL when one is reachable. The PostgreSQL URL is
 * `TEST_DATABASE_URL`, else `DATABASE_URL`, else the local CI server (`postgres://postgres@127.0.0.1:5432/test`);
 * each test gets its own schema (or database), dropped afterwards, so runs never see each other's rows.
 */
import crypto from "node:crypto";
import pg from "pg";

/** The PostgreSQL URL tests use (whether or not it is reachable). */
export const POSTGRES_TEST_URL =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

let reachable: Promise<string | null> | null = null;

/** The test URL when PostgreSQL answers within two seconds, else null (and the reason is printed once). */
export function postgresForTests(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return POSTGRES_TEST_URL;
    } catch (err) {
      console.warn(
        `PostgreSQL tests skipped: ${redact(POSTGRES_TEST_URL)} is not reachable (${(err as Error).message})`,
      );
      return null;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/** A fresh schema name for one test. */
export function testSchemaName(): string {
  return `concord_t_${crypto.randomBytes(6).toString("hex")}`;
}

/** Drops a test schema (and everything in it). */
export async function dropTestSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database on the server at `url` and returns its URL (for tests that make it unavailable). */
export async function createTestDatabase(url: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = testSchemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`alter database "${name}" allow_connections true`).catch(() => {});
        await c.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
          [name],
        );
        await c.query(`drop database if exists "${name}"`);
      } finally {
        await c.end();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
