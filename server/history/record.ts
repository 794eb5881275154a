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
  if (side === "current") {
    const text = await services.rooms.withDocument(statementId, textOfDoc);
    return { versionId: null, label: "Current text", ...text };
  }
  const got = await openVersion(services.db, statementId, side, (v, doc) => ({
    versionId: v.id,
    label: labelOf(v),
    ...textOfDoc(doc),
  }));
  if (!got) throw notFound("That version");
  return got;
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
    services.rooms.withDocument(me.statementId, textOfDoc),
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
 * The change keeps every clause that is already as the version has it (same id, same text, in order) and
 * replaces the others, so unchanged clauses keep their authors and their threads' anchors.
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
      .map((el) => ({ el: el.clone(), key: clauseKey(el) })),
  );
  if (!target) throw notFound("That version");
  await services.rooms.editAs(me.statementId, { userId: me.userId, organizationId: me.organizationId }, (doc) => {
    const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
    let at = 0;
    for (const t of target) {
      let match = -1;
      for (let k = at; k < fragment.length; k++) {
        const node = fragment.get(k);
        if (node instanceof Y.XmlElement && clauseKey(node) === t.key) {
          match = k;
          break;
        }
      }
      if (match === -1) fragment.insert(at, [t.el]);
      else if (match > at) fragment.delete(at, match - at);
      at++;
    }
    if (fragment.length > at) fragment.delete(at, fragment.length - at);
  });
  const id = await recordVersion(services, me.statementId, {
    kind: "restore",
    userId: me.userId,
    organizationId: me.organizationId,
    restoredFrom: versionId,
  });
  return (await listVersions(services.db, me.statementId)).find((v) => v.id === id)!;
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
