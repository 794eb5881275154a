/**
 * What the History tab asks of the server, role checks included: versions (named ones by drafters and the
 * convener), the clause-aware diff between two texts, "changes since my organization signed" and "since my
 * organization's positions", restoring a version as a new attributed change, and attribution.
 *
 * Rules (shared/roles.ts decides each):
 * - every member reads versions, diffs and the "who wrote this" view;
 * - drafters and the convener (`canEditText`) name versions and restore them, only while drafting;
 * - the per-organization summary is the convener's (`canManageMembers`).
 */
import * as Y from "yjs";
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { badRequest, forbidden, notFound, statementFinal } from "../errors";
import { canEditText, canManageMembers } from "../../shared/roles";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD } from "../../shared/canonical";
import { diffWords } from "../../shared/diff";
import { diffClauses, VersionKindLabel } from "../../shared/history";
import type {
  AttributionDto,
  AttributionSummaryDto,
  DiffSide,
  HistoryVersionDto,
  SincePositionsDto,
  SinceSignatureDto,
  VersionDiffDto,
} from "../../shared/history";
import { latestPositionRows } from "../signoff/matrix";
import { currentText } from "../text-cache";
import { attribute } from "./attribution";
import { latestSignatureVersion, listVersions, openVersion, recordVersion, textOfDoc } from "./versions";
import type { VersionText } from "./versions";

/** A side of a diff: a version id, or the live text. */
export type Side = number | "current";

/** The label a version goes by in a diff. */
function labelOf(v: HistoryVersionDto): string {
  const what = v.name ?? VersionKindLabel[v.kind];
  return `#${v.id} ${what}${v.organizationName ? ` (${v.organizationName})` : ""}`;
}

/** The text of a side. */
async function sideText(services: Services, statementId: string, side: Side): Promise<DiffSide & VersionText> {
  if (side === "current")
    return { versionId: null, label: "Current text", ...(await liveClauses(services, statementId)) };
  const got = await openVersion(services.db, statementId, side, (v, doc) => ({
    versionId: v.id,
    label: labelOf(v),
    ...textOfDoc(doc),
  }));
  if (!got) throw notFound("That version");
  return got;
}

/** The live text, from the text cache (computed once per document state, shared with sign-off). */
async function liveClauses(services: Services, statementId: string): Promise<VersionText> {
  const t = await currentText(services, statementId);
  return {
    markdown: t.markdown,
    hash: t.hash,
    clauses: t.clauses.map((c) => ({ clauseId: c.clauseId, type: c.type, markdown: c.markdown })),
  };
}

/** The clause-aware diff between two sides. */
export async function diffBetween(
  services: Services,
  statementId: string,
  from: Side,
  to: Side,
): Promise<VersionDiffDto> {
  const [a, b] = await Promise.all([sideText(services, statementId, from), sideText(services, statementId, to)]);
  const side = (s: typeof a): DiffSide => ({ versionId: s.versionId, label: s.label, hash: s.hash });
  return { from: side(a), to: side(b), ...diffClauses(a.clauses, b.clauses) };
}

/** "Changes since my organization signed": from its newest signature version to the live text. */
export async function sinceSignature(services: Services, me: Membership): Promise<SinceSignatureDto> {
  if (!me.organizationId) return { organizationId: null, diff: null };
  const signed = await latestSignatureVersion(services.db, me.statementId, me.organizationId);
  return {
    organizationId: me.organizationId,
    diff: signed ? await diffBetween(services, me.statementId, signed.id, "current") : null,
  };
}

/**
 * "Changes since my organization's position on each clause": every current position of my organization whose
 * clause text (recorded with the position, `clause_positions.clause_text`) differs from the live clause.
 */
export async function sincePositions(services: Services, me: Membership): Promise<SincePositionsDto> {
  if (!me.organizationId) return { organizationId: null, changes: [] };
  const [{ rows }, text] = await Promise.all([
    latestPositionRows(services.db, me.statementId),
    liveClauses(services, me.statementId),
  ]);
  const live = new Map(text.clauses.map((c) => [c.clauseId, c.markdown]));
  const order = new Map(text.clauses.map((c, i) => [c.clauseId, i]));
  const changes = rows
    .filter((r) => r.organization_id === me.organizationId && live.get(r.clause_id) !== r.clause_text)
    .map((r) => {
      const after = live.get(r.clause_id) ?? null;
      return {
        clauseId: r.clause_id,
        position: r.position,
        at: r.at,
        userName: r.user_name ?? "(former user)",
        before: r.clause_text,
        after,
        diff: diffWords(r.clause_text, after ?? ""),
      };
    })
    .sort((x, y) => (order.get(x.clauseId) ?? Infinity) - (order.get(y.clauseId) ?? Infinity));
  return { organizationId: me.organizationId, changes };
}

