/**
 * Comment threads in the database: reading them as DTOs (with their placement in the live document and the
 * caller's unread state) and every change the routes make. Permission checks happen in the routes, through
 * `CommentPolicy` (shared/comments/policy.ts); this module trusts its callers.
 */
import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { Services } from "../context";
import type { Database } from "../storage/schema";
import type { DB } from "../storage/database";
import { newId } from "../ids";
import { recordAudit } from "../audit/log";
import { resolvePlacement } from "../../shared/comments/anchors";
import { sortThreads } from "../../shared/comments/lists";
import type {
  AnchorInput,
  CommentContent,
  CommentDto,
  ThreadDto,
  ThreadPlacement,
  ThreadStatus,
  UnreadCountsDto,
} from "../../shared/comments/schemas";

type Tx = Kysely<Database> | Transaction<Database>;

/** The row fields of a thread that routes need for permission checks. */
export interface ThreadRecord {
  id: string;
  statementId: string;
  clauseId: string;
  status: ThreadStatus;
  authorId: string;
}

/** The row fields of a comment that routes need for permission checks. */
export interface CommentRecord {
  id: string;
  threadId: string;
  statementId: string;
  authorId: string;
  state: CommentContent["kind"];
}

export async function findThread(db: DB, threadId: string): Promise<ThreadRecord | null> {
  const r = await db
    .selectFrom("comment_threads")
    .select(["id", "statement_id", "clause_id", "status", "created_by"])
    .where("id", "=", threadId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    statementId: r.statement_id,
    clauseId: r.clause_id,
    status: asStatus(r.status),
    authorId: r.created_by,
  };
}

export async function findComment(db: DB, commentId: string): Promise<CommentRecord | null> {
  const r = await db
    .selectFrom("comments")
    .select(["id", "thread_id", "statement_id", "author_id", "deleted_at", "hidden_at"])
    .where("id", "=", commentId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    threadId: r.thread_id,
    statementId: r.statement_id,
    authorId: r.author_id,
    state: r.deleted_at !== null ? "deleted" : r.hidden_at !== null ? "hidden" : "visible",
  };
}

function asStatus(s: string): ThreadStatus {
  return s === "resolved" ? "resolved" : "open";
}

/** Only ids of the statement's members count as mentions. */
async function memberMentions(db: Tx, statementId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("members")
    .select("user_id")
    .where("statement_id", "=", statementId)
    .where("user_id", "in", ids)
    .execute();
  const known = new Set(rows.map((r) => r.user_id));
  return ids.filter((id) => known.has(id));
}

/** A time for a new comment, strictly after every earlier comment of the thread (read marks rely on it). */
async function nextCommentTime(db: Tx, threadId: string): Promise<number> {
  const r = await db
    .selectFrom("comments")
    .select((eb) => eb.fn.max("created_at").as("last"))
    .where("thread_id", "=", threadId)
    .executeTakeFirst();
  const last = r?.last === null || r?.last === undefined ? 0 : Number(r.last);
  return Math.max(Date.now(), last + 1);
}

async function markReadThrough(db: Tx, threadId: string, userId: string, at: number): Promise<void> {
  await db
    .insertInto("thread_reads")
    .values({ thread_id: threadId, user_id: userId, read_through: at })
    .onConflict((oc) => oc.columns(["thread_id", "user_id"]).doUpdateSet({ read_through: at }))
    .execute();
}

/** Starts a thread with its first comment; the author has read it. Returns the new thread's id. */
export async function createThread(
  db: DB,
  input: {
    statementId: string;
    clauseId: string;
    anchor: AnchorInput | null;
    body: string;
    mentions: string[];
    authorId: string;
    organizationId: string | null;
  },
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    await trx
      .insertInto("comment_threads")
      .values({
        id,
        statement_id: input.statementId,
        clause_id: input.clauseId,
        anchor_from: input.anchor?.from ?? null,
        anchor_to: input.anchor?.to ?? null,
        quote: input.anchor?.quote ?? null,
        status: "open",
        created_by: input.authorId,
        organization_id: input.organizationId,
        created_at: now,
        updated_at: now,
        resolved_by: null,
        resolved_at: null,
      })
      .execute();
    await insertComment(trx, { ...input, threadId: id, at: now });
  });
  return id;
}

