/**
 * Sign-off and lock, the parts both sides need: request schemas, response shapes, the alphabetical order of
 * signatories, what stands in the way of a lock, and the matrix arithmetic (cell states and totals).
 *
 * Vocabulary:
 * - a **position** is an organization's `approve | object | abstain` on one clause, bound to the clause's hash
 *   (SHA-256 of its canonical Markdown) when given; it is **stale** once the clause's hash differs, until the
 *   organization confirms or changes it;
 * - a **signature** is an organization's signature on the whole text, bound to the document hash; it is
 *   **void** once the text changes (or when an admin unlocks the statement);
 * - the **participating organizations** are the statement's expected signatories (organizations the convener
 *   invited to sign, with or without members yet) together with every organization a member represents;
 * - a **standing objection** is a participating organization's current `object` on a clause that is still in
 *   the text (stale or not: an objection stands until it is changed).
 */
import type * as Y from "yjs";
import type { StakeholderGroup } from "./roles";
import { canonicalText, DOCUMENT_FIELD, sha256Hex } from "./canonical";
import type { DiffPart } from "./diff";
import { diffWords } from "./diff";
import { compareNames, sortOrganizations } from "./collation";
import type { Collatable } from "./collation";
import { Positions, SHOWN_DOCUMENT_INLINE_MAX } from "./signoff-requests";
import type { Position, LockOverride } from "./signoff-requests";

// The request schemas live in signoff-requests.ts (see there why); they are part of this module's interface.
export {
  Positions,
  REASON_MAX,
  hashSchema,
  SHOWN_TEXT_MAX,
  SHOWN_DOCUMENT_INLINE_MAX,
  positionSchema,
  signatureSchema,
  lockOverrideSchema,
  lockSchema,
  unlockSchema,
  withdrawSignatureSchema,
  BULK_APPROVE_MAX,
  bulkApproveSchema,
  expectedAddSchema,
  expectedRemoveSchema,
} from "./signoff-requests";
export type {
  Position,
  PositionRequest,
  SignatureRequest,
  LockOverride,
  LockRequest,
  WithdrawSignatureRequest,
  BulkApproveRequest,
  ExpectedAddRequest,
} from "./signoff-requests";

/** What a matrix cell shows. */
export type CellState = Position | "stale" | "pending";

/** The `documentHash` and (when it is small enough to send) `documentText` of a request, for a shown text. */
export function shownDocument(text: { hash: string; markdown: string }): {
  documentHash: string;
  documentText?: string;
} {
  const small = new TextEncoder().encode(text.markdown).byteLength <= SHOWN_DOCUMENT_INLINE_MAX;
  return small ? { documentHash: text.hash, documentText: text.markdown } : { documentHash: text.hash };
}

/** The override a client sends for the lists it shows (see {@link sameLockLists}). */
export function lockOverrideOf(r: Pick<LockReadiness, "unsigned" | "objections">): LockOverride {
  return {
    unsigned: r.unsigned.map((u) => u.organizationId),
    objections: r.objections.map((o) => ({ clauseId: o.clauseId, organizationId: o.organizationId, reason: o.reason })),
  };
}

/** Whether the lists a convener was shown are the current ones (order does not matter; reasons do). */
export function sameLockLists(shown: LockOverride, current: Pick<LockReadiness, "unsigned" | "objections">): boolean {
  const now = lockOverrideOf(current);
  const same = (a: string[], b: string[]) =>
    a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
  const key = (o: LockOverride["objections"][number]) => JSON.stringify([o.clauseId, o.organizationId, o.reason]);
  return same(shown.unsigned, now.unsigned) && same(shown.objections.map(key), now.objections.map(key));
}

/**
 * `details` of a 409 `text_changed`: the text changed between the moment the person was shown it and their
 * decision. `diff` goes from the shown text to the current one; `currentText` is what to show and confirm next.
 */
