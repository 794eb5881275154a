/**
 * Comment threads, shared by the server (which enforces) and the client (which shows and asks):
 * request schemas and limits, response shapes, the permission rules, mention syntax and body tokenizing,
 * and the anchoring helpers that run on a Y.Doc.
 *
 * Permission rules (routes and UI both call {@link CommentPolicy}; the role predicates come from roles.ts):
 * - conveners, drafters and reviewers start threads and reply (`canComment`); observers only read;
 * - a comment can be edited and deleted by its author only, and only while the author may still comment;
 *   a deleted comment leaves a "deleted" trace (its body is erased) so that replies keep their context;
 * - the convener may hide any comment (`canModerateComments`); it stays as a visible "hidden by convener"
 *   trace, its body is no longer shown to anyone, and the hide is audited;
 * - resolve and reopen: any drafter or convener (`canResolveAnyThread`), or the thread's author;
 * - a resolved thread takes no replies (reopen it first), so that reopening stays with the people above;
 * - comments continue after the statement is final (roles.ts).
 *
 * Anchoring: a thread belongs to a clause (its `clauseId`) and optionally to a range inside it, stored as two
 * Yjs relative positions plus the quoted text at creation. `from` sticks to the first quoted character
 * (assoc 0) and `to` to the last one (assoc -1), so text typed just outside the range stays outside, text
 * typed inside it grows it, and concurrent edits elsewhere never move it off its words.
 */
import * as Y from "yjs";
import { fromBase64, toBase64 } from "lib0/buffer";
import { z } from "zod";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD } from "./canonical";
import type { Role } from "./roles";
import { canComment, canModerateComments, canResolveAnyThread } from "./roles";

// ---------------------------------------------------------------------------------------------------------
// Limits and request schemas

/** Limits of comment requests. */
export const CommentLimits = {
  /** Characters in one comment body. */
  bodyMax: 10_000,
  /** Characters of quoted text kept with an anchor. */
  quoteMax: 2_000,
  /** Characters of a base64-encoded relative position. */
  positionMax: 200,
  /** Characters of a hide reason. */
  reasonMax: 500,
  /** Bytes of any request body on the comment routes (anything bigger is a 413 before parsing). */
  requestBytesMax: 64 * 1024,
} as const;

export const ThreadStatuses = ["open", "resolved"] as const;
export type ThreadStatus = (typeof ThreadStatuses)[number];

/** A comment body: trimmed, not empty, at most {@link CommentLimits.bodyMax} characters. */
export const commentBodySchema = z
  .string({ message: "The comment must be text." })
  .trim()
  .min(1, "Write something first.")
  .max(CommentLimits.bodyMax, `A comment can have at most ${CommentLimits.bodyMax.toLocaleString("en")} characters.`);

const positionSchema = z
  .string()
  .min(1)
  .max(CommentLimits.positionMax)
  .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s), "must be base64");

/** A range inside a clause: base64 of `Y.encodeRelativePosition` for both ends, plus the quoted text. */
export const anchorSchema = z.object({
  from: positionSchema,
  to: positionSchema,
  quote: z.string().min(1, "The quoted text is empty.").max(CommentLimits.quoteMax),
});
export type AnchorInput = z.infer<typeof anchorSchema>;

/** `POST /api/statements/:id/threads` */
export const threadCreateSchema = z.object({
  clauseId: z.string().min(1).max(100),
  body: commentBodySchema,
  anchor: anchorSchema.optional(),
});
export type ThreadCreateInput = z.infer<typeof threadCreateSchema>;

/** `POST /api/threads/:id/comments` and `PATCH /api/comments/:id` */
export const commentWriteSchema = z.object({ body: commentBodySchema });

/** `PATCH /api/threads/:id` */
export const threadPatchSchema = z.object({ status: z.enum(ThreadStatuses) });

