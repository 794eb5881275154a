/**
 * The sign-off matrix (clauses × participating organizations: expected signatories and represented ones) and the state every lock decision is judged on:
 * positions in force, signatures, and what stands in the way of a lock (shared/signoff.ts `lockReadiness`).
 */
import { sql } from "kysely";
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { canLock, canSignFor } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { compactCells, lockReadiness, sortSignatories } from "../../shared/signoff";
import type { Position, PositionHistoryDto, SignoffMatrixWire, SignoffOrganization } from "../../shared/signoff";
import { liveText, phaseOf } from "./decisions";
import type { Db, LiveText } from "./decisions";
import { currentPositions } from "./positions";
import type { PositionRow } from "./positions";
import { currentSignatures } from "./signatures";
import { currentFinalVersion } from "./versions";

/**
 * The participating organizations, in signatory order: the statement's expected signatories (invited to sign,
 * with or without members yet, see ./expected.ts) and every organization a member represents, each with how
 * many members represent it.
 */
export async function participatingOrganizations(db: Db, statementId: string): Promise<SignoffOrganization[]> {
  const [represented, expected] = await Promise.all([
    db
      .selectFrom("members")
      .select(["organization_id as id", (e) => e.fn.countAll<number>().as("n")])
      .where("statement_id", "=", statementId)
      .where("organization_id", "is not", null)
      .groupBy("organization_id")
      .execute(),
    db
      .selectFrom("expected_organizations")
      .select("organization_id as id")
      .where("statement_id", "=", statementId)
      .distinct()
      .execute(),
  ]);
  const counts = new Map(represented.map((r) => [r.id!, Number(r.n)]));
  const ids = [...new Set([...counts.keys(), ...expected.map((r) => r.id)])];
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("organizations")
    .select(["id", "name", "short_name", "stakeholder_group", "sort_key"])
    .where("id", "in", ids)
    .execute();
  return sortSignatories(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      shortName: r.short_name,
      stakeholderGroup: r.stakeholder_group as StakeholderGroup,
      sortKey: r.sort_key,
      representatives: counts.get(r.id) ?? 0,
    })),
  );
}

/** Everything needed to judge sign-off against a given text. */
export async function signoffState(db: Db, statementId: string, text: LiveText) {
  const [organizations, { rows }, signatures] = await Promise.all([
    participatingOrganizations(db, statementId),
    latestPositionRows(db, statementId),
    currentSignatures(db, statementId, text.hash),
  ]);
  const positions = currentPositions(rows, text.clauses);
  const readiness = lockReadiness({
    documentHash: text.hash,
    clauses: text.clauses,
    organizations,
    positions,
    signatures,
  });
  return { organizations, rows, positions, signatures, readiness };
}

/**
 * The newest position row per cell (clause × organization) and the statement's position version (the newest
 * row's id), read in one statement through the `clause_positions_cell` index, without the history.
 */
export async function latestPositionRows(
  db: Db,
  statementId: string,
  opts: { texts: boolean } = { texts: true },
): Promise<{ rows: PositionRow[]; version: number }> {
  const rows = await positionsQuery(db, statementId, opts.texts)
    .where("clause_positions.id", "in", (eb) =>
      eb
        .selectFrom("clause_positions as newest")
        .select((e) => e.fn.max("newest.id").as("id"))
        .where("newest.statement_id", "=", statementId)
        .groupBy(["newest.clause_id", "newest.organization_id"]),
    )
    .orderBy("clause_positions.id", "asc")
    .execute();
  const out = rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
  return { rows: out, version: out.reduce((v, r) => Math.max(v, r.id), 0) };
}

/** Statements whose current positions are kept (least recently used dropped first). */
const POSITIONS_CACHE_STATEMENTS = 256;
const positionsCache = new WeakMap<
  object,
  Map<string, { auditId: number; latest: { rows: PositionRow[]; version: number } }>
>();

/**
 * `latestPositionRows` (without texts) kept per statement until its audit log grows: every write to positions
 * — a position, a merge of organizations — is audited in the same transaction, so the newest audit entry's id
 * names the positions' state (read before the rows, so a row set is never filed under a newer id). Authors'
 * names are read fresh each time (a rename is not audited per statement).
 */
async function cachedLatestPositions(db: Db, statementId: string): Promise<{ rows: PositionRow[]; version: number }> {
  let perDb = positionsCache.get(db);
  if (!perDb) {
    perDb = new Map();
    positionsCache.set(db, perDb);
  }
  const head = await db
    .selectFrom("audit_log")
    .select((e) => e.fn.max("id").as("id"))
    .where("statement_id", "=", statementId)
    .executeTakeFirst();
  const auditId = Number(head?.id ?? 0);
  let entry = perDb.get(statementId);
  if (!entry || entry.auditId !== auditId) {
    entry = { auditId, latest: await latestPositionRows(db, statementId, { texts: false }) };
  }
  perDb.delete(statementId);
  perDb.set(statementId, entry);
  if (perDb.size > POSITIONS_CACHE_STATEMENTS) perDb.delete(perDb.keys().next().value!);
  const userIds = [...new Set(entry.latest.rows.map((r) => r.user_id))];
  const names = new Map<string, string>();
  for (let i = 0; i < userIds.length; i += 500) {
    for (const u of await db
      .selectFrom("users")
      .select(["id", "name"])
      .where("id", "in", userIds.slice(i, i + 500))
      .execute())
      names.set(u.id, u.name);
  }
  return {
    version: entry.latest.version,
    rows: entry.latest.rows.map((r) => ({ ...r, user_name: names.get(r.user_id) ?? null })),
  };
}