export interface TextChangedDetails {
  scope: "clause" | "document";
  /** For a clause. */
  clauseId: string | null;
  shownHash: string;
  /** Null when the clause was removed. */
  currentHash: string | null;
  currentText: string | null;
  /** Null when the request did not carry the shown text (a large document). */
  diff: DiffPart[] | null;
}

/** `details` of a 409 `lock_needs_confirmation` or `lock_list_changed`: what stands in the way now. */
export interface LockRefusedDetails {
  documentHash: string;
  unsigned: UnsignedOrganization[];
  objections: StandingObjection[];
}

/** What a bulk approval did: how many clauses it approved and why it left the others. */
export interface BulkApproveResult {
  approved: number;
  /** The ids of the clauses approved. */
  approvedClauseIds: string[];
  skipped: { objected: number; abstained: number; alreadyApproved: number; changed: number };
}

/**
 * The clauses a bulk approval offers for an organization: every clause on which it has no position, or an
 * approval given on an earlier text (stale). Clauses where it objects or abstains are never included.
 */
export function bulkApprovable(
  m: Pick<SignoffMatrixDto, "clauses" | "positions">,
  organizationId: string,
): SignoffClause[] {
  const index = positionIndex(m.positions);
  return m.clauses.filter((c) => {
    const p = index.get(positionKey(c.clauseId, organizationId));
    return !p || (p.position === "approve" && p.stale);
  });
}

/** An organization expected to sign (or represented by a member), as the convener manages the list. */
export interface ExpectedOrganizationDto extends SignoffOrganization {
  /** On the convener's list of expected signatories. */
  expected: boolean;
  /** Members of the statement who represent it. */
  representatives: number;
}

/** An organization as the sign-off views need it. */
export interface SignoffOrganization {
  id: string;
  name: string;
  shortName: string;
  stakeholderGroup: StakeholderGroup;
  sortKey: string | null;
  /** Members who represent it (0: invited to sign, nobody has joined for it yet). */
  representatives?: number;
}

/** A clause of the live text. */
export interface SignoffClause {
  clauseId: string;
  /** Position in the document, from 0. */
  index: number;
  type: string;
  markdown: string;
  /** SHA-256 hex of `markdown`. */
  hash: string;
}

/** An organization's current position on a clause. */
export interface PositionDto {
  id: number;
  clauseId: string;
  organizationId: string;
  position: Position;
  reason: string | null;
  /** The clause's hash and canonical text when the position was given. */
  clauseHash: string;
  clauseText: string;
  /** The clause's text changed since (or the clause was removed). */
  stale: boolean;
  /** The clause is no longer in the text. */
  removed: boolean;
  /** Word-level changes of the clause since the position was given (only when stale and not removed). */
  diff: DiffPart[] | null;
  userId: string;
  userName: string;
  at: number;
}

/** Why a signature no longer counts. */
export type VoidReason = "text-changed" | "unlocked";

/** An organization's latest signature. */
export interface SignatureDto {
  id: number;
  organizationId: string;
  hash: string;
  /** Null while it holds. */
  voidReason: VoidReason | null;
  /** The text that was signed, for the diff; only sent when the text changed since. */
  signedText: string | null;
  /** The version stored when it was signed. */
  versionId: number;
  userId: string;
  userName: string;
  at: number;
}

/** One entry of the positions' history (newest first). */
export interface PositionHistoryDto {
  id: number;
  clauseId: string;
  organizationId: string;
  position: Position;
  reason: string | null;
  clauseHash: string;
  userName: string;
  at: number;
}

/** A standing objection, as listed before a lock and recorded with the final version. */
export interface StandingObjection {
  clauseId: string;
  /** 1-based clause number at the time, for people. */
  clauseNumber: number;
  organizationId: string;
  organizationName: string;
  reason: string;
  stale: boolean;
}

/** An organization that has not signed the current text. */
export interface UnsignedOrganization {
  organizationId: string;
  organizationName: string;
}