/** `POST /api/comments/:id/hide` */
export const commentHideSchema = z.object({
  reason: z.string().trim().max(CommentLimits.reasonMax).optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Response shapes

/** Who wrote something, with the organization they represented at that moment. */
export interface CommentAuthorDto {
  id: string;
  name: string;
  organizationId: string | null;
}

/** What a comment shows: its text, or the trace left when it was deleted or hidden. */
export type CommentContent =
  | { kind: "visible"; body: string; mentions: string[] }
  | { kind: "deleted"; at: number }
  | { kind: "hidden"; at: number; by: { id: string; name: string }; reason: string | null };

export interface CommentDto {
  id: string;
  threadId: string;
  author: CommentAuthorDto;
  createdAt: number;
  /** When its author last changed it (null if never). */
  editedAt: number | null;
  content: CommentContent;
}

/**
 * Where a thread sits in the current document:
 * - `clause`: on a clause that exists, with no range;
 * - `range`: on a clause that exists, with a range; `quote` says whether the quoted words are still there
 *   unchanged (`intact`), there but edited (`edited`), or all gone (`removed`: shown struck through);
 * - `removed`: its clause was deleted; the thread is listed under "On removed text".
 */
export type ThreadPlacement =
  | { kind: "clause"; clauseIndex: number }
  | { kind: "range"; clauseIndex: number; start: number; end: number; text: string; quote: "intact" | "edited" | "removed" }
  | { kind: "removed" };

export interface ThreadDto {
  id: string;
  statementId: string;
  clauseId: string;
  anchor: AnchorInput | null;
  status: ThreadStatus;
  author: CommentAuthorDto;
  createdAt: number;
  /** Time of the last comment, edit, resolution or reopening. */
  updatedAt: number;
  resolved: { by: { id: string; name: string }; at: number } | null;
  comments: CommentDto[];
  /** Someone else wrote in this thread since I last opened it. */
  unread: boolean;
  /** A visible comment in this thread mentions me. */
  mentionsMe: boolean;
  /** Where the thread sits in the document as the server holds it now. */
  placement: ThreadPlacement;
  /** Shorthands of {@link placement} for simple callers. */
  clauseExists: boolean;
  quoteIntact: boolean | null;
}

/** `GET /api/statements/:id/threads` */
export interface ThreadListDto {
  threads: ThreadDto[];
}

/** `GET /api/me/unread`: statement id → number of open threads with replies I have not read. */
export type UnreadCountsDto = Record<string, number>;

// ---------------------------------------------------------------------------------------------------------
// Permissions

/** The permission rules listed at the top of this file, as pure predicates. */
export const CommentPolicy = {
  canCreateThread(role: Role): boolean {
    return canComment(role);
  },
  canReply(role: Role, thread: { status: ThreadStatus }): boolean {
    return canComment(role) && thread.status === "open";
  },
  canEdit(role: Role, userId: string, comment: { authorId: string; state: CommentContent["kind"] }): boolean {
    return canComment(role) && comment.authorId === userId && comment.state === "visible";
  },
  canDelete(role: Role, userId: string, comment: { authorId: string; state: CommentContent["kind"] }): boolean {
    return canComment(role) && comment.authorId === userId && comment.state !== "deleted";
  },
  canHide(role: Role, comment: { state: CommentContent["kind"] }): boolean {
    return canModerateComments(role) && comment.state === "visible";
  },
  canResolve(role: Role, userId: string, thread: { authorId: string }): boolean {
    return canResolveAnyThread(role) || (canComment(role) && thread.authorId === userId);
  },
} as const;

// ---------------------------------------------------------------------------------------------------------
// Mentions and body tokens

/**
 * A mention is written into the body as `@[Display Name](user:USER_ID)`: plain text that reads fine even
 * unrendered. Only ids of members of the statement count as mentions (the server checks).
 */
const MENTION_RE = /@\[([^\]\n]{1,120})\]\(user:([A-Za-z0-9_-]{1,64})\)/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;

/** The mention token for a member. */
export function mentionToken(name: string, userId: string): string {
  return `@[${name.replace(/[\]\n]/g, " ").trim()}](user:${userId})`;
}

/** The distinct user ids mentioned in a body, in order of first mention. */
export function parseMentions(body: string): string[] {
  const ids: string[] = [];
  for (const m of body.matchAll(MENTION_RE)) if (!ids.includes(m[2])) ids.push(m[2]);
  return ids;
}

/** A piece of a comment body as the client renders it: never HTML, only text, links and mention chips. */
export type BodyToken =
  | { kind: "text"; text: string }
  | { kind: "link"; href: string; text: string }
  | { kind: "mention"; userId: string; name: string };

function linkTokens(text: string): BodyToken[] {
  const out: BodyToken[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    const href = m[0].replace(/[.,;:!?)\]]+$/, "");
    const start = m.index ?? 0;
    if (start > last) out.push({ kind: "text", text: text.slice(last, start) });
    out.push({ kind: "link", href, text: href });
    last = start + href.length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/**
 * Splits a body into text, http(s) links and mentions. `members` (id → current name) turns mentions of
 * members into chips with their current name; a token naming anyone else stays plain text.
 */
export function tokenizeCommentBody(body: string, members?: ReadonlyMap<string, string>): BodyToken[] {
  const out: BodyToken[] = [];
  let last = 0;
  for (const m of body.matchAll(MENTION_RE)) {
    const start = m.index ?? 0;
    const known = members ? members.get(m[2]) : m[1];
    if (known === undefined) continue;
    if (start > last) out.push(...linkTokens(body.slice(last, start)));
    out.push({ kind: "mention", userId: m[2], name: known });
    last = start + m[0].length;
  }
  if (last < body.length) out.push(...linkTokens(body.slice(last)));
  return out;
}

/**
 * For mention autocomplete: when the caret sits right after `@word` (at the start or after whitespace),
 * the typed query and where the `@` is; otherwise null.
 */
export function mentionQueryAt(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { query: m[2], start: caret - m[2].length - 1 };
}

// ---------------------------------------------------------------------------------------------------------
// Anchors on a Y.Doc

/** Base64 of an encoded relative position. */
export function encodePosition(pos: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(pos));
}

