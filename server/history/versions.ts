/**
 * Versions of a statement: recorded at each document signature, the lock, each unlock, after each burst of
 * editing (checkpoints.ts), at a restore, and by name when a drafter or the convener asks.
 *
 * Storage stays bounded: a version stores no text of its own, only the document sequence number it was taken
 * at; the document state is one snapshot per sequence number, shared by every version taken at that state, and
 * snapshots share structure (a chain of differences from a whole snapshot every few versions, see
 * `storeSnapshot`). A snapshot is the garbage-collected document's state (deleted text reduced to its item ids,
 * which attribution still reads). So a version costs the edits since the previous one (and every tenth one a
 * compacted document), never a copy per keystroke.
 */
import { createHash } from "node:crypto";
import * as Y from "yjs";
import type { Services } from "../context";
import type { Db } from "../signoff/decisions";
import { signoffTextWith } from "../../shared/signoff";
import { VersionKinds } from "../../shared/history";
import type { ClauseText, HistoryVersionDetailDto, HistoryVersionDto, VersionKind } from "../../shared/history";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A document's canonical text: what a version shows, diffs and restores. */
export interface VersionText {
  markdown: string;
  hash: string;
  clauses: ClauseText[];
}

/** The canonical text of a Y.Doc (clauses with ids, as sign-off sees them). */
export function textOfDoc(doc: Y.Doc): VersionText {
  const t = signoffTextWith(doc, sha256);
  return {
    markdown: t.markdown,
    hash: t.hash,
    clauses: t.clauses.map((c) => ({ clauseId: c.clauseId, type: c.type, markdown: c.markdown })),
  };
}

/** What a new version records besides the text. */
export interface NewVersion {
  kind: VersionKind;
  userId?: string | null;
  organizationId?: string | null;
  name?: string | null;
  restoredFrom?: number | null;
}

/**
 * Records a version of the statement's current document. The sequence number is read before the document,
 * so a version never claims an edit its snapshot lacks (at worst it holds one more, which the next checkpoint
 * then records again).
 */