/** A signatory of a final version. */
export interface Signatory {
  organizationId: string;
  name: string;
  shortName: string;
  sortKey: string | null;
  signedBy: string;
  signedAt: number;
}

/** What stands between the current text and a clean lock. */
export interface LockReadiness {
  ready: boolean;
  unsigned: UnsignedOrganization[];
  objections: StandingObjection[];
}

/** A stored version (list entry). */
export interface VersionSummaryDto {
  id: number;
  kind: "final" | "signature";
  hash: string;
  createdAt: number;
  createdBy: string;
  createdByName: string | null;
  /** For a final version that an admin unlocked since. */
  unlockedAt: number | null;
}

/** A final version: the locked text, its hash, who signed and what was overridden. */
export interface FinalVersionDto extends VersionSummaryDto {
  kind: "final";
  markdown: string;
  signatories: Signatory[];
  /** Recorded when the convener locked anyway. */
  unsigned: UnsignedOrganization[];
  objections: StandingObjection[];
  override: boolean;
  unlockedByName: string | null;
  unlockReason: string | null;
}

/** `GET /api/statements/:id/versions/:vid` */
export type VersionDto = FinalVersionDto | (VersionSummaryDto & { kind: "signature"; markdown: string });

/**
 * The sign-off matrix as the views use it: everything the matrix, the gutter chips and the lock dialog need
 * (`expandMatrix` of what `GET /api/statements/:id/signoffs` sends, judged against the text).
 */
export interface SignoffMatrixDto {
  statementId: string;
  phase: "drafting" | "final";
  /** Hash of the current canonical text. */
  documentHash: string;
  clauses: SignoffClause[];
  /** Participating organizations (expected signatories and represented ones), in signatory order. */
  organizations: SignoffOrganization[];
  positions: PositionDto[];
  signatures: SignatureDto[];
  readiness: LockReadiness;
  /** The matrix version (see {@link SignoffMatrixWire.version}). */
  version: number;
  /** The final version while the statement is locked. */
  final: FinalVersionDto | null;
  /** The caller: which organization, if any, they may sign for now. */
  me: { organizationId: string | null; canSign: boolean; canLock: boolean };
}

/** The organizations' alphabetical order, kept importable from here for the callers that know it by this name. */
export { compareOrganizations } from "./collation";

/** Signatories (or any organizations) in alphabetical order (shared/collation.ts); returns a new array. */
export function sortSignatories<T extends Collatable>(list: readonly T[]): T[] {
  return sortOrganizations(list);
}

/** The state a matrix cell shows. */
export function cellState(p: Pick<PositionDto, "position" | "stale"> | undefined): CellState {
  if (!p) return "pending";
  return p.stale ? "stale" : p.position;
}

/** Counts of each cell state. */
export type Totals = Record<CellState, number>;

const emptyTotals = (): Totals => ({ approve: 0, object: 0, abstain: 0, stale: 0, pending: 0 });

/** Per-clause and per-organization totals of the matrix (clauses still in the text only). */
export function matrixTotals(m: Pick<SignoffMatrixDto, "clauses" | "organizations" | "positions">): {
  byClause: Map<string, Totals>;
  byOrganization: Map<string, Totals>;
} {
  const index = positionIndex(m.positions);
  const byClause = new Map<string, Totals>();
  const byOrganization = new Map<string, Totals>();
  for (const o of m.organizations) byOrganization.set(o.id, emptyTotals());
  for (const c of m.clauses) {
    const t = emptyTotals();
    for (const o of m.organizations) {
      const s = cellState(index.get(positionKey(c.clauseId, o.id)));
      t[s]++;
      byOrganization.get(o.id)![s]++;
    }
    byClause.set(c.clauseId, t);
  }
  return { byClause, byOrganization };
}

/** Key of a (clause, organization) cell. */
export function positionKey(clauseId: string, organizationId: string): string {
  return `${clauseId}\u0000${organizationId}`;
}

