/**
 * Comment threads on the wire: limits, request schemas (the server enforces them, the client's forms check them
 * first) and response shapes. Only zod: importing a type or a schema from here never pulls in yjs (the anchoring
 * code that needs a Y.Doc is in anchors.ts).
 */
import { z } from "zod";

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
  | {
      kind: "range";
      clauseIndex: number;
      start: number;
      end: number;
      text: string;
      quote: "intact" | "edited" | "removed";
    }
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

/** A comment and the thread it belongs to, as changed. */
export interface CommentChangeDto {
  comment: CommentDto;
  thread: ThreadDto;
}

/** `GET /api/statements/:id/threads` */
export interface ThreadListDto {
  threads: ThreadDto[];
}

/** `GET /api/me/unread`: statement id → number of open threads with replies I have not read. */
export type UnreadCountsDto = Record<string, number>;
