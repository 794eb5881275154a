/**
 * Comment thread routes, mounted at `/api`:
 *
 *   GET  /statements/:id/threads          every thread, in document order, with placement and my unread state
 *   POST /statements/:id/threads          {clauseId, body, anchor?: {from, to, quote}}     → 201 {thread}
 *   GET  /threads/:id                     one thread                                          → {thread}
 *   POST /threads/:id/comments            {body}                                             → 201 {comment, thread}
 *   PATCH /threads/:id                    {status: "open"|"resolved"}                        → {thread}
 *   POST /threads/:id/read                marks the thread read for me                       → {thread}
 *   PATCH /comments/:id                   {body}     (author only)                           → {comment, thread}
 *   DELETE /comments/:id                  (author only; leaves a "deleted" trace)            → {comment, thread}
 *   POST /comments/:id/hide               {reason?}  (convener; "hidden by convener" trace)   → {comment, thread}
 *   GET  /me/unread                       {[statementId]: open threads waiting for me}
 *
 * Every change is pushed to the statement's connected members as a `threads.changed` app event. A thread
 * or comment of a statement the caller is not a member of answers 404, like the statement itself.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv, Services } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { limitBody } from "../http/body-limit";
import { findMembership, requireMembership } from "../statements/access";
import type { Membership } from "../statements/access";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import {
  CommentLimits,
  commentHideSchema,
  commentWriteSchema,
  threadCreateSchema,
  threadPatchSchema,
} from "../../shared/comments/schemas";
import { CommentPolicy } from "../../shared/comments/policy";
import { findClause, validateAnchor } from "../../shared/comments/anchors";
import { parseMentions } from "../../shared/comments/mentions";
import type { AnchorInput, ThreadDto } from "../../shared/comments/schemas";
import {
  addReply,
  createThread,
  deleteComment,
  editComment,
  findComment,
  findThread,
  hideComment,
  listThreads,
  markThreadRead,
  setThreadStatus,
  unreadCounts,
} from "./threads";
import type { CommentRecord, ThreadRecord } from "./threads";
import { notifyMentions } from "../notifications/triggers";

// Comment routes keep their own, smaller limit (on top of the app-wide one).
const limit = limitBody(CommentLimits.requestBytesMax);

/** One thread as the caller sees it. */
async function threadDto(services: Services, thread: ThreadRecord, userId: string): Promise<ThreadDto> {
  const [dto] = await listThreads(services, thread.statementId, userId, [thread.id]);
  return dto;
}

/** The thread and the caller's membership of its statement; 404 for unknown threads and non-members. */
async function threadAccess(c: Context<AppEnv>): Promise<{ thread: ThreadRecord; me: Membership; userId: string }> {
  const user = requireUser(c);
  const thread = await findThread(c.var.services.db, c.req.param("id") as string);
  if (!thread) throw notFound("Thread");
  const me = await findMembership(c.var.services.db, thread.statementId, user.id);
  if (!me) throw notFound("Thread");
  return { thread, me, userId: user.id };
}

/** The comment, its thread, and the caller's membership; 404 for unknown comments and non-members. */
async function commentAccess(
  c: Context<AppEnv>,
): Promise<{ comment: CommentRecord; thread: ThreadRecord; me: Membership; userId: string }> {
  const user = requireUser(c);
  const db = c.var.services.db;
  const comment = await findComment(db, c.req.param("id") as string);
  if (!comment) throw notFound("Comment");
  const me = await findMembership(db, comment.statementId, user.id);
  if (!me) throw notFound("Comment");
  const thread = await findThread(db, comment.threadId);
  if (!thread) throw notFound("Comment");
  return { comment, thread, me, userId: user.id };
}

function changed(services: Services, thread: { statementId: string; id: string }): void {
  services.events.app(thread.statementId, {
    type: "threads.changed",
    statementId: thread.statementId,
    threadId: thread.id,
  });
}