/** Current positions by cell. */
export function positionIndex<P extends { clauseId: string; organizationId: string }>(
  positions: readonly P[],
): Map<string, P> {
  return new Map(positions.map((p) => [positionKey(p.clauseId, p.organizationId), p]));
}

/**
 * What stands between the text and a clean lock: participating organizations without a holding signature
 * on `documentHash`, and standing objections on clauses still in the text.
 */
export function lockReadiness(input: {
  documentHash: string;
  clauses: ReadonlyArray<Pick<SignoffClause, "clauseId">>;
  organizations: ReadonlyArray<Pick<SignoffOrganization, "id" | "name">>;
  positions: ReadonlyArray<Pick<PositionDto, "clauseId" | "organizationId" | "position" | "reason" | "stale">>;
  signatures: ReadonlyArray<Pick<SignatureDto, "organizationId" | "hash" | "voidReason">>;
}): LockReadiness {
  const orgName = new Map(input.organizations.map((o) => [o.id, o.name]));
  const clauseNumber = new Map(input.clauses.map((c, i) => [c.clauseId, i + 1]));
  const signed = new Set(
    input.signatures.filter((s) => s.voidReason === null && s.hash === input.documentHash).map((s) => s.organizationId),
  );
  const unsigned = input.organizations
    .filter((o) => !signed.has(o.id))
    .map((o) => ({ organizationId: o.id, organizationName: o.name }));
  const objections = input.positions
    .filter((p) => p.position === "object" && clauseNumber.has(p.clauseId) && orgName.has(p.organizationId))
    .map((p) => ({
      clauseId: p.clauseId,
      clauseNumber: clauseNumber.get(p.clauseId)!,
      organizationId: p.organizationId,
      organizationName: orgName.get(p.organizationId)!,
      reason: p.reason ?? "",
      stale: p.stale,
    }))
    .sort((a, b) => a.clauseNumber - b.clauseNumber || compareNames(a.organizationName, b.organizationName));
  return { ready: unsigned.length === 0 && objections.length === 0, unsigned, objections };
}

/**
 * Judges a position against the clause as it is now (undefined when the clause is gone): stale when the
 * clause's hash differs from the one the position was bound to, with the word diff since.
 */
export function judgePosition<P extends Pick<PositionDto, "clauseHash" | "clauseText">>(
  p: P,
  clause: Pick<SignoffClause, "hash" | "markdown"> | undefined,
): P & Pick<PositionDto, "stale" | "removed" | "diff"> {
  const removed = clause === undefined;
  const stale = removed || clause.hash !== p.clauseHash;
  return { ...p, stale, removed, diff: stale && clause ? diffWords(p.clauseText, clause.markdown) : null };
}

/** Why a signature on `hash` no longer holds against `documentHash` (null while it holds). */
export function signatureVoidReason(s: { hash: string; unlocked: boolean }, documentHash: string): VoidReason | null {
  if (s.unlocked) return "unlocked";
  return s.hash !== documentHash ? "text-changed" : null;
}

/**
 * The matrix judged against another reading of the text (the client's own document, which may hold edits the
 * server has not committed yet): stale flags, diffs, void signatures and readiness recomputed.
 */
export function rejudge(m: SignoffMatrixDto, text: { hash: string; clauses: SignoffClause[] }): SignoffMatrixDto {
  const byId = new Map(text.clauses.map((c) => [c.clauseId, c]));
  const positions = m.positions.map((p) => judgePosition(p, byId.get(p.clauseId)));
  const signatures = m.signatures.map((s) => {
    const voidReason = signatureVoidReason({ hash: s.hash, unlocked: s.voidReason === "unlocked" }, text.hash);
    return { ...s, voidReason, signedText: voidReason === "text-changed" ? s.signedText : null };
  });
  const readiness = lockReadiness({
    documentHash: text.hash,
    clauses: text.clauses,
    organizations: m.organizations,
    positions,
    signatures,
  });
  return { ...m, documentHash: text.hash, clauses: text.clauses, positions, signatures, readiness };
}

