/**
 * The audit log as CSV (RFC 4180: CRLF line ends, fields quoted when needed, quotes doubled), for members who
 * keep their own records. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
 * start) is prefixed with `'`, so opening the file never executes what a member typed into a reason.
 *
 * Streamed: rows are read a page at a time (keyset on the log's id) as the client takes them, and only the
 * organizations a page names are looked up, so a log of any length is sent in flat memory.
 */
import type { DB } from "../storage/database";

/** Column headings, in order. */
export const AUDIT_CSV_COLUMNS = [
  "time",
  "actor",
  "action",
  "organization",
  "clause",
  "reason",
  "hash",
  "details",
] as const;

/** Rows read per page. */
export const AUDIT_CSV_PAGE = 1000;

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows to CSV text, heading first, each line ended by CRLF. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows.map((r) => r.map(cell).join(",") + "\r\n").join("");
}

/** One page of the log after `afterId`, oldest first. */
async function page(db: DB, statementId: string, afterId: number, size: number) {
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.id", "audit_log.action", "users.name", "audit_log.detail", "audit_log.hash", "audit_log.at"])
    .where("audit_log.statement_id", "=", statementId)
    .where("audit_log.id", ">", afterId)
    .orderBy("audit_log.id", "asc")
    .limit(size)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * The whole audit log of a statement, oldest first, as a stream of CSV text (heading first), read one page
 * at a time as the reader pulls.
 */
export function auditCsvStream(db: DB, statementId: string, pageSize = AUDIT_CSV_PAGE): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const orgs = new Map<string, string>();
  let after = 0;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(toCsv([[...AUDIT_CSV_COLUMNS]])));
          return;
        }
        const rows = await page(db, statementId, after, pageSize);
        if (rows.length === 0) return controller.close();
        after = rows[rows.length - 1].id;
        const details = rows.map((r) => JSON.parse(r.detail) as Record<string, unknown>);
        const missing = [
          ...new Set(
            details.map((d) => d.organizationId).filter((o): o is string => typeof o === "string" && !orgs.has(o)),
          ),
        ];
        if (missing.length > 0) {
          for (const o of await db
            .selectFrom("organizations")
            .select(["id", "name"])
            .where("id", "in", missing)
            .execute())
            orgs.set(o.id, o.name);
        }
        const lines = rows.map((r, i) => {
          const detail = details[i];
          const orgId = typeof detail.organizationId === "string" ? detail.organizationId : null;
          const clause =
            typeof detail.clauseNumber === "number"
              ? String(detail.clauseNumber)
              : typeof detail.clauseId === "string"
                ? detail.clauseId
                : "";
          return [
            new Date(Number(r.at)).toISOString(),
            r.name ?? "",
            r.action,
            orgId ? (orgs.get(orgId) ?? orgId) : "",
            clause,
            typeof detail.reason === "string" ? detail.reason : "",
            r.hash ?? "",
            r.detail,
          ];
        });
        controller.enqueue(encoder.encode(toCsv(lines)));
      },
    },
    { highWaterMark: 0 },
  );
}

/** The whole audit log as one CSV text (for tests and small logs; the route streams). */
export async function auditCsv(db: DB, statementId: string): Promise<string> {
  return new Response(auditCsvStream(db, statementId)).text();
}
