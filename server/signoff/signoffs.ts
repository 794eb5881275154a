/**
 * Sign-off and lock: clause positions, document signatures, the matrix, the lock that stores a final version,
 * and the admin's unlock. Routes call these after validating the body; every rule about *who* may act comes
 * from shared/roles.ts, every rule about *what stands in the way of a lock* from shared/signoff.ts.
 *
 * Consistency: the text is read from the live document (`rooms.withDocument`, which waits for pending writes
 * to commit), and each change is one transaction that re-checks the phase, so that nothing is signed or
 * positioned after a lock commits. A lock first freezes the loaded room (every connection loses write
 * rights), then reads the text it stores; if the lock does not go through, the room gets its phase back.
 */
import type { Kysely, Transaction } from "kysely";
import type { Services, CurrentUser } from "../context";
import type { Database } from "../storage/schema";
import type { Membership } from "../statements/access";
import { AppError, badRequest, conflict, forbidden, notFound, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { canLock, canSignFor } from "../../shared/roles";
import type { Phase, StakeholderGroup } from "../../shared/roles";
import { judgePosition, lockReadiness, signatureVoidReason, signoffText, sortSignatories } from "../../shared/signoff";
import type {
  FinalVersionDto,
  LockReadiness,
  Position,
  PositionDto,
  PositionHistoryDto,
  PositionRequest,
  SignatureDto,
  Signatory,
  SignoffClause,
  SignoffMatrixDto,
  SignoffOrganization,
  StandingObjection,
  UnsignedOrganization,
  VersionDto,
  VersionSummaryDto,
} from "../../shared/signoff";

type Db = Kysely<Database> | Transaction<Database>;

/** The live text of a statement: canonical Markdown, its hash, and its clauses. */
export interface LiveText {
  markdown: string;
  hash: string;
  clauses: SignoffClause[];
}

/** Reads the live text (see `signoffText` for which clauses can carry positions). */
export async function liveText(services: Services, statementId: string): Promise<LiveText> {
  return services.rooms.withDocument(statementId, signoffText);
}

/** The statement's phase, read inside the transaction that depends on it. */
async function phaseOf(db: Db, statementId: string): Promise<Phase> {
  const row = await db.selectFrom("statements").select("phase").where("id", "=", statementId).executeTakeFirst();
  if (!row) throw notFound("Statement");
  return row.phase === "final" ? "final" : "drafting";
}

/** The participating organizations: those that members represent, in signatory order. */
export async function participatingOrganizations(db: Db, statementId: string): Promise<SignoffOrganization[]> {
  const rows = await db
    .selectFrom("members")
    .innerJoin("organizations", "organizations.id", "members.organization_id")
    .select([
      "organizations.id",
      "organizations.name",
      "organizations.short_name",
      "organizations.stakeholder_group",
      "organizations.sort_key",
    ])
    .where("members.statement_id", "=", statementId)
    .distinct()
    .execute();
  return sortSignatories(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      shortName: r.short_name,
      stakeholderGroup: r.stakeholder_group as StakeholderGroup,
      sortKey: r.sort_key,
    })),
  );
}

interface PositionRow {
  id: number;
  clause_id: string;
  organization_id: string;
  position: string;
  reason: string | null;
  clause_hash: string;
  clause_text: string;
  user_id: string;
  user_name: string | null;
  at: number;
}

async function positionRows(db: Db, statementId: string): Promise<PositionRow[]> {
  const rows = await db
    .selectFrom("clause_positions")
    .leftJoin("users", "users.id", "clause_positions.user_id")
    .select([
      "clause_positions.id",
      "clause_positions.clause_id",
      "clause_positions.organization_id",
      "clause_positions.position",
      "clause_positions.reason",
      "clause_positions.clause_hash",
      "clause_positions.clause_text",
      "clause_positions.user_id",
      "users.name as user_name",
      "clause_positions.at",
    ])
    .where("clause_positions.statement_id", "=", statementId)
    .orderBy("clause_positions.id", "asc")
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
}

