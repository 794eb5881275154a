/**
 * The audit log at length: the CSV streams page by page and says exactly what reading every row at once
 * says; the JSON log pages back through every entry, newest first, each once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { signUp, startTestServer } from "../testing/harness";
import { recordAudit } from "../audit/log";
import { AUDIT_CSV_COLUMNS, auditCsv, toCsv } from "./audit-csv";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const ROWS = 2_345;

async function seeded() {
  const convener = await signUp(server.url, "Convener");
  const statementId: string = (await convener.post("/api/statements", { title: "Long log" })).json.statement.id;
  const orgs: string[] = [];
  for (const name of ["Alpha, Inc.", 'Beta "Quoted"', "=Gamma"]) {
    orgs.push(
      (
        await convener.post("/api/organizations", {
          name: `${name} ${Date.now()}`,
          shortName: "x",
          stakeholderGroup: "academia",
        })
      ).json.organization.id,
    );
  }
  const db = server.services.db;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < ROWS; i++) {
      await recordAudit(trx, {
        statementId,
        actorId: convener.userId,
        action: "position.set",
        detail: {
          clauseId: `c${i % 7}`,
          clauseNumber: (i % 7) + 1,
          organizationId: orgs[i % 3],
          reason: i % 5 === 0 ? `-reason, "${i}"\nline two` : null,
        },
        hash: (i % 16).toString(16).repeat(64),
      });
    }
  });
  return { convener, statementId };
}

/** What the CSV must say: every row read at once, as before streaming. */
async function expectedCsv(statementId: string): Promise<string> {
  const db = server.services.db;
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.action", "users.name", "audit_log.detail", "audit_log.hash", "audit_log.at"])
    .where("audit_log.statement_id", "=", statementId)
    .orderBy("audit_log.id", "asc")
    .execute();
  const orgs = new Map(
    (await db.selectFrom("organizations").select(["id", "name"]).execute()).map((o) => [o.id, o.name]),
  );
  return toCsv([
    [...AUDIT_CSV_COLUMNS],
    ...rows.map((r) => {
      const d = JSON.parse(r.detail) as Record<string, unknown>;
      const org = typeof d.organizationId === "string" ? d.organizationId : null;
      const clause =
        typeof d.clauseNumber === "number" ? String(d.clauseNumber) : typeof d.clauseId === "string" ? d.clauseId : "";
      return [
        new Date(Number(r.at)).toISOString(),
        r.name ?? "",
        r.action,
        org ? (orgs.get(org) ?? org) : "",
        clause,
        typeof d.reason === "string" ? d.reason : "",
        r.hash ?? "",
        r.detail,
      ];
    }),
  ]);
}

describe("audit log at length", () => {
  it("streams the CSV in pages, equal to the rows read at once", async () => {
    const { convener, statementId } = await seeded();
    const res = await fetch(`${server.url}/api/statements/${statementId}/audit.csv`, {
      headers: { cookie: convener.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    // Sent in pieces (no content-length: the length is not known in advance).
    expect(res.headers.get("content-length")).toBeNull();
    const body = await res.text();
    const expected = await expectedCsv(statementId);
    expect(body).toBe(expected);
    expect(body.split("\r\n").length).toBeGreaterThan(ROWS);
    expect(await auditCsv(server.services.db, statementId)).toBe(expected);
  });

  it("pages the JSON log newest first with `before`, every entry once", async () => {
    const { convener, statementId } = await seeded();
    const all = await server.services.db
      .selectFrom("audit_log")
      .select("id")
      .where("statement_id", "=", statementId)
      .orderBy("id", "desc")
      .execute();
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const r = await convener.get(
        `/api/statements/${statementId}/audit?limit=1000${before ? `&before=${before}` : ""}`,
      );
      expect(r.status).toBe(200);
      seen.push(...r.json.entries.map((e: { id: number }) => e.id));
      before = r.json.next;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(Math.ceil(all.length / 1000));
    expect(seen).toEqual(all.map((r) => Number(r.id)));
  });
});