/** Decodes a base64 relative position; null when the bytes are not one. */
export function decodePosition(encoded: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(fromBase64(encoded));
  } catch {
    return null;
  }
}

/** The top-level element carrying `clauseId`, with its index, or null. */
export function findClause(doc: Y.Doc, clauseId: string): { element: Y.XmlElement; index: number } | null {
  const nodes = doc.getXmlFragment(DOCUMENT_FIELD).toArray();
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n instanceof Y.XmlElement && n.getAttribute(CLAUSE_ID_ATTR) === clauseId) return { element: n, index: i };
  }
  return null;
}

/** The position of every clause id in document order (for sorting threads). */
export function clauseOrder(doc: Y.Doc): Map<string, number> {
  const order = new Map<string, number>();
  doc
    .getXmlFragment(DOCUMENT_FIELD)
    .toArray()
    .forEach((n, i) => {
      const id = n instanceof Y.XmlElement ? n.getAttribute(CLAUSE_ID_ATTR) : undefined;
      if (typeof id === "string" && !order.has(id)) order.set(id, i);
    });
  return order;
}

/**
 * A clause's text as one string, with a way to map Yjs positions inside the clause onto it: every text
 * node contributes its characters (an embed one placeholder), a hard break `\n`, and a `\n` separates
 * nested blocks (list items, paragraphs in a quote).
 */
export interface ClauseText {
  text: string;
  /** Offset in {@link text} of `index` inside `type`, or null when `type` is not (live) inside the clause. */
  offsetOf(type: Y.AbstractType<any>, index: number): number | null;
  /** The text node and index at an offset (for making positions). */
  locate(offset: number): { node: Y.XmlText; index: number } | null;
}