async function insertComment(
  trx: Tx,
  input: {
    threadId: string;
    statementId: string;
    body: string;
    mentions: string[];
    authorId: string;
    organizationId: string | null;
    at: number;
  },
): Promise<string> {
  const id = newId();
  const mentions = await memberMentions(trx, input.statementId, input.mentions);
  await trx
    .insertInto("comments")
    .values({
      id,
      thread_id: input.threadId,
      statement_id: input.statementId,
      author_id: input.authorId,
      organization_id: input.organizationId,
      body: input.body,
      mentions: JSON.stringify(mentions),
      created_at: input.at,
      edited_at: null,
      deleted_at: null,
      hidden_at: null,
      hidden_by: null,
      hidden_reason: null,
    })
    .execute();
  await markReadThrough(trx, input.threadId, input.authorId, input.at);
  return id;
}

/** Adds a reply; the author has read the thread up to it. Returns the comment's id. */
export async function addReply(
  db: DB,
  input: {
    threadId: string;
    statementId: string;
    body: string;
    mentions: string[];
    authorId: string;
    organizationId: string | null;
  },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const at = await nextCommentTime(trx, input.threadId);
    const id = await insertComment(trx, { ...input, at });
    await trx.updateTable("comment_threads").set({ updated_at: at }).where("id", "=", input.threadId).execute();
    return id;
  });
}

/** Replaces the body of a comment (its author's edit). */
export async function editComment(db: DB, comment: CommentRecord, body: string, mentions: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    const known = await memberMentions(trx, comment.statementId, mentions);
    await trx
      .updateTable("comments")
      .set({ body, mentions: JSON.stringify(known), edited_at: now })
      .where("id", "=", comment.id)
      .execute();
    await trx.updateTable("comment_threads").set({ updated_at: now }).where("id", "=", comment.threadId).execute();
  });
}

/** Deletes a comment, leaving a trace: the row stays (replies keep their context), its body is erased. */
export async function deleteComment(db: DB, comment: CommentRecord): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("comments")
      .set({ body: "", mentions: "[]", deleted_at: now })
      .where("id", "=", comment.id)
      .execute();
    await trx.updateTable("comment_threads").set({ updated_at: now }).where("id", "=", comment.threadId).execute();
  });
}

/** Hides a comment (the convener's moderation), audited in the same transaction. */
export async function hideComment(db: DB, comment: CommentRecord, by: string, reason: string | null): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("comments")
      .set({ hidden_at: now, hidden_by: by, hidden_reason: reason })
      .where("id", "=", comment.id)
      .execute();
    await trx.updateTable("comment_threads").set({ updated_at: now }).where("id", "=", comment.threadId).execute();
    await recordAudit(trx, {
      statementId: comment.statementId,
      actorId: by,
      action: "comment.hidden",
      detail: { threadId: comment.threadId, commentId: comment.id, authorId: comment.authorId, reason },
    });
  });
}

/** Resolves or reopens a thread. */
export async function setThreadStatus(db: DB, threadId: string, status: ThreadStatus, by: string): Promise<void> {
  const now = Date.now();
  await db
    .updateTable("comment_threads")
    .set(
      status === "resolved"
        ? { status, resolved_by: by, resolved_at: now, updated_at: now }
        : { status, resolved_by: null, resolved_at: null, updated_at: now },
    )
    .where("id", "=", threadId)
    .execute();
}

/** Marks a thread read for a user, up to its newest comment. */
export async function markThreadRead(db: DB, threadId: string, userId: string): Promise<void> {
  const r = await db
    .selectFrom("comments")
    .select((eb) => eb.fn.max("created_at").as("last"))
    .where("thread_id", "=", threadId)
    .executeTakeFirst();
  await markReadThrough(db, threadId, userId, r?.last === null || r?.last === undefined ? 0 : Number(r.last));
}

/**
 * Per statement the user is a member of, the number of open threads waiting for them: threads with a
 * comment by someone else (not deleted) newer than their read mark. Statements with none are left out.
 */
