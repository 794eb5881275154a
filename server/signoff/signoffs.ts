/**
 * Sign-off: clause positions, document signatures, the matrix and the stored versions (the lock and the admin's
 * unlock are in lock.ts). Routes call these after validating the body; every rule about *who* may act comes
 * from shared/roles.ts, every rule about *what stands in the way of a lock* from shared/signoff.ts.
 *
 * Sign what you saw: every decision carries the hash of the text the person was shown (and that text, which
 * the request schema checks against the hash). The decision is recorded only if that is still the current
 * text, and bound to that hash; otherwise it is refused with 409 `text_changed` and the diff from what was
 * shown, so the person looks again and confirms the new hash.
 *
 * Consistency: the text is read from the live document (`rooms.withDocument`, which waits for pending writes
 * to commit), and each change is one transaction that re-checks the phase, so that nothing is signed or
 * positioned after a lock commits.
 */
import type { Kysely, Transaction } from "kysely";
import type { Services } from "../context";
import type { Database } from "../storage/schema";
import type { Membership } from "../statements/access";
import { AppError, badRequest, forbidden, notFound, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { canLock, canSignFor } from "../../shared/roles";
import { diffWords } from "../../shared/diff";
import type { Phase, StakeholderGroup } from "../../shared/roles";
import { judgePosition, lockReadiness, signatureVoidReason, signoffText, sortSignatories } from "../../shared/signoff";
import type {
  FinalVersionDto,
  Position,
  PositionDto,
  PositionHistoryDto,
  PositionRequest,
  SignatureDto,
  SignatureRequest,
  Signatory,
  SignoffClause,
  SignoffMatrixDto,
  SignoffOrganization,
  StandingObjection,
  TextChangedDetails,
  UnsignedOrganization,
  VersionDto,
  VersionSummaryDto,
} from "../../shared/signoff";

/** A database handle or an open transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

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

/** What a person was shown before deciding: a clause or the whole text, and the hash of it they confirm. */
export interface ShownText {
  scope: "clause" | "document";
  clauseId: string | null;
  shownHash: string;
  /** Null when the request carried the hash alone (a large document): the refusal then has no diff. */
  shownText: string | null;
}

/**
 * The 409 `text_changed` refusal: the text the person was shown is not the current one (`current` is null when
 * the clause was removed). Carries the current hash and text, and the word diff from what was shown.
 */
export function textChanged(shown: ShownText, current: { hash: string; markdown: string } | null): AppError {
  const details: TextChangedDetails = {
    scope: shown.scope,
    clauseId: shown.clauseId,
    shownHash: shown.shownHash,
    currentHash: current?.hash ?? null,
    currentText: current?.markdown ?? null,
    diff: shown.shownText === null ? null : diffWords(shown.shownText, current?.markdown ?? ""),
  };
  const what = shown.scope === "clause" ? "clause" : "text";
  const message = current
    ? `The ${what} changed while you were reading it. Look at the changes, then confirm again.`
    : "The clause was removed from the text while you were reading it.";
  return new AppError("text_changed", message, details);
}

/** The statement's phase, read inside the transaction that depends on it. */
export async function phaseOf(db: Db, statementId: string): Promise<Phase> {
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
export async function signoffState(db: Db, statementId: string, text: LiveText) {
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

/**
 * `PUT /signoffs`: records an organization's position on a clause, bound to the clause's hash — only if the
 * clause the person was shown (`clauseHash`, whose text the schema checked) is still the current one; else
 * 409 `text_changed` with the diff, and nothing is recorded. (An edit landing after this check makes the new
 * position stale at once, which the matrix shows: the record still names exactly the words that were read.)
 */
export async function setPosition(services: Services, me: Membership, body: PositionRequest): Promise<PositionDto> {
  assertMaySign(me, body.organizationId);
  const text = await liveText(services, me.statementId);
  const clause = text.clauses.find((c) => c.clauseId === body.clauseId);
  if (!clause || clause.hash !== body.clauseHash) {
    throw textChanged({ scope: "clause", clauseId: body.clauseId, shownHash: body.clauseHash, shownText: body.clauseText }, clause ?? null);
  }
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

/**
 * `POST /signature`: signs the whole text for an organization (idempotent while it holds) — only if the text
 * the signer was shown (`documentHash`) is still the current one; else 409 `text_changed` with the diff.
 */
export async function sign(services: Services, me: Membership, body: SignatureRequest): Promise<SignatureDto> {
  const { organizationId } = body;
  assertMaySign(me, organizationId);
  const text = await liveText(services, me.statementId);
  if (text.hash !== body.documentHash) {
    throw textChanged({ scope: "document", clauseId: null, shownHash: body.documentHash, shownText: body.documentText ?? null }, text);
  }
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