export function commentRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/statements/:id/threads", limit);
  app.use("/threads/*", limit);
  app.use("/comments/*", limit);

  app.get("/statements/:id/threads", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    const threads = await listThreads(c.var.services, id, user.id);
    return c.json({ threads });
  });

  app.post("/statements/:id/threads", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    const me = await requireMembership(
      services.db,
      id,
      user.id,
      (m) => CommentPolicy.canCreateThread(m.role),
      "Observers can read comments but not write them.",
    );
    const body = await parseBody(c, threadCreateSchema);
    // The clause and the range must exist in the document as the server holds it now.
    const checked = await services.rooms.withDocument(id, (doc) => {
      if (!findClause(doc, body.clauseId)) return { ok: false as const, reason: "That clause is not in the document." };
      if (!body.anchor) return { ok: true as const, anchor: null };
      return validateAnchor(doc, body.clauseId, body.anchor);
    });
    if (!checked.ok) throw badRequest(checked.reason);
    const threadId = await createThread(services.db, {
      statementId: id,
      clauseId: body.clauseId,
      anchor: checked.anchor as AnchorInput | null,
      body: body.body,
      mentions: parseMentions(body.body),
      authorId: user.id,
      organizationId: me.organizationId,
    });
    changed(services, { statementId: id, id: threadId });
    const [thread] = await listThreads(services, id, user.id, [threadId]);
    await notifyMentions(services, thread.comments[0].id);
    return c.json({ thread }, 201);
  });

  app.get("/threads/:id", async (c) => {
    const { thread, userId } = await threadAccess(c);
    return c.json({ thread: await threadDto(c.var.services, thread, userId) });
  });

  app.post("/threads/:id/comments", async (c) => {
    const { thread, me, userId } = await threadAccess(c);
    const services = c.var.services;
    if (!CommentPolicy.canCreateThread(me.role)) throw forbidden("Observers can read comments but not write them.");
    const body = await parseBody(c, commentWriteSchema);
    if (!CommentPolicy.canReply(me.role, thread)) throw conflict("This thread is resolved: reopen it to reply.");
    const commentId = await addReply(services.db, {
      threadId: thread.id,
      statementId: thread.statementId,
      body: body.body,
      mentions: parseMentions(body.body),
      authorId: userId,
      organizationId: me.organizationId,
    });
    changed(services, thread);
    await notifyMentions(services, commentId);
    const dto = await threadDto(services, thread, userId);
    return c.json({ comment: dto.comments.find((x) => x.id === commentId), thread: dto }, 201);
  });

  app.patch("/threads/:id", async (c) => {
    const { thread, me, userId } = await threadAccess(c);
    const services = c.var.services;
    if (!CommentPolicy.canResolve(me.role, userId, thread)) {
      throw forbidden("Only drafters, conveners and the thread's author can resolve or reopen it.");
    }
    const body = await parseBody(c, threadPatchSchema);
    if (body.status !== thread.status) {
      await setThreadStatus(services.db, thread.id, body.status, userId);
      changed(services, thread);
    }
    return c.json({ thread: await threadDto(services, thread, userId) });
  });

  app.post("/threads/:id/read", async (c) => {
    const { thread, userId } = await threadAccess(c);
    await markThreadRead(c.var.services.db, thread.id, userId);
    return c.json({ thread: await threadDto(c.var.services, thread, userId) });
  });

  app.patch("/comments/:id", async (c) => {
    const { comment, thread, me, userId } = await commentAccess(c);
    const services = c.var.services;
    if (comment.authorId !== userId) throw forbidden("Only its author can edit a comment.");
    const body = await parseBody(c, commentWriteSchema);
    if (!CommentPolicy.canEdit(me.role, userId, comment)) {
      throw comment.state === "visible"
        ? forbidden("Observers cannot edit comments.")
        : conflict(`This comment was ${comment.state}; it can no longer be edited.`);
    }
    await editComment(services.db, comment, body.body, parseMentions(body.body));
    changed(services, thread);
    await notifyMentions(services, comment.id);
    const dto = await threadDto(services, thread, userId);
    return c.json({ comment: dto.comments.find((x) => x.id === comment.id), thread: dto });
  });

  app.delete("/comments/:id", async (c) => {
    const { comment, thread, me, userId } = await commentAccess(c);
    const services = c.var.services;
    if (comment.authorId !== userId) throw forbidden("Only its author can delete a comment.");
    if (!CommentPolicy.canDelete(me.role, userId, comment)) {
      throw comment.state === "deleted"
        ? conflict("This comment is already deleted.")
        : forbidden("Observers cannot delete comments.");
    }
    await deleteComment(services.db, comment);
    changed(services, thread);
    const dto = await threadDto(services, thread, userId);
    return c.json({ comment: dto.comments.find((x) => x.id === comment.id), thread: dto });
  });

  app.post("/comments/:id/hide", async (c) => {
    const { comment, thread, me, userId } = await commentAccess(c);
    const services = c.var.services;
    if (!CommentPolicy.canHide(me.role, { state: "visible" })) throw forbidden("Only a convener can hide comments.");
    const body = await parseBody(c, commentHideSchema);
    if (!CommentPolicy.canHide(me.role, comment)) throw conflict(`This comment is already ${comment.state}.`);
    await hideComment(services.db, comment, userId, body.reason ? body.reason : null);
    changed(services, thread);
    const dto = await threadDto(services, thread, userId);
    return c.json({ comment: dto.comments.find((x) => x.id === comment.id), thread: dto });
  });

  app.get("/me/unread", async (c) => {
    const user = requireUser(c);
    return c.json(await unreadCounts(c.var.services.db, user.id));
  });

  return app;
}