/** Current positions (the newest row per clause and organization), judged against the live clauses. */
function currentPositions(rows: PositionRow[], clauses: SignoffClause[]): PositionDto[] {
  const latest = new Map<string, PositionRow>();
  for (const r of rows) latest.set(`${r.clause_id}\u0000${r.organization_id}`, r);
  const byId = new Map(clauses.map((c) => [c.clauseId, c]));
  return [...latest.values()].map((r) =>
    judgePosition(
      {
        id: r.id,
        clauseId: r.clause_id,
        organizationId: r.organization_id,
        position: r.position as Position,
        reason: r.reason,
        clauseHash: r.clause_hash,
        clauseText: r.clause_text,
        userId: r.user_id,
        userName: r.user_name ?? "(former user)",
        at: r.at,
      },
      byId.get(r.clause_id),
    ),
  );
}

/** Latest signature per organization, judged against the current hash. */
async function currentSignatures(db: Db, statementId: string, documentHash: string): Promise<SignatureDto[]> {
  const rows = await db
    .selectFrom("document_signatures")
    .innerJoin("statement_versions", "statement_versions.id", "document_signatures.version_id")
    .leftJoin("users", "users.id", "document_signatures.user_id")
    .select([
      "document_signatures.id",
      "document_signatures.organization_id",
      "document_signatures.hash",
      "document_signatures.version_id",
      "document_signatures.user_id",
      "document_signatures.at",
      "document_signatures.void_reason",
      "statement_versions.markdown",
      "users.name as user_name",
    ])
    .where("document_signatures.statement_id", "=", statementId)
    .orderBy("document_signatures.id", "asc")
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) latest.set(r.organization_id, r);
  return [...latest.values()].map((r) => {
    const voidReason = signatureVoidReason({ hash: r.hash, unlocked: r.void_reason === "unlocked" }, documentHash);
    return {
      id: Number(r.id),
      organizationId: r.organization_id,
      hash: r.hash,
      voidReason,
      signedText: voidReason === "text-changed" ? r.markdown : null,
      versionId: Number(r.version_id),
      userId: r.user_id,
      userName: r.user_name ?? "(former user)",
      at: Number(r.at),
    };
  });
}

/** Everything needed to judge sign-off against a given text. */
async function signoffState(db: Db, statementId: string, text: LiveText) {
  const [organizations, rows, signatures] = await Promise.all([
    participatingOrganizations(db, statementId),
    positionRows(db, statementId),
    currentSignatures(db, statementId, text.hash),
  ]);
  const positions = currentPositions(rows, text.clauses);
  const readiness = lockReadiness({ documentHash: text.hash, clauses: text.clauses, organizations, positions, signatures });
  return { organizations, rows, positions, signatures, readiness };
}

/** `GET /signoffs`: the matrix as the caller sees it. */
export async function signoffMatrix(services: Services, me: Membership): Promise<SignoffMatrixDto> {
  const text = await liveText(services, me.statementId);
  const phase = await phaseOf(services.db, me.statementId);
  const { organizations, rows, positions, signatures, readiness } = await signoffState(services.db, me.statementId, text);
  const history: PositionHistoryDto[] = rows
    .slice()
    .reverse()
    .map((r) => ({
      id: r.id,
      clauseId: r.clause_id,
      organizationId: r.organization_id,
      position: r.position as Position,
      reason: r.reason,
      clauseHash: r.clause_hash,
      userName: r.user_name ?? "(former user)",
      at: r.at,
    }));
  return {
    statementId: me.statementId,
    phase,
    documentHash: text.hash,
    clauses: text.clauses,
    organizations,
    positions,
    signatures,
    history,
    readiness,
    final: phase === "final" ? await currentFinalVersion(services.db, me.statementId) : null,
    me: {
      organizationId: me.organizationId,
      canSign: me.organizationId !== null && canSignFor(me, me.organizationId, phase),
      canLock: canLock(me.role) && phase === "drafting",
    },
  };
}

/** Refuses a signing action: 409 once final, 403 for anyone but a representative of that organization. */
function assertMaySign(me: Membership, organizationId: string): void {
  if (me.phase === "final") throw statementFinal();
  if (!canSignFor(me, organizationId, me.phase)) {
    throw forbidden(
      me.organizationId === organizationId
        ? "Only a convener or drafter who represents this organization can sign for it."
        : "You can only sign for the organization you represent on this statement.",
    );
  }
}