/** Refuses a change to the record by someone who may not edit the text now. */
export function assertMayEdit(me: Membership, what: string): void {
  if (me.phase === "final") throw statementFinal();
  if (!canEditText(me.role, me.phase)) throw forbidden(`Only drafters and the convener can ${what}.`);
}

/** `POST /history`: a named version of the current text. */
export async function nameVersion(services: Services, me: Membership, name: string): Promise<HistoryVersionDto> {
  assertMayEdit(me, "name versions");
  const id = await recordVersion(services, me.statementId, { kind: "named", name, userId: me.userId });
  return (await listVersions(services.db, me.statementId)).find((v) => v.id === id)!;
}

/**
 * `POST /history/:vid/restore`: brings a version's text back as a new change, attributed to the person who
 * restores it (`editAs`), and records a `restore` version. History is never rewritten: the versions in between
 * stay, and the restore is undone by restoring another version.
 *
 * The change keeps every clause that is already as the version has it (same id, same text, in order), rewords
 * a plain clause that only differs in its words (the words that stay keep their authors), and replaces the
 * others, so what did not change keeps its authors and its threads' anchors.
 */
export async function restoreVersion(
  services: Services,
  me: Membership,
  versionId: number,
): Promise<HistoryVersionDto> {
  assertMayEdit(me, "restore versions");
  const target = await openVersion(services.db, me.statementId, versionId, (_v, doc) =>
    doc
      .getXmlFragment(DOCUMENT_FIELD)
      .toArray()
      .filter((n): n is Y.XmlElement => n instanceof Y.XmlElement)
      .map((el): TargetBlock => ({
        el: el.clone(),
        clauseId: el.getAttribute(CLAUSE_ID_ATTR) ?? null,
        key: clauseKey(el),
        shell: shellOf(el),
        plain: plainTextOf(el),
      })),
  );
  if (!target) throw notFound("That version");
  await services.rooms.editAs(me.statementId, { userId: me.userId, organizationId: me.organizationId }, (doc) =>
    reshape(doc.getXmlFragment(DOCUMENT_FIELD), target),
  );
  const id = await recordVersion(services, me.statementId, {
    kind: "restore",
    userId: me.userId,
    organizationId: me.organizationId,
    restoredFrom: versionId,
  });
  return (await listVersions(services.db, me.statementId)).find((v) => v.id === id)!;
}

/** A top-level block of the version to restore. */
interface TargetBlock {
  /** A copy to insert (not part of any document yet: its attributes cannot be read back). */
  el: Y.XmlElement;
  clauseId: string | null;
  key: string;
  shell: string;
  plain: string | null;
}

/**
 * Makes the fragment's blocks those of `target`, changing as little as it can: the longest run of blocks that
 * are already identical and in the same order stays; a plain clause whose id (and kind) is the same in between
 * is reworded in place (`patchWords`); every other block of the version is inserted, every other one removed.
 */
function reshape(fragment: Y.XmlFragment, target: TargetBlock[]): void {
  const nodes = fragment.toArray();
  const firstByKey = new Map<string, number>();
  nodes.forEach((n, j) => {
    if (n instanceof Y.XmlElement && !firstByKey.has(clauseKey(n))) firstByKey.set(clauseKey(n), j);
  });
  // Identical blocks, in the version's order; the longest run also in the document's order stays untouched.
  const exact = target.flatMap((t, i) => {
    const j = firstByKey.get(t.key);
    return j === undefined ? [] : [[i, j] as const];
  });
  const partner = new Map<number, number>(longestRun(exact));
  // Between two blocks that stay, a clause with the same id and kind is reworded rather than replaced.
  const byId = new Map<string, number>();
  nodes.forEach((n, j) => {
    const id = n instanceof Y.XmlElement ? n.getAttribute(CLAUSE_ID_ATTR) : undefined;
    if (typeof id === "string" && !byId.has(id)) byId.set(id, j);
  });
  const used = new Set(partner.values());
  let low = -1;
  target.forEach((t, i) => {
    const kept = partner.get(i);
    if (kept !== undefined) {
      low = kept;
      return;
    }
    let high = nodes.length;
    for (let k = i + 1; k < target.length; k++)
      if (partner.has(k)) {
        high = partner.get(k)!;
        break;
      }
    const j = t.clauseId === null ? undefined : byId.get(t.clauseId);
    const live = j === undefined ? null : nodes[j];
    if (j !== undefined && !used.has(j) && j > low && j < high && live instanceof Y.XmlElement && patchWords(live, t)) {
      partner.set(i, j);
      used.add(j);
      low = j;
    }
  });
  for (let j = nodes.length - 1; j >= 0; j--) if (!used.has(j)) fragment.delete(j, 1);
  let at = 0;
  target.forEach((t, i) => {
    if (!partner.has(i)) fragment.insert(at, [t.el]);
    at++;
  });
}