/** Builds the {@link ClauseText} of a clause element. */
export function clauseText(clause: Y.XmlElement): ClauseText {
  let text = "";
  const starts = new Map<Y.AbstractType<any>, number>();
  const ends = new Map<Y.AbstractType<any>, number>();
  const childStarts = new Map<Y.AbstractType<any>, number[]>();
  const texts: Array<{ node: Y.XmlText; start: number; length: number }> = [];

  const walk = (el: Y.XmlElement) => {
    starts.set(el, text.length);
    const cs: number[] = [];
    let blockSeen = false;
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) {
        cs.push(text.length);
        starts.set(child, text.length);
        let s = "";
        for (const op of child.toDelta() as Array<{ insert: unknown }>) {
          s += typeof op.insert === "string" ? op.insert : "\uFFFC";
        }
        texts.push({ node: child, start: text.length, length: s.length });
        text += s;
        ends.set(child, text.length);
      } else if (child instanceof Y.XmlElement) {
        const isBlock = child.nodeName !== "hardBreak" && child.nodeName !== "image";
        if (isBlock && blockSeen) text += "\n";
        cs.push(text.length);
        if (child.nodeName === "hardBreak") {
          starts.set(child, text.length);
          text += "\n";
          ends.set(child, text.length);
        } else {
          walk(child);
          blockSeen = blockSeen || isBlock;
        }
      } else {
        cs.push(text.length);
      }
    }
    childStarts.set(el, cs);
    ends.set(el, text.length);
  };
  walk(clause);

  const isLiveInside = (type: Y.AbstractType<any>): boolean => {
    let t: Y.AbstractType<any> | null = type;
    while (t && t !== clause) {
      const item: Y.Item | null = t._item;
      if (!item || item.deleted) return false;
      t = item.parent as Y.AbstractType<any> | null;
    }
    return t === clause && !(clause._item?.deleted ?? true);
  };

  return {
    text,
    offsetOf(type, index) {
      if (!isLiveInside(type) || !starts.has(type)) return null;
      if (type instanceof Y.XmlText) return Math.min(starts.get(type)! + index, ends.get(type)!);
      const cs = childStarts.get(type);
      if (!cs) return null;
      return index < cs.length ? cs[index] : ends.get(type)!;
    },
    locate(offset) {
      for (const t of texts) {
        if (offset >= t.start && offset <= t.start + t.length) return { node: t.node, index: offset - t.start };
      }
      return null;
    },
  };
}

/**
 * Makes an anchor for the characters `[start, end)` of a clause's text ({@link clauseText}), as a client
 * does for a selection. Both ends must lie in text nodes. Throws when the clause or the offsets are not there.
 */
export function anchorForClauseRange(doc: Y.Doc, clauseId: string, start: number, end: number): AnchorInput {
  const clause = findClause(doc, clauseId);
  if (!clause) throw new Error(`no clause ${clauseId}`);
  const ct = clauseText(clause.element);
  if (!(start < end)) throw new Error("empty range");
  // `from` at the first quoted character, `to` right after the last one, both inside the text nodes that hold them.
  const a = ct.locate(start);
  const b = locateEnd(ct, end);
  if (!a || !b) throw new Error("range outside the clause's text");
  return {
    from: encodePosition(Y.createRelativePositionFromTypeIndex(a.node, a.index, 0)),
    to: encodePosition(Y.createRelativePositionFromTypeIndex(b.node, b.index, -1)),
    quote: ct.text.slice(start, end),
  };
}

function locateEnd(ct: ClauseText, end: number): { node: Y.XmlText; index: number } | null {
  // The end belongs to the node holding the last quoted character (index > 0), not the next node's start.
  const atPrev = ct.locate(end - 1);
  if (!atPrev) return null;
  return { node: atPrev.node, index: atPrev.index + 1 };
}

/**
 * Re-bases an encoded position with the association anchors use (see the file header), whatever the client
 * library produced: `assoc` 0 for `from`, -1 for `to`. Null when it does not resolve in `doc`.
 */
export function withAssoc(doc: Y.Doc, pos: Y.RelativePosition, assoc: 0 | -1): Y.RelativePosition | null {
  const abs = absolute(doc, pos);
  if (!abs) return null;
  return Y.createRelativePositionFromTypeIndex(abs.type, abs.index, assoc);
}

function absolute(doc: Y.Doc, pos: Y.RelativePosition): Y.AbsolutePosition | null {
  try {
    return Y.createAbsolutePositionFromRelativePosition(pos, doc);
  } catch {
    // A position naming items this document has never seen.
    return null;
  }
}

/** Collapses runs of whitespace, so that a quote taken with other block separators still compares equal. */
function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/**
 * Where a thread sits in `doc` now (see {@link ThreadPlacement}). The clause is found by id; the range by
 * its relative positions, which must still resolve inside that clause.
 */