export async function recordVersion(services: Services, statementId: string, v: NewVersion): Promise<number> {
  const { db, rooms } = services;
  const seq = await rooms.documentSeq(statementId);
  let chain = await snapshotChain(db, statementId, seq);
  if (!chain) {
    const state = await rooms.withDocument(statementId, (doc) => Y.encodeStateAsUpdate(doc));
    await storeSnapshot(db, statementId, seq, state);
    chain = (await snapshotChain(db, statementId, seq))!;
  }
  // The text of what is stored (the version shows exactly what its hash names).
  const hash = withDoc(chain, (doc) => textOfDoc(doc).hash);
  const row = await db
    .insertInto("history_versions")
    .values({
      statement_id: statementId,
      kind: v.kind,
      name: v.name ?? null,
      doc_seq: seq,
      hash,
      created_by: v.userId ?? null,
      organization_id: v.organizationId ?? null,
      restored_from: v.restoredFrom ?? null,
      created_at: Date.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  services.events.app(statementId, { type: "history.changed", statementId });
  return Number(row.id);
}

/**
 * Records an automatic version for the sign-off flow (signature, lock, unlock) without ever failing it: the
 * decision is committed already, and a missing version is logged rather than turned into a refusal.
 */
export async function recordAutomaticVersion(services: Services, statementId: string, v: NewVersion): Promise<void> {
  try {
    await recordVersion(services, statementId, v);
  } catch (err) {
    services.log(`statement ${statementId}: recording the ${v.kind} version failed`, err);
  }
}

function versionRows(db: Db, statementId: string) {
  return db
    .selectFrom("history_versions as v")
    .leftJoin("users as u", "u.id", "v.created_by")
    .leftJoin("organizations as o", "o.id", "v.organization_id")
    .select([
      "v.id",
      "v.kind",
      "v.name",
      "v.doc_seq",
      "v.hash",
      "v.created_by",
      "v.created_at",
      "v.organization_id",
      "v.restored_from",
      "u.name as user_name",
      "o.name as organization_name",
    ])
    .where("v.statement_id", "=", statementId);
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof versionRows>["execute"]>>[number];

function dtoOf(r: VersionRow): HistoryVersionDto {
  return {
    id: Number(r.id),
    kind: (VersionKinds as readonly string[]).includes(r.kind) ? (r.kind as VersionKind) : "checkpoint",
    name: r.name,
    hash: r.hash,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    createdByName: r.created_by === null ? null : (r.user_name ?? "(former user)"),
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    restoredFrom: r.restored_from === null ? null : Number(r.restored_from),
  };
}

/** Every version of a statement, newest first. */
export async function listVersions(db: Db, statementId: string): Promise<HistoryVersionDto[]> {
  const rows = await versionRows(db, statementId).orderBy("v.id", "desc").execute();
  return rows.map(dtoOf);
}

/** The newest signature version of an organization, or null. */
export async function latestSignatureVersion(
  db: Db,
  statementId: string,
  organizationId: string,
): Promise<HistoryVersionDto | null> {
  const row = await versionRows(db, statementId)
    .where("v.kind", "=", "signature")
    .where("v.organization_id", "=", organizationId)
    .orderBy("v.id", "desc")
    .executeTakeFirst();
  return row ? dtoOf(row) : null;
}

/** A version and its document (built from its snapshot), or null when there is no such version. */
export async function openVersion<T>(
  db: Db,
  statementId: string,
  versionId: number,
  fn: (version: HistoryVersionDto, doc: Y.Doc) => T,
): Promise<T | null> {
  const row = await versionRows(db, statementId).where("v.id", "=", versionId).executeTakeFirst();
  if (!row) return null;
  const chain = await snapshotChain(db, statementId, Number(row.doc_seq));
  if (!chain) throw new Error(`statement ${statementId}: the snapshot of version ${versionId} is missing`);
  return withDoc(chain, (doc) => fn(dtoOf(row), doc));
}

/** A version with its canonical text (opened read-only), or null. */
export async function versionDetail(
  db: Db,
  statementId: string,
  versionId: number,
): Promise<HistoryVersionDetailDto | null> {
  return openVersion(db, statementId, versionId, (version, doc) => {
    const { markdown, clauses } = textOfDoc(doc);
    return { ...version, markdown, clauses };
  });
}

/**
 * Snapshots form chains: every {@link CHAIN_LENGTH}th one is the whole document, the others only the difference
 * from the previous snapshot (`Y.diffUpdate` against its state vector: the structs written since, and the delete
 * set). States only grow with the sequence number, so the previous snapshot plus the difference is the new state.
 */
const CHAIN_LENGTH = 10;

/** Stores the document state at `seq` (once per state: a second version of it shares the first one's). */
async function storeSnapshot(db: Db, statementId: string, seq: number, state: Uint8Array): Promise<void> {
  const previous = await db
    .selectFrom("history_snapshots")
    .select("doc_seq")
    .where("statement_id", "=", statementId)
    .where("doc_seq", "<", seq)
    .orderBy("doc_seq", "desc")
    .executeTakeFirst();
  let data = state;
  let base: number | null = null;
  if (previous) {
    const chain = (await snapshotChain(db, statementId, Number(previous.doc_seq)))!;
    if (chain.length < CHAIN_LENGTH) {
      data = Y.diffUpdate(
        state,
        withDoc(chain, (doc) => Y.encodeStateVector(doc)),
      );
      base = Number(previous.doc_seq);
    }
  }
  await db
    .insertInto("history_snapshots")
    .values({ statement_id: statementId, doc_seq: seq, data, base_seq: base })
    .onConflict((oc) => oc.columns(["statement_id", "doc_seq"]).doNothing())
    .execute();
}

/** The updates that rebuild the state at `seq`, the whole snapshot first; null when none is stored. */
async function snapshotChain(db: Db, statementId: string, seq: number): Promise<Uint8Array[] | null> {
  const chain: Uint8Array[] = [];
  for (let at: number | null = seq; at !== null;) {
    const row = await db
      .selectFrom("history_snapshots")
      .select(["data", "base_seq"])
      .where("statement_id", "=", statementId)
      .where("doc_seq", "=", at)
      .executeTakeFirst();
    if (!row && chain.length === 0) return null;
    if (!row) throw new Error(`statement ${statementId}: snapshot ${at} (a base of ${seq}) is missing`);
    chain.unshift(toU8(row.data));
    at = row.base_seq === null ? null : Number(row.base_seq);
  }
  return chain;
}

/** Runs `fn` on a temporary document built from a snapshot chain. */
export function withDoc<T>(chain: readonly Uint8Array[], fn: (doc: Y.Doc) => T): T {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      for (const u of chain) Y.applyUpdate(doc, u);
    });
    return fn(doc);
  } finally {
    doc.destroy();
  }
}

const toU8 = (b: Uint8Array): Uint8Array =>
  b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