/** The pairs `[i, j]` (both increasing in the input's order of `i`) of a longest run with `j` increasing too. */
function longestRun(pairs: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const tails: number[] = [];
  const prev: number[] = [];
  pairs.forEach(([, j], k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < j) lo = mid + 1;
      else hi = mid;
    }
    prev[k] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = k;
  });
  const out: Array<readonly [number, number]> = [];
  for (let k = tails.length > 0 ? tails[tails.length - 1] : -1; k !== -1; k = prev[k]) out.push(pairs[k]);
  return out.reverse();
}

/** A block's clause id, type and attributes, without its content. */
function shellOf(el: Y.XmlElement): string {
  return JSON.stringify([el.nodeName, Object.entries(el.getAttributes()).sort()]);
}

/** The text of a block that is one run of unformatted text (most clauses), else null. */
function plainTextOf(el: Y.XmlElement): string | null {
  if (el.length !== 1) return null;
  const text = el.get(0);
  if (!(text instanceof Y.XmlText)) return null;
  const delta = text.toDelta() as Array<{ insert: unknown; attributes?: object }>;
  if (delta.some((op) => typeof op.insert !== "string" || op.attributes)) return null;
  return delta.map((op) => op.insert as string).join("");
}

/**
 * Turns a plain clause into the version's wording word by word, when both are the same kind of block with the
 * same id and attributes: the words that stay keep their authors (only the restored words are the restorer's).
 * False (nothing changed) when the clause is not such a pair.
 */
function patchWords(live: Y.XmlElement, target: { shell: string; plain: string | null }): boolean {
  const now = plainTextOf(live);
  if (target.plain === null || now === null || shellOf(live) !== target.shell) return false;
  const text = live.get(0) as Y.XmlText;
  let index = 0;
  for (const part of diffWords(now, target.plain)) {
    if (part.op === "equal") index += part.text.length;
    else if (part.op === "delete") text.delete(index, part.text.length);
    else {
      text.insert(index, part.text);
      index += part.text.length;
    }
  }
  return true;
}

/** What makes two top-level blocks the same: their clause id, type, attributes and content. */
function clauseKey(el: Y.XmlElement): string {
  return `${String(el.getAttribute(CLAUSE_ID_ATTR))}\u0000${el.toString()}`;
}

/** The "who wrote this" view of the live text or a version. */
export async function attributionOf(services: Services, statementId: string, side: Side): Promise<AttributionDto> {
  const bindings = await services.documents.clients(statementId);
  if (side === "current") {
    const update = await services.rooms.withDocument(statementId, (doc) => Y.encodeStateAsUpdate(doc));
    return { versionId: null, ...(await attributeUpdate(services, update, bindings)).dto };
  }
  const update = await openVersion(services.db, statementId, side, (_v, doc) => Y.encodeStateAsUpdate(doc));
  if (!update) throw notFound("That version");
  return { versionId: side, ...(await attributeUpdate(services, update, bindings)).dto };
}

/** The convener's summary per organization (clauses touched, words written) of the live text. */
export async function attributionSummary(services: Services, me: Membership): Promise<AttributionSummaryDto> {
  if (!canManageMembers(me.role)) throw forbidden("Only the convener sees the summary per organization.");
  const bindings = await services.documents.clients(me.statementId);
  const update = await services.rooms.withDocument(me.statementId, (doc) => Y.encodeStateAsUpdate(doc));
  return { organizations: (await attributeUpdate(services, update, bindings)).shares };
}

async function attributeUpdate(
  services: Services,
  update: Uint8Array,
  bindings: Awaited<ReturnType<Services["documents"]["clients"]>>,
) {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, update);
    return await attribute(services.db, doc, bindings);
  } finally {
    doc.destroy();
  }
}

/** Parses a diff side from a query value. */
export function parseSide(value: string | undefined): Side {
  if (value === "current") return "current";
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw badRequest("Name the versions to compare (a version number or current).");
  return n;
}
