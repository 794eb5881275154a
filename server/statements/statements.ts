/**
 * Statements: the caller's list, creation (the creator is its first convener), the detail page's data, rename,
 * the canonical Markdown export and the audit log. Routes check membership and role before calling these.
 */
import type { Services } from "../context";
import type { DB } from "../storage/database";
import type { Membership } from "./access";
import type { Role } from "../../shared/roles";
import type { AuditEntryDto, StatementDetailDto, StatementSummaryDto } from "../../shared/api";
import { colorForUser } from "../../shared/colors";
import { currentText } from "../text-cache";
import { newId, newSecret } from "../ids";
import { recordAudit } from "../audit/log";
import { organizationDto } from "../organizations/routes";
import { listMembers } from "./members";
import { sortOrganizations } from "../../shared/collation";

/** URL-safe slug from a title, with a random tail so that two statements never share one. */
function slugify(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${base || "statement"}-${newSecret(4).slice(0, 6)}`;
}

/** The statements `userId` is a member of, most recently changed first. */
export async function listStatements(db: DB, userId: string): Promise<StatementSummaryDto[]> {
  const rows = await db
    .selectFrom("members")
    .innerJoin("statements", "statements.id", "members.statement_id")
    .select((eb) => [
      "statements.id",
      "statements.title",
      "statements.slug",
      "statements.phase",
      "statements.created_at",
      "statements.updated_at",
      "members.role",
      "members.organization_id",
      eb
        .selectFrom("members as m2")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("m2.statement_id", "=", "statements.id")
        .as("member_count"),
    ])
    .where("members.user_id", "=", userId)
    .orderBy("statements.updated_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    slug: r.slug,
    phase: r.phase === "final" ? "final" : "drafting",
    role: r.role as Role,
    organizationId: r.organization_id,
    memberCount: Number(r.member_count ?? 0),
    updatedAt: Number(r.updated_at),
    createdAt: Number(r.created_at),
  }));
}

/** Creates a statement in drafting with `userId` as its convener. */
export async function createStatement(db: DB, userId: string, title: string): Promise<StatementSummaryDto> {
  const now = Date.now();
  const id = newId();
  const slug = slugify(title);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("statements")
      .values({ id, title, slug, phase: "drafting", created_by: userId, created_at: now, updated_at: now })
      .execute();
    await trx
      .insertInto("members")
      .values({
        statement_id: id,
        user_id: userId,
        role: "convener",
        organization_id: null,
        added_by: userId,
        added_at: now,
      })
      .execute();
    await recordAudit(trx, { statementId: id, actorId: userId, action: "statement.created", detail: { title } });
  });
  return {
    id,
    title,
    slug,
    phase: "drafting",
    role: "convener",
    organizationId: null,
    memberCount: 1,
    updatedAt: now,
    createdAt: now,
  };
}

/** A statement as its member `me` sees it: the statement, the caller, the members and their organizations. */
export async function statementDetail(db: DB, me: Membership): Promise<StatementDetailDto> {
  const st = await db.selectFrom("statements").selectAll().where("id", "=", me.statementId).executeTakeFirstOrThrow();
  const members = await listMembers(db, me.statementId);
  const orgIds = [...new Set(members.map((m) => m.organizationId).filter((x): x is string => x !== null))];
  const orgs = orgIds.length
    ? await db.selectFrom("organizations").selectAll().where("id", "in", orgIds).orderBy("name").execute()
    : [];
  return {
    statement: {
      id: st.id,
      title: st.title,
      slug: st.slug,
      phase: me.phase,
      createdAt: Number(st.created_at),
      updatedAt: Number(st.updated_at),
    },
    me: { userId: me.userId, role: me.role, organizationId: me.organizationId, color: colorForUser(me.userId) },
    members,
    // The one collation of organization lists (comment filter chips, people panel): see shared/collation.ts.
    organizations: sortOrganizations(orgs.map(organizationDto)),
  };
}

/** Renames a statement (audited, pushed as `statement.changed`). */
export async function renameStatement(
  services: Services,
  statementId: string,
  actorId: string,
  title: string,
): Promise<void> {
  await services.db.updateTable("statements").set({ title }).where("id", "=", statementId).execute();
  await recordAudit(services.db, { statementId, actorId, action: "statement.renamed", detail: { title } });
  services.events.app(statementId, { type: "statement.changed", statementId });
}

/** The canonical Markdown of the live text, its SHA-256 and a file name for it. */
export async function exportMarkdown(
  services: Services,
  statementId: string,
): Promise<{ fileName: string; markdown: string; hash: string }> {
  const st = await services.db
    .selectFrom("statements")
    .select(["slug"])
    .where("id", "=", statementId)
    .executeTakeFirstOrThrow();
  // Computed once per document state, off the event loop for a large document (server/text-cache.ts).
  const { markdown, hash } = await currentText(services, statementId);
  return { fileName: `${st.slug}.md`, markdown, hash };
}

/**
 * A page of a statement's audit log, newest first: the newest `limit` entries, or those older than the entry
 * `before` (the `next` of the previous page, which is null on the last one).
 */
export async function auditPage(
  db: DB,
  statementId: string,
  limit: number,
  before: number | null,
): Promise<{ entries: AuditEntryDto[]; next: number | null }> {
  const entries = await auditEntries(db, statementId, limit, before);
  return { entries, next: entries.length === limit ? entries[entries.length - 1].id : null };
}

/** The newest `limit` entries of a statement's audit log (older than the entry `before`, if given), newest first. */
export async function auditEntries(
  db: DB,
  statementId: string,
  limit: number,
  before: number | null = null,
): Promise<AuditEntryDto[]> {
  let q = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select([
      "audit_log.id",
      "audit_log.action",
      "audit_log.actor_id",
      "users.name",
      "audit_log.detail",
      "audit_log.hash",
      "audit_log.at",
    ])
    .where("audit_log.statement_id", "=", statementId);
  if (before !== null) q = q.where("audit_log.id", "<", before);
  const rows = await q.orderBy("audit_log.id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    action: r.action,
    actorId: r.actor_id,
    actorName: r.name,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    hash: r.hash,
    at: Number(r.at),
  }));
}
