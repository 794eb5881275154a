/**
 * Column types that differ between the dialects a migration runs on. Every migration runs unchanged on SQLite
 * (the SQL it produced before PostgreSQL existed is kept byte for byte) and on PostgreSQL.
 */
import { PostgresAdapter } from "kysely";
import type { ColumnDefinitionBuilder, Kysely } from "kysely";

/** Whether the migration runs on PostgreSQL. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Binary data: `blob` on SQLite, `bytea` on PostgreSQL. */
export function blob(db: Kysely<unknown>): "blob" | "bytea" {
  return isPostgres(db) ? "bytea" : "blob";
}

/** An auto-incremented integer primary key: SQLite's `integer … autoincrement`, PostgreSQL's `bigserial`. */
export function autoId(
  db: Kysely<unknown>,
): ["integer" | "bigserial", (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return isPostgres(db) ? ["bigserial", (c) => c.primaryKey()] : ["integer", (c) => c.primaryKey().autoIncrement()];
}
