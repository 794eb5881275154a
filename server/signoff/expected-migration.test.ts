/**
 * Migration 015 on a database that already holds statements: each statement's expected signatories start as
 * the organizations its members represent at migration time (each once, however many members represent it),
 * on SQLite and, when one is reachable, on PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import { migrationProvider } from "../storage/migrations";
import { tempDataDir } from "../testing/harness";
import { dropTestSchema, postgresForTests, testSchemaName } from "../storage/test-targets";

const BEFORE = "009_reconfirm_once";

/** Two statements, three organizations: S1 has two members of O1 and one of O2 (and one without any), S2 none. */
async function seed(db: Kysely<unknown>): Promise<void> {
  const now = 1_700_000_000_000;
  await sql`insert into users (id, email, name, password_hash, is_admin, created_at) values
    ('u1', 'u1@example.org', 'U1', 'x', 1, ${now}), ('u2', 'u2@example.org', 'U2', 'x', 0, ${now}),
    ('u3', 'u3@example.org', 'U3', 'x', 0, ${now}), ('u4', 'u4@example.org', 'U4', 'x', 0, ${now})`.execute(db);
  await sql`insert into organizations (id, name, short_name, stakeholder_group, created_by, created_at) values
    ('o1', 'One', 'One', 'academia', 'u1', ${now}), ('o2', 'Two', 'Two', 'academia', 'u1', ${now}),
    ('o3', 'Three', 'Three', 'academia', 'u1', ${now})`.execute(db);
  await sql`insert into statements (id, title, slug, phase, created_by, created_at, updated_at) values
    ('s1', 'S1', 's1', 'drafting', 'u1', ${now}, ${now}), ('s2', 'S2', 's2', 'drafting', 'u1', ${now}, ${now})`.execute(
    db,
  );
  await sql`insert into members (statement_id, user_id, role, organization_id, added_at) values
    ('s1', 'u1', 'convener', null, ${now}), ('s1', 'u2', 'drafter', 'o1', ${now}),
    ('s1', 'u3', 'drafter', 'o1', ${now}), ('s1', 'u4', 'reviewer', 'o2', ${now}),
    ('s2', 'u1', 'convener', null, ${now})`.execute(db);
}

async function check(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const first = await migrator.migrateTo(BEFORE);
  expect(first.error).toBeUndefined();
  await seed(db);
  const rest = await migrator.migrateToLatest();
  expect(rest.error).toBeUndefined();
  const rows = await sql<{
    statement_id: string;
    organization_id: string;
    added_by: string;
  }>`select statement_id, organization_id, added_by from expected_organizations order by statement_id, organization_id`.execute(
    db,
  );
  expect(rows.rows).toEqual([
    { statement_id: "s1", organization_id: "o1", added_by: "u1" },
    { statement_id: "s1", organization_id: "o2", added_by: "u1" },
  ]);
}

describe("migration 015: expected signatories of existing statements", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("on SQLite, start as the organizations represented in each statement", async () => {
    const sqlite = new SQLite(path.join(tempDataDir(), "concord.db"));
    sqlite.pragma("foreign_keys = ON");
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    cleanups.push(() => db.destroy());
    await check(db);
  });

  it("on PostgreSQL, the same (skipped when none is reachable)", async (ctx) => {
    const url = await postgresForTests();
    if (!url) return ctx.skip();
    const schema = testSchemaName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    cleanups.push(async () => {
      await db.destroy();
      await dropTestSchema(url, schema);
    });
    await check(db);
  });
});
