/**
 * What makes a notification, one function per event:
 * - `added`: the convener adds a member (a call from server/statements/members.ts);
 * - `mentioned`: a comment names a member (a call from the comment routes, on create and edit; once per comment);
 * - `sign.requested`: the convener asks an organization's representatives to sign (`askToSign`, its own route);
 * - `objection`: an organization objects to a clause — everyone whose characters are in the clause's current
 *   text is told. Authorship comes from attribution: each live character's Yjs client id is bound to the user
 *   who introduced it (`doc_clients`), so "a clause I wrote" means "a clause holding text I typed";
 * - `position.stale`: a clause changed after a position was given on it — the position's author is told
 *   (`StaleWatcher`: the sign-off code judges staleness when it reads, so this compares clause hashes itself
 *   whenever a statement's document moves on);
 * - `locked`: the statement is locked — every member is told.
 * Objections and locks are heard on the server events the sign-off code already emits, so they need no call in
 * that code; every instance hears them, and the dedupe key makes each land once.
 */
import * as Y from "yjs";
import type { Services } from "../context";
import type { ServerEvent } from "../events";
import { canSignFor } from "../../shared/roles";
import type { Role } from "../../shared/roles";
import { findClause } from "../../shared/comments/anchors";
import { excerpt } from "../../shared/notifications";
import { liveText } from "../signoff/decisions";
import { notify } from "./store";
import { tokenizeCommentBody } from "../../shared/comments/mentions";

/** A comment as plain text: mentions as "@Name" (not their `@[Name](user:id)` tokens). */
function plainComment(body: string): string {
  return tokenizeCommentBody(body)
    .map((t) => (t.kind === "mention" ? `@${t.name}` : t.text))
    .join("");
}

/** A convener added `userId` to the statement. */
export async function notifyAdded(
  services: Services,
  input: { statementId: string; userId: string; actorId: string; role: Role },
): Promise<void> {
  await notify(services, [input.userId], {
    kind: "added",
    statementId: input.statementId,
    actorId: input.actorId,
    detail: { role: input.role },
  });
}

/** Tells the people a comment mentions (members only, never its author); a later edit adds only new names. */
export async function notifyMentions(services: Services, commentId: string): Promise<void> {
  const c = await services.db
    .selectFrom("comments")
    .innerJoin("comment_threads", "comment_threads.id", "comments.thread_id")
    .select([
      "comments.statement_id",
      "comments.thread_id",
      "comments.author_id",
      "comments.body",
      "comments.mentions",
      "comment_threads.clause_id",
    ])
    .where("comments.id", "=", commentId)
    .executeTakeFirst();
  if (!c) return;
  const mentioned = JSON.parse(c.mentions) as string[];
  if (mentioned.length === 0) return;
  await notify(services, mentioned, {
    kind: "mentioned",
    statementId: c.statement_id,
    clauseId: c.clause_id,
    actorId: c.author_id,
    detail: { excerpt: excerpt(plainComment(c.body)), threadId: c.thread_id },
    dedupeKey: `mention:${commentId}`,
  });
}

/**
 * The convener asks representatives to sign: those of `organizationId`, or of every organization with
 * representatives that has not signed the current text. Returns the organizations asked and people told.
 */
export async function askToSign(
  services: Services,
  input: { statementId: string; actorId: string; organizationId?: string },
): Promise<{ organizations: number; people: number }> {
  const members = await services.db
    .selectFrom("members")
    .innerJoin("organizations", "organizations.id", "members.organization_id")
    .select(["members.user_id", "members.role", "members.organization_id", "organizations.name"])
    .where("members.statement_id", "=", input.statementId)
    .execute();
  let signed = new Set<string>();
  if (!input.organizationId) {
    const { hash } = await liveText(services, input.statementId);
    signed = await organizationsThatSigned(services, input.statementId, hash);
  }
  const byOrg = new Map<string, { name: string; users: string[] }>();
  for (const m of members) {
    const org = m.organization_id!;
    if (input.organizationId ? org !== input.organizationId : signed.has(org)) continue;
    if (!canSignFor({ role: m.role as Role, organizationId: org }, org, "drafting")) continue;
    const entry = byOrg.get(org) ?? { name: m.name, users: [] };
    entry.users.push(m.user_id);
    byOrg.set(org, entry);
  }
  let people = 0;
  for (const { name, users } of byOrg.values()) {
    people += await notify(services, users, {
      kind: "sign.requested",
      statementId: input.statementId,
      actorId: input.actorId,
      detail: { organizationName: name },
    });
  }
  return { organizations: byOrg.size, people };
}