/**
 * The text as sign-off sees it: the canonical document and its hash, and the clauses that can carry
 * positions. Clauses without an id or without text (an empty paragraph is not part of the canonical text)
 * are left out; a duplicated id keeps its first clause. The server judges with this and the client shows
 * staleness live with the same function.
 */
export function signoffText(doc: Y.Doc): { markdown: string; hash: string; clauses: SignoffClause[] } {
  return signoffTextWith(doc, sha256Hex);
}

/**
 * `signoffText` with another SHA-256 implementation (the server's native one: the same hex, a tenth of the
 * time on a large document).
 */
export function signoffTextWith(
  doc: Y.Doc,
  hashHex: (text: string) => string,
): { markdown: string; hash: string; clauses: SignoffClause[] } {
  const { markdown, clauses: all } = canonicalText(doc.getXmlFragment(DOCUMENT_FIELD));
  const seen = new Set<string>();
  const clauses: SignoffClause[] = [];
  for (const c of all) {
    if (c.clauseId === null || c.markdown.trim() === "" || seen.has(c.clauseId)) continue;
    seen.add(c.clauseId);
    clauses.push({
      clauseId: c.clauseId,
      index: clauses.length,
      type: c.type,
      markdown: c.markdown,
      hash: hashHex(c.markdown),
    });
  }
  return { markdown, hash: hashHex(markdown), clauses };
}

/**
 * One current position on the wire, as a tuple: `[clauseId, organization index, position index (in
 * {@link Positions}), reason, author index (in `users`), at, row id]`, and when the position was given on
 * another text than the clause's current one (stale, or the clause was removed) also `[…, clause hash then,
 * clause text then]`. A fresh cell's hash and text are the clause's own, sent once in `clauses`.
 */
export type SignoffCell =
  | [clauseId: string, org: number, position: number, reason: string | null, user: number, at: number, id: number]
  | [
      clauseId: string,
      org: number,
      position: number,
      reason: string | null,
      user: number,
      at: number,
      id: number,
      clauseHash: string,
      clauseText: string,
    ];

/**
 * `GET /api/statements/:id/signoffs`: the matrix, compact. Each clause's text and hash are sent once; positions
 * are {@link SignoffCell}s (only participating organizations'); the history of a cell is fetched on demand
 * (`GET …/signoffs/history`). Changes arrive as `signoffs.changed` events carrying a {@link SignoffDelta}.
 */
export interface SignoffMatrixWire extends Omit<SignoffMatrixDto, "positions"> {
  /** Authors of the cells' positions. */
  users: Array<{ id: string; name: string }>;
  cells: SignoffCell[];
  /**
   * The id of the newest position row of the statement when the matrix was read (0 for none): a delta applies
   * on top of exactly the version it names as `after`.
   */
  version: number;
}

/** A position as pushed when it changes (the full cell, its author by name). */
export type SignoffDeltaCell = Omit<PositionDto, "clauseText" | "stale" | "removed" | "diff">;

/**
 * The changed cells of one sign-off change: applies to a matrix at version `after` and makes it `version`. A
 * client at another version refetches (once) instead.
 */
export interface SignoffDelta {
  after: number;
  version: number;
  cells: SignoffDeltaCell[];
}

/** `GET /api/statements/:id/signoffs/history?clauseId=…[&organizationId=…]`: one clause's (or cell's) history. */
export interface SignoffHistoryDto {
  history: PositionHistoryDto[];
}