/** The clause texts of some position rows, by row id. */
export async function positionTexts(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom("clause_positions")
      .select(["id", "clause_text"])
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(Number(r.id), r.clause_text);
  }
  return out;
}

/** The position version of a statement: the id of its newest position row (0 for none). */
export async function positionVersion(db: Db, statementId: string): Promise<number> {
  const row = await db
    .selectFrom("clause_positions")
    .select((e) => e.fn.max("id").as("id"))
    .where("statement_id", "=", statementId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * `GET /signoffs`: the matrix as the caller sees it, compact (shared/signoff.ts `SignoffMatrixWire`): the text
 * from the text cache (computed once per document state), each clause's text and hash once, the current
 * positions as cells, no history (see `positionHistory`), no word diffs (the client computes the few it
 * shows).
 */
export async function signoffMatrix(services: Services, me: Membership): Promise<SignoffMatrixWire> {
  const db = services.db;
  const text = await liveText(services, me.statementId);
  const [phase, organizations, latest, signatures] = await Promise.all([
    phaseOf(db, me.statementId),
    participatingOrganizations(db, me.statementId),
    cachedLatestPositions(db, me.statementId),
    currentSignatures(db, me.statementId, text.hash),
  ]);
  const byId = new Map(text.clauses.map((c) => [c.clauseId, c]));
  // Only positions given on another text than the clause's current one carry their text (see SignoffCell).
  const isStale = (r: PositionRow) => byId.get(r.clause_id)?.hash !== r.clause_hash;
  const texts = await positionTexts(
    db,
    latest.rows.filter(isStale).map((r) => r.id),
  );
  const positions = latest.rows.map((r) => {
    const clause = byId.get(r.clause_id);
    return {
      id: r.id,
      clauseId: r.clause_id,
      organizationId: r.organization_id,
      position: r.position as Position,
      reason: r.reason,
      clauseHash: r.clause_hash,
      clauseText: clause && clause.hash === r.clause_hash ? clause.markdown : (texts.get(r.id) ?? ""),
      stale: clause === undefined || clause.hash !== r.clause_hash,
      userId: r.user_id,
      userName: r.user_name ?? "(former user)",
      at: r.at,
    };
  });
  const readiness = lockReadiness({
    documentHash: text.hash,
    clauses: text.clauses,
    organizations,
    positions,
    signatures,
  });
  const { users, cells } = compactCells(positions, text.clauses, organizations);
  return {
    statementId: me.statementId,
    phase,
    documentHash: text.hash,
    clauses: text.clauses,
    organizations,
    users,
    cells,
    signatures,
    readiness,
    version: latest.version,
    final: phase === "final" ? await currentFinalVersion(db, me.statementId) : null,
    me: {
      organizationId: me.organizationId,
      canSign: me.organizationId !== null && canSignFor(me, me.organizationId, phase),
      canLock: canLock(me.role) && phase === "drafting",
    },
  };
}

/** The positions of a statement as rows (with the author's name), to be filtered and ordered by the caller. */
export function positionsQuery(db: Db, statementId: string, texts = true) {
  return db
    .selectFrom("clause_positions")
    .leftJoin("users", "users.id", "clause_positions.user_id")
    .select([
      "clause_positions.id",
      "clause_positions.clause_id",
      "clause_positions.organization_id",
      "clause_positions.position",
      "clause_positions.reason",
      "clause_positions.clause_hash",
      // Without the texts (most of the bytes read), the caller fetches the few it needs (`positionTexts`).
      texts ? "clause_positions.clause_text" : sql<string>`''`.as("clause_text"),
      "clause_positions.user_id",
      "users.name as user_name",
      "clause_positions.at",
    ])
    .where("clause_positions.statement_id", "=", statementId);
}

/** `GET /signoffs/history`: the positions ever given on a clause (by one organization, if named), newest first. */
export async function positionHistory(
  db: Db,
  statementId: string,
  clauseId: string,
  organizationId: string | null,
): Promise<PositionHistoryDto[]> {
  let q = db
    .selectFrom("clause_positions")
    .leftJoin("users", "users.id", "clause_positions.user_id")
    .select([
      "clause_positions.id",
      "clause_positions.clause_id",
      "clause_positions.organization_id",
      "clause_positions.position",
      "clause_positions.reason",
      "clause_positions.clause_hash",
      "users.name as user_name",
      "clause_positions.at",
    ])
    .where("clause_positions.statement_id", "=", statementId)
    .where("clause_positions.clause_id", "=", clauseId);
  if (organizationId !== null) q = q.where("clause_positions.organization_id", "=", organizationId);
  const rows = await q.orderBy("clause_positions.id", "desc").limit(HISTORY_LIMIT).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    clauseId: r.clause_id,
    organizationId: r.organization_id,
    position: r.position as Position,
    reason: r.reason,
    clauseHash: r.clause_hash,
    userName: r.user_name ?? "(former user)",
    at: Number(r.at),
  }));
}

/** Most entries one history answer lists (newest first). */
export const HISTORY_LIMIT = 500;
