/** Typed calls to the comment thread API (server/comments/routes.ts). */
import { apiJson } from "../api";
import type { AnchorInput, CommentDto, ThreadDto, ThreadListDto, ThreadStatus, UnreadCountsDto } from "../../shared/comments/schemas";

const enc = encodeURIComponent;

/** A comment and the thread it belongs to, as changed. */
export interface CommentChangeDto {
  comment: CommentDto;
  thread: ThreadDto;
}

export const commentsApi = {
  threads: (statementId: string) => apiJson<ThreadListDto>("GET", `/api/statements/${enc(statementId)}/threads`),
  thread: (threadId: string) => apiJson<{ thread: ThreadDto }>("GET", `/api/threads/${enc(threadId)}`),
  createThread: (statementId: string, body: { clauseId: string; body: string; anchor?: AnchorInput }) =>
    apiJson<{ thread: ThreadDto }>("POST", `/api/statements/${enc(statementId)}/threads`, body),
  reply: (threadId: string, body: string) => apiJson<CommentChangeDto>("POST", `/api/threads/${enc(threadId)}/comments`, { body }),
  setStatus: (threadId: string, status: ThreadStatus) => apiJson<{ thread: ThreadDto }>("PATCH", `/api/threads/${enc(threadId)}`, { status }),
  markRead: (threadId: string) => apiJson<{ thread: ThreadDto }>("POST", `/api/threads/${enc(threadId)}/read`, {}),
  edit: (commentId: string, body: string) => apiJson<CommentChangeDto>("PATCH", `/api/comments/${enc(commentId)}`, { body }),
  remove: (commentId: string) => apiJson<CommentChangeDto>("DELETE", `/api/comments/${enc(commentId)}`),
  hide: (commentId: string, reason?: string) =>
    apiJson<CommentChangeDto>("POST", `/api/comments/${enc(commentId)}/hide`, reason ? { reason } : {}),
  unread: () => apiJson<UnreadCountsDto>("GET", "/api/me/unread"),
} as const;