/** Organizations whose newest signature is on `hash` and not void. */
async function organizationsThatSigned(services: Services, statementId: string, hash: string): Promise<Set<string>> {
  const rows = await services.db
    .selectFrom("document_signatures")
    .select(["organization_id", "hash", "voided_at"])
    .where("statement_id", "=", statementId)
    .orderBy("id", "asc")
    .execute();
  const latest = new Map<string, { hash: string; voided_at: number | null }>();
  for (const r of rows) latest.set(r.organization_id, r);
  return new Set([...latest].filter(([, r]) => r.hash === hash && r.voided_at === null).map(([org]) => org));
}

/** The Yjs client ids of the clause's live characters (its text, and nested blocks' text). */
export function clauseClientIds(doc: Y.Doc, clauseId: string): Set<number> {
  const ids = new Set<number>();
  const walk = (type: Y.AbstractType<unknown>) => {
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted) continue;
      if (item.content instanceof Y.ContentType) walk(item.content.type);
      else ids.add(item.id.client);
    }
  };
  const clause = findClause(doc, clauseId);
  if (clause) walk(clause.element as unknown as Y.AbstractType<unknown>);
  return ids;
}

/** The users whose characters are in the clause now (attribution through `doc_clients`). */
export async function clauseAuthors(services: Services, statementId: string, clauseId: string): Promise<string[]> {
  const clientIds = [...(await services.rooms.withDocument(statementId, (doc) => clauseClientIds(doc, clauseId)))];
  if (clientIds.length === 0) return [];
  const rows = await services.db
    .selectFrom("doc_clients")
    .select("user_id")
    .distinct()
    .where("statement_id", "=", statementId)
    .where("client_id", "in", clientIds)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Members of a statement now. */
async function memberIds(services: Services, statementId: string): Promise<string[]> {
  const rows = await services.db
    .selectFrom("members")
    .select("user_id")
    .where("statement_id", "=", statementId)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Reacts to the sign-off events (objections, locks); returns the unsubscribe. */
export function listenForSignoffEvents(services: Services): () => void {
  const run = (what: string, p: Promise<unknown>) =>
    p.catch((err) => services.log(`notifications: ${what} failed`, err));
  return services.events.on((e: ServerEvent) => {
    if (e.kind !== "app") return;
    const ev = e.event;
    if (ev.type === "signoffs.changed") {
      for (const cell of ev.delta?.cells ?? []) {
        if (cell.position !== "object") continue;
        void run("objection", notifyObjection(services, ev.statementId, cell));
      }
    } else if (ev.type === "locked") {
      void run("lock", notifyLocked(services, ev.statementId, ev.hash));
    }
  });
}

/** Every member but the convener who locked (the audit log names them) hears of the lock. */
async function notifyLocked(services: Services, statementId: string, hash: string): Promise<void> {
  const [members, entry] = await Promise.all([
    memberIds(services, statementId),
    services.db
      .selectFrom("audit_log")
      .select(["id", "actor_id"])
      .where("statement_id", "=", statementId)
      .where("action", "=", "statement.locked")
      .orderBy("id", "desc")
      .executeTakeFirst(),
  ]);
  await notify(services, members, {
    kind: "locked",
    statementId,
    actorId: entry?.actor_id ?? null,
    detail: { hash },
    // One per lock (a relock after an unlock is news again, even of the same text); every instance reads the
    // same audit entry, so the key is the same on each.
    dedupeKey: `locked:${statementId}:${entry ? Number(entry.id) : hash}`,
  });
}

async function notifyObjection(
  services: Services,
  statementId: string,
  cell: { id: number; clauseId: string; organizationId: string; reason: string | null; userId: string },
): Promise<void> {
  const [authors, members, org] = await Promise.all([
    clauseAuthors(services, statementId, cell.clauseId),
    memberIds(services, statementId),
    services.db.selectFrom("organizations").select("name").where("id", "=", cell.organizationId).executeTakeFirst(),
  ]);
  const stillMembers = new Set(members);
  await notify(
    services,
    authors.filter((u) => stillMembers.has(u)),
    {
      kind: "objection",
      statementId,
      clauseId: cell.clauseId,
      actorId: cell.userId,
      detail: { organizationName: org?.name, reason: cell.reason ? excerpt(cell.reason) : undefined },
      dedupeKey: `objection:${cell.id}`,
    },
  );
}