export function resolvePlacement(doc: Y.Doc, thread: { clauseId: string; anchor: AnchorInput | null }): ThreadPlacement {
  const clause = findClause(doc, thread.clauseId);
  if (!clause) return { kind: "removed" };
  if (!thread.anchor) return { kind: "clause", clauseIndex: clause.index };
  const ct = clauseText(clause.element);
  const from = decodePosition(thread.anchor.from);
  const to = decodePosition(thread.anchor.to);
  const a = from && absolute(doc, from);
  const b = to && absolute(doc, to);
  const start = a ? ct.offsetOf(a.type, a.index) : null;
  const end = b ? ct.offsetOf(b.type, b.index) : null;
  if (start === null || end === null || end <= start) {
    return { kind: "range", clauseIndex: clause.index, start: start ?? 0, end: start ?? 0, text: "", quote: "removed" };
  }
  const text = ct.text.slice(start, end);
  const quote = squash(text) === squash(thread.anchor.quote) ? "intact" : squash(text) === "" ? "removed" : "edited";
  return { kind: "range", clauseIndex: clause.index, start, end, text, quote };
}

/**
 * Checks a new anchor against the clause it claims: both positions resolve inside the clause and `from`
 * is not after `to`. Returns the anchor re-based to the canonical associations, or a reason.
 */
export function validateAnchor(
  doc: Y.Doc,
  clauseId: string,
  anchor: AnchorInput,
): { ok: true; anchor: AnchorInput } | { ok: false; reason: string } {
  const clause = findClause(doc, clauseId);
  if (!clause) return { ok: false, reason: "That clause is not in the document." };
  const from = decodePosition(anchor.from);
  const to = decodePosition(anchor.to);
  if (!from || !to) return { ok: false, reason: "anchor: from and to must be encoded Yjs relative positions." };
  const ct = clauseText(clause.element);
  const a = absolute(doc, from);
  const b = absolute(doc, to);
  const start = a ? ct.offsetOf(a.type, a.index) : null;
  const end = b ? ct.offsetOf(b.type, b.index) : null;
  if (start === null || end === null) return { ok: false, reason: "anchor: the range is not inside that clause." };
  if (end < start) return { ok: false, reason: "anchor: from comes after to." };
  const rf = withAssoc(doc, from, 0);
  const rt = withAssoc(doc, to, -1);
  return {
    ok: true,
    anchor: {
      from: rf ? encodePosition(rf) : anchor.from,
      to: rt ? encodePosition(rt) : anchor.to,
      quote: anchor.quote,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lists: filters and document order

/** The side panel's filters. */
export type ThreadFilter =
  | { kind: "open" }
  | { kind: "resolved" }
  | { kind: "mine" }
  | { kind: "mentions" }
  | { kind: "organization"; organizationId: string };

/** Whether a thread passes a filter for user `me` ("mine": I started it or wrote in it). */
export function threadMatches(thread: ThreadDto, filter: ThreadFilter, me: string): boolean {
  switch (filter.kind) {
    case "open":
      return thread.status === "open";
    case "resolved":
      return thread.status === "resolved";
    case "mine":
      return thread.author.id === me || thread.comments.some((c) => c.author.id === me && c.content.kind !== "deleted");
    case "mentions":
      return thread.mentionsMe;
    case "organization":
      return thread.author.organizationId === filter.organizationId;
  }
}

/**
 * Threads in document order: by clause position (from `order`, or the server's placement), then by where
 * the range starts, then by age; threads on removed text come last.
 */
export function sortThreads(threads: readonly ThreadDto[], order?: ReadonlyMap<string, number>): ThreadDto[] {
  const key = (t: ThreadDto): [number, number, number] => {
    const clause = order ? order.get(t.clauseId) : t.placement.kind === "removed" ? undefined : t.placement.clauseIndex;
    const within = t.placement.kind === "range" ? t.placement.start : -1;
    return [clause ?? Number.MAX_SAFE_INTEGER, within, t.createdAt];
  };
  return [...threads].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}