export async function unreadCounts(db: DB, userId: string): Promise<UnreadCountsDto> {
  const rows = await db
    .selectFrom("comment_threads as t")
    .innerJoin("members as m", (j) => j.onRef("m.statement_id", "=", "t.statement_id").on("m.user_id", "=", userId))
    .leftJoin("thread_reads as r", (j) => j.onRef("r.thread_id", "=", "t.id").on("r.user_id", "=", userId))
    .select((eb) => ["t.statement_id", eb.fn.count<number>("t.id").distinct().as("n")])
    .where("t.status", "=", "open")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("comments as c")
          .select("c.id")
          .whereRef("c.thread_id", "=", "t.id")
          .where("c.author_id", "!=", userId)
          .where("c.deleted_at", "is", null)
          .where((eb2) =>
            eb2.or([eb2("r.read_through", "is", null), eb2("c.created_at", ">", eb2.ref("r.read_through"))]),
          ),
      ),
    )
    .groupBy("t.statement_id")
    .execute();
  const out: UnreadCountsDto = {};
  for (const r of rows) out[r.statement_id] = Number(r.n);
  return out;
}

/** A thread as placement sees it: its clause and anchor. */
type Placeable = { clauseId: string; anchor: AnchorInput | null };

/** Statements whose placements are kept (least recently used dropped first). */
const PLACEMENT_CACHE_STATEMENTS = 256;

/**
 * Placements per statement, for one document state (`RoomRegistry.documentSeq`), by clause and anchor. A listing of
 * an unchanged document places nothing and, when nobody is connected, decodes nothing; after an edit every
 * thread is placed again, once.
 */
const placementCache = new WeakMap<object, Map<string, { seq: number; byAnchor: Map<string, ThreadPlacement> }>>();

const placeKey = (t: Placeable) =>
  t.anchor ? `${t.clauseId}\u0000${t.anchor.from}\u0000${t.anchor.to}\u0000${t.anchor.quote}` : t.clauseId;

/** Where each thread sits in the statement's current document (see `placementCache`). */
export async function placeThreads(
  services: Services,
  statementId: string,
  threads: readonly Placeable[],
): Promise<ThreadPlacement[]> {
  let perServer = placementCache.get(services.rooms);
  if (!perServer) {
    perServer = new Map();
    placementCache.set(services.rooms, perServer);
  }
  const seq = await services.rooms.documentSeq(statementId);
  let entry = perServer.get(statementId);
  if (!entry || entry.seq !== seq) entry = { seq, byAnchor: new Map() };
  perServer.delete(statementId);
  perServer.set(statementId, entry);
  if (perServer.size > PLACEMENT_CACHE_STATEMENTS) perServer.delete(perServer.keys().next().value!);
  const cached = entry.byAnchor;
  const missing = threads.filter((t) => !cached.has(placeKey(t)));
  if (missing.length > 0) {
    // Placed at least at `seq` (withDocument waits for the same commits): never older than the key says.
    const placed = await services.rooms.withDocument(statementId, (doc) =>
      missing.map((t) => resolvePlacement(doc, t)),
    );
    missing.forEach((t, i) => cached.set(placeKey(t), placed[i]));
  }
  return threads.map((t) => cached.get(placeKey(t))!);
}