/** `PUT /signoffs`: records an organization's position on a clause, bound to the clause's current hash. */
export async function setPosition(services: Services, me: Membership, body: PositionRequest): Promise<PositionDto> {
  assertMaySign(me, body.organizationId);
  const text = await liveText(services, me.statementId);
  const clause = text.clauses.find((c) => c.clauseId === body.clauseId);
  if (!clause) throw badRequest("That clause is not in the current text.");
  const reason = body.position === "object" ? (body.reason ?? "").trim() : body.reason?.trim() || null;
  const now = Date.now();
  const id = await services.db.transaction().execute(async (trx) => {
    if ((await phaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const previous = await trx
      .selectFrom("clause_positions")
      .select(["position", "clause_hash"])
      .where("statement_id", "=", me.statementId)
      .where("clause_id", "=", body.clauseId)
      .where("organization_id", "=", body.organizationId)
      .orderBy("id", "desc")
      .executeTakeFirst();
    const inserted = await trx
      .insertInto("clause_positions")
      .values({
        statement_id: me.statementId,
        clause_id: clause.clauseId,
        organization_id: body.organizationId,
        position: body.position,
        reason,
        clause_hash: clause.hash,
        clause_text: clause.markdown,
        user_id: me.userId,
        at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "position.set",
      detail: {
        clauseId: clause.clauseId,
        clauseNumber: clause.index + 1,
        organizationId: body.organizationId,
        position: body.position,
        reason,
        previous: previous ? { position: previous.position, clauseHash: previous.clause_hash } : null,
      },
      hash: clause.hash,
    });
    return Number(inserted.id);
  });
  services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  const user = await services.db.selectFrom("users").select("name").where("id", "=", me.userId).executeTakeFirst();
  return {
    id,
    clauseId: clause.clauseId,
    organizationId: body.organizationId,
    position: body.position,
    reason,
    clauseHash: clause.hash,
    clauseText: clause.markdown,
    stale: false,
    removed: false,
    diff: null,
    userId: me.userId,
    userName: user?.name ?? "",
    at: now,
  };
}

/** Finds or stores the automatic version of a text (one per hash and kind `signature`). */
async function signatureVersion(trx: Db, statementId: string, text: LiveText, userId: string, now: number): Promise<number> {
  const existing = await trx
    .selectFrom("statement_versions")
    .select("id")
    .where("statement_id", "=", statementId)
    .where("kind", "=", "signature")
    .where("hash", "=", text.hash)
    .executeTakeFirst();
  if (existing) return Number(existing.id);
  const row = await trx
    .insertInto("statement_versions")
    .values({
      statement_id: statementId,
      kind: "signature",
      markdown: text.markdown,
      hash: text.hash,
      signatories: "[]",
      unsigned: "[]",
      objections: "[]",
      override: 0,
      created_by: userId,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** `POST /signature`: signs the whole current text for an organization (idempotent while it holds). */
export async function sign(services: Services, me: Membership, organizationId: string): Promise<SignatureDto> {
  assertMaySign(me, organizationId);
  const text = await liveText(services, me.statementId);
  if (text.markdown === "") throw badRequest("There is no text to sign yet.");
  const now = Date.now();
  const created = await services.db.transaction().execute(async (trx) => {
    if ((await phaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const current = (await currentSignatures(trx, me.statementId, text.hash)).find((s) => s.organizationId === organizationId);
    if (current && current.voidReason === null) return false;
    const versionId = await signatureVersion(trx, me.statementId, text, me.userId, now);
    await trx
      .insertInto("document_signatures")
      .values({ statement_id: me.statementId, organization_id: organizationId, user_id: me.userId, hash: text.hash, version_id: versionId, at: now })
      .execute();
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "signature.signed",
      detail: { organizationId, versionId, replaces: current ? { hash: current.hash, voidReason: current.voidReason } : null },
      hash: text.hash,
    });
    return true;
  });
  if (created) services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  const signatures = await currentSignatures(services.db, me.statementId, text.hash);
  return signatures.find((s) => s.organizationId === organizationId)!;
}

/** The 409 answer when a lock needs the convener's confirmation. */
export class LockNeedsConfirmation extends AppError {
  constructor(readiness: LockReadiness) {
    super(
      "conflict",
      "Not every organization has signed the current text, or objections stand. Confirm to lock anyway; the list is recorded with the final version.",
      { unsigned: readiness.unsigned, objections: readiness.objections },
    );
  }
}

/** `POST /lock`: stores the final version and makes the statement final, in one transaction. */
export async function lock(services: Services, me: Membership, user: CurrentUser, override: boolean): Promise<FinalVersionDto> {
  if (!canLock(me.role)) throw forbidden("Only a convener can lock the statement.");
  if (me.phase === "final") throw statementFinal();
  const id = me.statementId;
  // Freeze first: from here no connection of a loaded room may write, so the text read next is the one locked.
  services.rooms.setPhase(id, "final");
  let versionId: number;
  let text: LiveText;
  try {
    text = await liveText(services, id);
    const t = text;
    versionId = await services.db.transaction().execute(async (trx) => {
      if ((await phaseOf(trx, id)) === "final") throw statementFinal();
      const { organizations, signatures, readiness } = await signoffState(trx, id, t);
      if (!readiness.ready && !override) throw new LockNeedsConfirmation(readiness);
      const holding = new Map(signatures.filter((s) => s.voidReason === null && s.hash === t.hash).map((s) => [s.organizationId, s]));
      const signatories: Signatory[] = organizations
        .filter((o) => holding.has(o.id))
        .map((o) => ({
          organizationId: o.id,
          name: o.name,
          shortName: o.shortName,
          sortKey: o.sortKey,
          signedBy: holding.get(o.id)!.userName,
          signedAt: holding.get(o.id)!.at,
        }));
      const now = Date.now();
      const overridden = !readiness.ready;
      const row = await trx
        .insertInto("statement_versions")
        .values({
          statement_id: id,
          kind: "final",
          markdown: t.markdown,
          hash: t.hash,
          signatories: JSON.stringify(sortSignatories(signatories)),
          unsigned: JSON.stringify(overridden ? readiness.unsigned : []),
          objections: JSON.stringify(overridden ? readiness.objections : []),
          override: overridden ? 1 : 0,
          created_by: user.id,
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const changed = await trx
        .updateTable("statements")
        .set({ phase: "final", updated_at: now })
        .where("id", "=", id)
        .where("phase", "=", "drafting")
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw statementFinal();
      await recordAudit(trx, {
        statementId: id,
        actorId: user.id,
        action: "statement.locked",
        detail: {
          versionId: Number(row.id),
          signatories: signatories.map((s) => s.name),
          override: overridden,
          unsigned: overridden ? readiness.unsigned.map((u) => u.organizationName) : [],
          objections: overridden ? readiness.objections : [],
        },
        hash: t.hash,
      });
      return Number(row.id);
    });
  } catch (err) {
    // Give the room back the phase that storage holds (another lock may have won meanwhile).
    const phase = await phaseOf(services.db, id).catch(() => "drafting" as const);
    services.rooms.setPhase(id, phase);
    throw err;
  }
  services.rooms.setPhase(id, "final");
  services.events.emit({ kind: "statement.phase", statementId: id });
  services.events.app(id, { type: "locked", statementId: id, hash: text.hash });
  const final = await versionById(services.db, id, versionId);
  return final as FinalVersionDto;
}

/**
 * `POST /unlock`: the instance admin reopens a final statement, with a reason. Every signature is voided (the
 * organizations sign again), the final version stays on record, marked unlocked.
 */
export async function unlock(services: Services, statementId: string, user: CurrentUser, reason: string): Promise<{ voidedSignatures: number }> {
  if (!user.isAdmin) throw forbidden("Only the instance admin can unlock a final statement.");
  const now = Date.now();
  const voided = await services.db.transaction().execute(async (trx) => {
    if ((await phaseOf(trx, statementId)) !== "final") throw conflict("This statement is not locked.");
    const final = await trx
      .selectFrom("statement_versions")
      .select(["id", "hash"])
      .where("statement_id", "=", statementId)
      .where("kind", "=", "final")
      .where("unlocked_at", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirst();
    await trx.updateTable("statements").set({ phase: "drafting", updated_at: now }).where("id", "=", statementId).execute();
    if (final) {
      await trx
        .updateTable("statement_versions")
        .set({ unlocked_at: now, unlocked_by: user.id, unlock_reason: reason })
        .where("id", "=", final.id)
        .execute();
    }
    const res = await trx
      .updateTable("document_signatures")
      .set({ voided_at: now, void_reason: "unlocked" })
      .where("statement_id", "=", statementId)
      .where("voided_at", "is", null)
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    await recordAudit(trx, {
      statementId,
      actorId: user.id,
      action: "statement.unlocked",
      detail: { reason, versionId: final ? Number(final.id) : null, voidedSignatures: n },
      hash: final?.hash ?? null,
    });
    return n;
  });
  services.rooms.setPhase(statementId, "drafting");
  services.events.emit({ kind: "statement.phase", statementId });
  services.events.app(statementId, { type: "unlocked", statementId });
  services.events.app(statementId, { type: "signoffs.changed", statementId });
  return { voidedSignatures: voided };
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof versionRows>["execute"]>>[number];

function versionRows(db: Db, statementId: string) {
  return db
    .selectFrom("statement_versions")
    .leftJoin("users as creator", "creator.id", "statement_versions.created_by")
    .leftJoin("users as unlocker", "unlocker.id", "statement_versions.unlocked_by")
    .select([
      "statement_versions.id",
      "statement_versions.kind",
      "statement_versions.markdown",
      "statement_versions.hash",
      "statement_versions.signatories",
      "statement_versions.unsigned",
      "statement_versions.objections",
      "statement_versions.override",
      "statement_versions.created_by",
      "statement_versions.created_at",
      "statement_versions.unlocked_at",
      "statement_versions.unlock_reason",
      "creator.name as creator_name",
      "unlocker.name as unlocker_name",
    ])
    .where("statement_versions.statement_id", "=", statementId);
}

function summaryOf(r: VersionRow): VersionSummaryDto {
  return {
    id: Number(r.id),
    kind: r.kind === "final" ? "final" : "signature",
    hash: r.hash,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    createdByName: r.creator_name,
    unlockedAt: r.unlocked_at === null ? null : Number(r.unlocked_at),
  };
}

function versionOf(r: VersionRow): VersionDto {
  const summary = summaryOf(r);
  if (summary.kind === "signature") return { ...summary, kind: "signature", markdown: r.markdown };
  return {
    ...summary,
    kind: "final",
    markdown: r.markdown,
    signatories: JSON.parse(r.signatories) as Signatory[],
    unsigned: JSON.parse(r.unsigned) as UnsignedOrganization[],
    objections: JSON.parse(r.objections) as StandingObjection[],
    override: r.override === 1,
    unlockedByName: r.unlocker_name,
    unlockReason: r.unlock_reason,
  };
}

/** Every stored version of a statement, newest first (without texts). */
export async function listVersions(db: Db, statementId: string): Promise<VersionSummaryDto[]> {
  const rows = await versionRows(db, statementId).orderBy("statement_versions.id", "desc").execute();
  return rows.map(summaryOf);
}

/** One stored version with its text, or null. */
export async function versionById(db: Db, statementId: string, versionId: number): Promise<VersionDto | null> {
  const row = await versionRows(db, statementId).where("statement_versions.id", "=", versionId).executeTakeFirst();
  return row ? versionOf(row) : null;
}

/** The final version in force (null unless the statement is locked). */
export async function currentFinalVersion(db: Db, statementId: string): Promise<FinalVersionDto | null> {
  if ((await phaseOf(db, statementId)) !== "final") return null;
  const row = await versionRows(db, statementId)
    .where("statement_versions.kind", "=", "final")
    .where("statement_versions.unlocked_at", "is", null)
    .orderBy("statement_versions.id", "desc")
    .executeTakeFirst();
  return row ? (versionOf(row) as FinalVersionDto) : null;
}
