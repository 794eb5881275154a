/**
 * The audit log as CSV (RFC 4180: CRLF line ends, fields quoted when needed, quotes doubled), for members who
 * keep their own records. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
 * start) is prefixed with `'`, so opening the file never executes what a member typed into a reason.
 */
import type { DB } from "../storage/database";

/** Column headings, in order. */
export const AUDIT_CSV_COLUMNS = ["time", "actor", "action", "organization", "clause", "reason", "hash", "details"] as const;

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows to CSV text, heading first, each line ended by CRLF. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows.map((r) => r.map(cell).join(",") + "\r\n").join("");
}

/** The whole audit log of a statement, oldest first, as CSV. */
export async function auditCsv(db: DB, statementId: string): Promise<string> {
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.action", "users.name", "audit_log.detail", "audit_log.hash", "audit_log.at"])
    .where("audit_log.statement_id", "=", statementId)
    .orderBy("audit_log.id", "asc")
    .execute();
  const orgs = new Map((await db.selectFrom("organizations").select(["id", "name"]).execute()).map((o) => [o.id, o.name]));
  const lines: string[][] = [[...AUDIT_CSV_COLUMNS]];
  for (const r of rows) {
    const detail = JSON.parse(r.detail) as Record<string, unknown>;
    const orgId = typeof detail.organizationId === "string" ? detail.organizationId : null;
    const clause = typeof detail.clauseNumber === "number" ? String(detail.clauseNumber) : typeof detail.clauseId === "string" ? detail.clauseId : "";
    lines.push([
      new Date(Number(r.at)).toISOString(),
      r.name ?? "",
      r.action,
      orgId ? (orgs.get(orgId) ?? orgId) : "",
      clause,
      typeof detail.reason === "string" ? detail.reason : "",
      r.hash ?? "",
      r.detail,
    ]);
  }
  return toCsv(lines);
}