/** The compact cells of current positions (participating organizations only), judged against `clauses`. */
export function compactCells(
  positions: ReadonlyArray<
    Pick<
      PositionDto,
      | "id"
      | "clauseId"
      | "organizationId"
      | "position"
      | "reason"
      | "clauseHash"
      | "clauseText"
      | "userId"
      | "userName"
      | "at"
    >
  >,
  clauses: ReadonlyArray<Pick<SignoffClause, "clauseId" | "hash">>,
  organizations: ReadonlyArray<Pick<SignoffOrganization, "id">>,
): { users: SignoffMatrixWire["users"]; cells: SignoffCell[] } {
  const orgIndex = new Map(organizations.map((o, i) => [o.id, i]));
  const hashOf = new Map(clauses.map((c) => [c.clauseId, c.hash]));
  const users: SignoffMatrixWire["users"] = [];
  const userIndex = new Map<string, number>();
  const cells: SignoffCell[] = [];
  for (const p of positions) {
    const org = orgIndex.get(p.organizationId);
    if (org === undefined) continue;
    let user = userIndex.get(p.userId);
    if (user === undefined) {
      user = users.length;
      users.push({ id: p.userId, name: p.userName });
      userIndex.set(p.userId, user);
    }
    const head = [p.clauseId, org, Positions.indexOf(p.position), p.reason, user, p.at, p.id] as const;
    cells.push(hashOf.get(p.clauseId) === p.clauseHash ? [...head] : [...head, p.clauseHash, p.clauseText]);
  }
  return { users, cells };
}

/**
 * The matrix the views use from what the server sent: positions rebuilt from the cells and judged against
 * the server's clauses (stale flags and diffs as the server would give them).
 */
export function expandMatrix(w: SignoffMatrixWire): SignoffMatrixDto {
  const byId = new Map(w.clauses.map((c) => [c.clauseId, c]));
  const positions = w.cells.map((cell) => {
    const [clauseId, org, position, reason, user, at, id] = cell;
    const clause = byId.get(clauseId);
    const clauseHash = cell.length === 9 ? cell[7] : clause!.hash;
    const clauseText = cell.length === 9 ? cell[8] : clause!.markdown;
    return judgePosition(
      {
        id,
        clauseId,
        organizationId: w.organizations[org].id,
        position: Positions[position],
        reason,
        clauseHash,
        clauseText,
        userId: w.users[user].id,
        userName: w.users[user].name,
        at,
      },
      clause,
    );
  });
  const { users: _users, cells: _cells, ...rest } = w;
  return { ...rest, positions };
}

/**
 * Applies a pushed delta to a matrix at version `delta.after`; null when it cannot (another version, or a
 * cell given on a clause text this matrix does not hold): the caller refetches. `texts` finds a clause's text
 * by hash beyond the matrix's own clauses (the local document's).
 */
export function applySignoffDelta(
  m: SignoffMatrixDto,
  delta: SignoffDelta,
  texts: (hash: string) => string | undefined = () => undefined,
): SignoffMatrixDto | null {
  if (delta.after !== m.version) return null;
  const clauses = new Map(m.clauses.map((c) => [c.clauseId, c]));
  const byHash = new Map(m.clauses.map((c) => [c.hash, c.markdown]));
  const participating = new Set(m.organizations.map((o) => o.id));
  const index = new Map(m.positions.map((p, i) => [positionKey(p.clauseId, p.organizationId), i]));
  const positions = m.positions.slice();
  for (const cell of delta.cells) {
    if (!participating.has(cell.organizationId)) continue;
    const clauseText = byHash.get(cell.clauseHash) ?? texts(cell.clauseHash);
    if (clauseText === undefined) return null;
    const judged = judgePosition({ ...cell, clauseText }, clauses.get(cell.clauseId));
    const at = index.get(positionKey(cell.clauseId, cell.organizationId));
    if (at === undefined) positions.push(judged);
    else positions[at] = judged;
  }
  const readiness = lockReadiness({
    documentHash: m.documentHash,
    clauses: m.clauses,
    organizations: m.organizations,
    positions,
    signatures: m.signatures,
  });
  return { ...m, positions, readiness, version: delta.version };
}