/** Reads threads (all of a statement's, or some) and their comments, with names and the caller's read marks. */
async function threadRows(db: DB, statementId: string, userId: string, only?: string[]) {
  let q = db
    .selectFrom("comment_threads as t")
    .innerJoin("users as u", "u.id", "t.created_by")
    .leftJoin("users as ru", "ru.id", "t.resolved_by")
    .leftJoin("thread_reads as r", (j) => j.onRef("r.thread_id", "=", "t.id").on("r.user_id", "=", userId))
    .select([
      "t.id",
      "t.clause_id",
      "t.anchor_from",
      "t.anchor_to",
      "t.quote",
      "t.status",
      "t.created_by",
      "t.organization_id",
      "t.created_at",
      "t.updated_at",
      "t.resolved_by",
      "t.resolved_at",
      "u.name as author_name",
      "ru.name as resolver_name",
      "r.read_through",
    ])
    .where("t.statement_id", "=", statementId);
  if (only) q = q.where("t.id", "in", only);
  const threads = await q.orderBy("t.created_at").execute();
  if (threads.length === 0) return { threads, comments: [] };
  const comments = await db
    .selectFrom("comments as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .leftJoin("users as hu", "hu.id", "c.hidden_by")
    .select([
      "c.id",
      "c.thread_id",
      "c.author_id",
      "c.organization_id",
      "c.body",
      "c.mentions",
      "c.created_at",
      "c.edited_at",
      "c.deleted_at",
      "c.hidden_at",
      "c.hidden_by",
      "c.hidden_reason",
      "u.name as author_name",
      "hu.name as hider_name",
    ])
    // All of a statement's comments through its index when every thread is listed (a list of thousands of
    // ids costs more to match than the rows it saves).
    .where((eb) =>
      only
        ? eb(
            "c.thread_id",
            "in",
            threads.map((t) => t.id),
          )
        : eb("c.statement_id", "=", statementId),
    )
    .orderBy("c.created_at")
    .execute();
  return { threads, comments };
}

type ThreadRows = Awaited<ReturnType<typeof threadRows>>;

/** Statements whose thread rows are kept (least recently used dropped first). */
const THREAD_ROWS_CACHE_STATEMENTS = 64;
const threadRowsCache = new WeakMap<object, Map<string, { key: string; rows: ThreadRows }>>();

/**
 * What a statement's threads and comments are now, in one cheap aggregate read: every write to them stamps its
 * thread's `updated_at` (and a resolve or reopen flips `status`, an edit `edited_at` and the body), and a merge
 * of organizations, which rewrites their organization ids, is audited on the statement.
 */
async function threadsFingerprint(db: DB, statementId: string): Promise<string> {
  const [t, c, a] = await Promise.all([
    db
      .selectFrom("comment_threads")
      .select((e) => [
        e.fn.countAll().as("n"),
        e.fn.sum("updated_at").as("u"),
        e.fn.sum(sql<number>`length(status)`).as("s"),
      ])
      .where("statement_id", "=", statementId)
      .executeTakeFirst(),
    db
      .selectFrom("comments")
      .select((e) => [
        e.fn.countAll().as("n"),
        e.fn.sum(sql<number>`coalesce(edited_at, 0) + coalesce(deleted_at, 0) + coalesce(hidden_at, 0)`).as("t"),
        e.fn.sum(sql<number>`length(body)`).as("b"),
      ])
      .where("statement_id", "=", statementId)
      .executeTakeFirst(),
    db
      .selectFrom("audit_log")
      .select((e) => e.fn.max("id").as("id"))
      .where("statement_id", "=", statementId)
      .executeTakeFirst(),
  ]);
  return JSON.stringify([t, c, a]);
}

/**
 * Every thread of a statement and its comments: the rows are kept per statement while its fingerprint holds
 * (a listing of 2,000 threads otherwise spends most of its time reading them); names and the caller's read
 * marks are read fresh each time.
 */
async function allThreadRows(db: DB, statementId: string, userId: string): Promise<ThreadRows> {
  let perDb = threadRowsCache.get(db);
  if (!perDb) {
    perDb = new Map();
    threadRowsCache.set(db, perDb);
  }
  // The fingerprint is read before the rows, so that rows are never filed under a newer state than theirs.
  const key = await threadsFingerprint(db, statementId);
  let entry = perDb.get(statementId);
  if (!entry || entry.key !== key) entry = { key, rows: await threadRows(db, statementId, "") };
  perDb.delete(statementId);
  perDb.set(statementId, entry);
  if (perDb.size > THREAD_ROWS_CACHE_STATEMENTS) perDb.delete(perDb.keys().next().value!);
  const { threads, comments } = entry.rows;
  if (threads.length === 0) return entry.rows;
  const reads = await db
    .selectFrom("thread_reads as r")
    .innerJoin("comment_threads as t", "t.id", "r.thread_id")
    .select(["r.thread_id", "r.read_through"])
    .where("r.user_id", "=", userId)
    .where("t.statement_id", "=", statementId)
    .execute();
  const readThrough = new Map(reads.map((r) => [r.thread_id, r.read_through]));
  const ids = new Set<string>();
  for (const t of threads) {
    ids.add(t.created_by);
    if (t.resolved_by) ids.add(t.resolved_by);
  }
  for (const c of comments) {
    ids.add(c.author_id);
    if (c.hidden_by) ids.add(c.hidden_by);
  }
  const names = new Map<string, string>();
  const all = [...ids];
  for (let i = 0; i < all.length; i += 500) {
    for (const u of await db
      .selectFrom("users")
      .select(["id", "name"])
      .where("id", "in", all.slice(i, i + 500))
      .execute())
      names.set(u.id, u.name);
  }
  return {
    threads: threads.map((t) => ({
      ...t,
      author_name: names.get(t.created_by) ?? t.author_name,
      resolver_name: t.resolved_by ? (names.get(t.resolved_by) ?? null) : null,
      read_through: readThrough.get(t.id) ?? null,
    })),
    comments: comments.map((c) => ({
      ...c,
      author_name: names.get(c.author_id) ?? c.author_name,
      hider_name: c.hidden_by ? (names.get(c.hidden_by) ?? null) : null,
    })),
  };
}

/**
 * The threads of a statement (or some of them) as the caller sees them, with their placement in `doc`
 * (the statement's current document), in document order.
 */
export async function listThreads(
  services: Services,
  statementId: string,
  userId: string,
  only?: string[],
): Promise<ThreadDto[]> {
  const { db } = services;
  if (only && only.length === 0) return [];
  const { threads, comments } = only
    ? await threadRows(db, statementId, userId, only)
    : await allThreadRows(db, statementId, userId);
  if (threads.length === 0) return [];
  const byThread = new Map<string, CommentDto[]>();
  const unread = new Set<string>();
  const mentionsMe = new Set<string>();
  const readThrough = new Map(threads.map((t) => [t.id, t.read_through === null ? null : Number(t.read_through)]));
  for (const c of comments) {
    const mentions = c.deleted_at === null && c.hidden_at === null ? (JSON.parse(c.mentions) as string[]) : [];
    const content: CommentContent =
      c.deleted_at !== null
        ? { kind: "deleted", at: Number(c.deleted_at) }
        : c.hidden_at !== null
          ? {
              kind: "hidden",
              at: Number(c.hidden_at),
              by: { id: c.hidden_by ?? "", name: c.hider_name ?? "Convener" },
              reason: c.hidden_reason,
            }
          : { kind: "visible", body: c.body, mentions };
    const dto: CommentDto = {
      id: c.id,
      threadId: c.thread_id,
      author: { id: c.author_id, name: c.author_name, organizationId: c.organization_id },
      createdAt: Number(c.created_at),
      editedAt: c.edited_at === null ? null : Number(c.edited_at),
      content,
    };
    const list = byThread.get(c.thread_id);
    if (list) list.push(dto);
    else byThread.set(c.thread_id, [dto]);
    const rt = readThrough.get(c.thread_id) ?? null;
    if (c.author_id !== userId && c.deleted_at === null && (rt === null || Number(c.created_at) > rt))
      unread.add(c.thread_id);
    if (mentions.includes(userId)) mentionsMe.add(c.thread_id);
  }

  const placements = await placeThreads(
    services,
    statementId,
    threads.map((t) => ({
      clauseId: t.clause_id,
      anchor: t.anchor_from && t.anchor_to ? { from: t.anchor_from, to: t.anchor_to, quote: t.quote ?? "" } : null,
    })),
  );

  const dtos = threads.map((t, i): ThreadDto => {
    const placement = placements[i];
    return {
      id: t.id,
      statementId,
      clauseId: t.clause_id,
      anchor: t.anchor_from && t.anchor_to ? { from: t.anchor_from, to: t.anchor_to, quote: t.quote ?? "" } : null,
      status: asStatus(t.status),
      author: { id: t.created_by, name: t.author_name, organizationId: t.organization_id },
      createdAt: Number(t.created_at),
      updatedAt: Number(t.updated_at),
      resolved:
        t.status === "resolved" && t.resolved_at !== null
          ? { by: { id: t.resolved_by ?? "", name: t.resolver_name ?? "" }, at: Number(t.resolved_at) }
          : null,
      comments: byThread.get(t.id) ?? [],
      unread: unread.has(t.id),
      mentionsMe: mentionsMe.has(t.id),
      placement,
      clauseExists: placement.kind !== "removed",
      quoteIntact: placement.kind === "range" ? placement.quote !== "removed" : null,
    };
  });
  return sortThreads(dtos);
}
