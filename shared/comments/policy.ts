/**
 * Who may do what with comments, as pure predicates that the routes and the UI both call (the role predicates
 * come from roles.ts):
 * - conveners, drafters and reviewers start threads and reply (`canComment`); observers only read;
 * - a comment can be edited and deleted by its author only, and only while the author may still comment;
 *   a deleted comment leaves a "deleted" trace (its body is erased) so that replies keep their context;
 * - the convener may hide any comment (`canModerateComments`); it stays as a visible "hidden by convener"
 *   trace, its body is no longer shown to anyone, and the hide is audited;
 * - resolve and reopen: any drafter or convener (`canResolveAnyThread`), or the thread's author;
 * - a resolved thread takes no replies (reopen it first), so that reopening stays with the people above;
 * - comments continue after the statement is final (roles.ts).
 */
import type { Role } from "../roles";
import { canComment, canModerateComments, canResolveAnyThread } from "../roles";
import type { CommentContent, ThreadStatus } from "./schemas";

/** The rules listed at the top of this file. */
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
