/**
 * Publication and sign-on: the public list of a final version, sign-on requests from the email confirmation to
 * the convener's decision, withdrawal, removal, and confirmation of a new final version by organizations that
 * signed an earlier one. Every decision is one transaction, audited with the hash it concerns.
 *
 * Which list a final version V shows:
 * - its **originals** (V's own signatories, stored at the lock), unless withdrawn or removed since;
 * - signatories that **joined** V: approved sign-ons bound to V's hash, and earlier signatories that confirmed V;
 * - signatories of an earlier final version that have not confirmed V, as **earlier-version**.
 *
 * Races: a request is decided by a conditional update (`pending` → decided) in the decision's transaction, so
 * of two conveners deciding at once exactly one wins and the other gets 409. Partial unique indexes allow one
 * open request and one active signatory per folded organization name and statement.
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { CurrentUser } from "../context";
import type { Database } from "../storage/schema";
import { conflict, notFound, AppError } from "../errors";
import { newId, newSecret } from "../ids";
import { recordAudit } from "../audit/log";
import { sortSignatories } from "../../shared/signoff";
import type { Signatory } from "../../shared/signoff";
import { StakeholderGroups } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { nameKey } from "../../shared/publication";
import type { PublicSignatory, PublicVersion, SignOnRequestBody, SignOnRequestDto } from "../../shared/publication";

type Db = Kysely<Database> | Transaction<Database>;

/** How long a confirmation link (and a new version's confirmation link) stays valid. */
export const CONFIRM_TTL_MS = 48 * 3600 * 1000;
export const RECONFIRM_TTL_MS = 60 * 24 * 3600 * 1000;

/** SHA-256 hex of a token: what the database keeps. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A statement's final version, with its text. */
export interface FinalVersion extends PublicVersion {
  markdown: string;
  signatories: Signatory[];
}

/** The statement a public slug names (published or not). */
export interface PublicStatement {
  id: string;
  slug: string;
  title: string;
  published: boolean;
}

export async function statementBySlug(db: Db, slug: string): Promise<PublicStatement | null> {
  const row = await db
    .selectFrom("statements")
    .leftJoin("publications", "publications.statement_id", "statements.id")
    .select(["statements.id", "statements.slug", "statements.title", "publications.published"])
    .where("statements.slug", "=", slug)
    .executeTakeFirst();
  return row ? { id: row.id, slug: row.slug, title: row.title, published: row.published === 1 } : null;
}

/** Every final version of a statement, oldest first. */
export async function finalVersions(db: Db, statementId: string): Promise<FinalVersion[]> {
  const rows = await db
    .selectFrom("statement_versions")
    .select(["id", "hash", "markdown", "signatories", "created_at", "unlocked_at"])
    .where("statement_id", "=", statementId)
    .where("kind", "=", "final")
    .orderBy("id", "asc")
    .execute();
  return rows.map((r) => ({
    versionId: Number(r.id),
    hash: r.hash,
    markdown: r.markdown,
    lockedAt: Number(r.created_at),
    unlockedAt: r.unlocked_at === null ? null : Number(r.unlocked_at),
    signatories: JSON.parse(r.signatories) as Signatory[],
  }));
}

const asGroup = (g: string | null | undefined): StakeholderGroup | null =>
  g && (StakeholderGroups as readonly string[]).includes(g) ? (g as StakeholderGroup) : null;

/** The list a final version shows (see the header), in alphabetical order. */
export async function signatoriesOf(
  db: Db,
  statementId: string,
  versions: FinalVersion[],
  version: FinalVersion,
): Promise<PublicSignatory[]> {
  const rows = await db.selectFrom("signatories").selectAll().where("statement_id", "=", statementId).execute();
  const hashes = rows.length
    ? await db
        .selectFrom("signatory_hashes")
        .selectAll()
        .where(
          "signatory_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  const orgIds = [...new Set(versions.flatMap((v) => v.signatories.map((s) => s.organizationId)))];
  const orgs = orgIds.length
    ? await db.selectFrom("organizations").select(["id", "stakeholder_group"]).where("id", "in", orgIds).execute()
    : [];
  const groupOf = new Map(orgs.map((o) => [o.id, asGroup(o.stakeholder_group)]));
  const rowByOrg = new Map(rows.filter((r) => r.organization_id).map((r) => [r.organization_id!, r]));
  const ended = (r: { status: string } | undefined) => r !== undefined && r.status !== "active";

  const out = new Map<string, PublicSignatory>();
  // Originals of this version.
  for (const s of version.signatories) {
    if (ended(rowByOrg.get(s.organizationId))) continue;
    out.set(`org:${s.organizationId}`, {
      key: `org:${s.organizationId}`,
      name: s.name,
      sortKey: s.sortKey,
      stakeholderGroup: groupOf.get(s.organizationId) ?? null,
      website: null,
      country: null,
      status: "original",
      hash: version.hash,
      signedAt: s.signedAt,
    });
  }
  // Signatory rows bound to this version (joined), or to an earlier one only (earlier-version).
  const earlierIds = new Set(versions.filter((v) => v.versionId < version.versionId).map((v) => v.versionId));
  for (const r of rows) {
    if (r.status !== "active") continue;
    const key = r.organization_id ? `org:${r.organization_id}` : r.id;
    if (out.has(key)) continue;
    const mine = hashes.filter((h) => h.signatory_id === r.id);
    const here = mine.find((h) => Number(h.version_id) === version.versionId);
    const before = mine
      .filter((h) => earlierIds.has(Number(h.version_id)))
      .sort((a, b) => Number(b.version_id) - Number(a.version_id))[0];
    const binding = here ?? before;
    if (!binding) continue;
    out.set(key, {
      key,
      name: r.name,
      sortKey: r.sort_key,
      stakeholderGroup: asGroup(r.stakeholder_group),
      website: r.website,
      country: r.country,
      status: here ? "joined" : "earlier-version",
      hash: binding.hash,
      signedAt: Number(binding.at),
    });
  }
  // Originals of earlier versions that neither signed this one nor confirmed it.
  for (const v of [...versions].reverse()) {
    if (!earlierIds.has(v.versionId)) continue;
    for (const s of v.signatories) {
      const key = `org:${s.organizationId}`;
      if (out.has(key) || ended(rowByOrg.get(s.organizationId))) continue;
      out.set(key, {
        key,
        name: s.name,
        sortKey: s.sortKey,
        stakeholderGroup: groupOf.get(s.organizationId) ?? null,
        website: null,
        country: null,
        status: "earlier-version",
        hash: v.hash,
        signedAt: s.signedAt,
      });
    }
  }
  return sortSignatories([...out.values()].map((s) => ({ ...s, id: s.key }))).map(({ id: _id, ...s }) => s);
}

/** The domain part of a website address, without `www.`. */
function websiteHost(website: string): string | null {
  try {
    const url = new URL(/^https?:\/\//i.test(website) ? website : `https://${website}`);
    return url.hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return null;
  }
}

/** Whether an email's domain is the website's (or one is a subdomain of the other). */
export function emailMatchesWebsite(email: string, website: string): boolean {
  const domain = email.split("@").pop()?.toLowerCase().trim() ?? "";
  const host = websiteHost(website);
  if (!domain || !host) return false;
  return domain === host || domain.endsWith(`.${host}`) || host.endsWith(`.${domain}`);
}

/** Levenshtein distance, bounded (returns `max + 1` as soon as it is certain to exceed `max`). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Same folded name, one containing the other (at least 4 characters), or a few typos apart. */
export function similarNames(a: string, b: string): { similar: boolean; same: boolean } {
  const ka = nameKey(a);
  const kb = nameKey(b);
  if (!ka || !kb) return { similar: false, same: false };
  if (ka === kb) return { similar: true, same: true };
  const contains = Math.min(ka.length, kb.length) >= 4 && (ka.includes(kb) || kb.includes(ka));
  const near =
    distance(ka, kb, Math.max(1, Math.floor(Math.min(ka.length, kb.length) / 5))) <=
    Math.max(1, Math.floor(Math.min(ka.length, kb.length) / 5));
  return { similar: contains || near, same: false };
}

/** Requests of a statement (newest first), with what helps the convener judge them. */
export async function listRequests(db: Db, statementId: string, list: PublicSignatory[]): Promise<SignOnRequestDto[]> {
  const rows = await db
    .selectFrom("sign_on_requests")
    .selectAll()
    .where("statement_id", "=", statementId)
    .orderBy("created_at", "desc")
    .limit(500)
    .execute();
  const orgs = await db.selectFrom("organizations").select(["name"]).execute();
  return rows.map((r) => {
    const similar: SignOnRequestDto["similar"] = [];
    for (const s of list) {
      const m = similarNames(r.org_name, s.name);
      if (m.similar) similar.push({ name: s.name, where: "signatory", same: m.same });
    }
    for (const o of orgs) {
      const m = similarNames(r.org_name, o.name);
      if (m.similar) similar.push({ name: o.name, where: "organization", same: m.same });
    }
    return {
      id: r.id,
      organization: r.org_name,
      website: r.website,
      country: r.country,
      stakeholderGroup: r.stakeholder_group as StakeholderGroup,
      contactName: r.contact_name,
      contactTitle: r.contact_title,
      email: r.contact_email,
      status: r.status as SignOnRequestDto["status"],
      hash: r.hash,
      createdAt: Number(r.created_at),
      confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
      decidedAt: r.decided_at === null ? null : Number(r.decided_at),
      decisionMessage: r.decision_message,
      emailDomainMatches: emailMatchesWebsite(r.contact_email, r.website),
      similar: similar.slice(0, 10),
    };
  });
}

/** Stores a new email token; returns the raw token (only its hash is kept). */
async function issueToken(
  db: Db,
  t: {
    purpose: "confirm" | "withdraw" | "reconfirm";
    statementId: string;
    subjectId: string;
    versionId: number | null;
    ttlMs: number | null;
  },
): Promise<string> {
  const token = newSecret(24);
  const now = Date.now();
  await db
    .insertInto("email_tokens")
    .values({
      token_hash: tokenHash(token),
      purpose: t.purpose,
      statement_id: t.statementId,
      subject_id: t.subjectId,
      version_id: t.versionId,
      created_at: now,
      expires_at: t.ttlMs === null ? null : now + t.ttlMs,
      used_at: null,
    })
    .execute();
  return token;
}

/** A token that is valid now (unused, unexpired), or null. Does not use it. */
export async function peekToken(db: Db, statementId: string, purpose: string, token: string) {
  const row = await db
    .selectFrom("email_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash(token))
    .where("statement_id", "=", statementId)
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  if (!row || row.used_at !== null) return null;
  if (row.expires_at !== null && Number(row.expires_at) < Date.now()) return null;
  return row;
}

/** Uses a single-use token inside a transaction: exactly one caller gets the row. */
async function useToken(trx: Transaction<Database>, statementId: string, purpose: string, token: string) {
  const row = await peekToken(trx, statementId, purpose, token);
  if (!row) return null;
  const res = await trx
    .updateTable("email_tokens")
    .set({ used_at: Date.now() })
    .where("token_hash", "=", row.token_hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? row : null;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "23505" || /UNIQUE constraint failed/i.test(e?.message ?? "")
  );
}

/**
 * A new sign-on request (unconfirmed until the contact opens the link sent to them). Refused with 409 when the
 * organization is already on the list or already has an open request. Returns the confirmation token.
 */
export async function createRequest(
  db: Kysely<Database>,
  st: PublicStatement,
  version: FinalVersion,
  body: SignOnRequestBody,
): Promise<{ id: string; token: string }> {
  const key = nameKey(body.organization);
  if (!key) throw new AppError("bad_request", "Give the organization's name.");
  const now = Date.now();
  const id = newId();
  try {
    return await db.transaction().execute(async (trx) => {
      // Unconfirmed requests whose link expired no longer hold the organization's place.
      await trx
        .updateTable("sign_on_requests")
        .set({ status: "expired" })
        .where("statement_id", "=", st.id)
        .where("status", "=", "unconfirmed")
        .where("created_at", "<", now - CONFIRM_TTL_MS)
        .execute();
      const versions = await finalVersions(trx, st.id);
      const list = await signatoriesOf(trx, st.id, versions, version);
      if (list.some((s) => nameKey(s.name) === key && s.status !== "earlier-version")) {
        throw conflict(`${body.organization} has already signed this statement.`);
      }
      await trx
        .insertInto("sign_on_requests")
        .values({
          id,
          statement_id: st.id,
          version_id: version.versionId,
          hash: version.hash,
          org_name: body.organization,
          name_key: key,
          website: body.website,
          country: body.country,
          stakeholder_group: body.stakeholderGroup,
          contact_name: body.contactName,
          contact_title: body.contactTitle,
          contact_email: body.email,
          status: "unconfirmed",
          created_at: now,
          confirmed_at: null,
          decided_at: null,
          decided_by: null,
          decision_message: null,
        })
        .execute();
      const token = await issueToken(trx, {
        purpose: "confirm",
        statementId: st.id,
        subjectId: id,
        versionId: version.versionId,
        ttlMs: CONFIRM_TTL_MS,
      });
      await recordAudit(trx, {
        statementId: st.id,
        actorId: null,
        action: "sign-on.requested",
        detail: { requestId: id, organization: body.organization, email: body.email },
        hash: version.hash,
      });
      return { id, token };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A request to sign on for ${body.organization} is already waiting.`);
    throw err;
  }
}

/** The contact opened their link: the request goes to the convener's inbox. Null when the link is used or expired. */
export async function confirmRequest(
  db: Kysely<Database>,
  statementId: string,
  token: string,
): Promise<{ organization: string } | null> {
  return db.transaction().execute(async (trx) => {
    const t = await useToken(trx, statementId, "confirm", token);
    if (!t) return null;
    const req = await trx.selectFrom("sign_on_requests").selectAll().where("id", "=", t.subject_id).executeTakeFirst();
    if (!req) return null;
    const res = await trx
      .updateTable("sign_on_requests")
      .set({ status: "pending", confirmed_at: Date.now() })
      .where("id", "=", req.id)
      .where("status", "=", "unconfirmed")
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return null;
    await recordAudit(trx, {
      statementId,
      actorId: null,
      action: "sign-on.confirmed",
      detail: { requestId: req.id, organization: req.org_name, email: req.contact_email },
      hash: req.hash,
    });
    return { organization: req.org_name };
  });
}

/** The outcome of a decision, for the email to the requester. */
export interface DecisionOutcome {
  request: { id: string; organization: string; email: string; contactName: string; hash: string };
  decision: "approve" | "decline";
  message: string | null;
  /** For an approval: the signatory's private withdrawal link token. */
  withdrawToken: string | null;
}

/** The convener approves or declines a pending request. Of two decisions at once, exactly one wins (409). */
export async function decideRequest(
  db: Kysely<Database>,
  user: CurrentUser,
  statementId: string,
  requestId: string,
  body: { decision: "approve" | "decline"; message?: string; sortKey?: string },
): Promise<DecisionOutcome> {
  const now = Date.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const req = await trx
        .selectFrom("sign_on_requests")
        .selectAll()
        .where("id", "=", requestId)
        .where("statement_id", "=", statementId)
        .executeTakeFirst();
      if (!req) throw notFound("That request");
      const res = await trx
        .updateTable("sign_on_requests")
        .set({
          status: body.decision === "approve" ? "approved" : "declined",
          decided_at: now,
          decided_by: user.id,
          decision_message: body.message || null,
        })
        .where("id", "=", requestId)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        throw conflict(
          req.status === "unconfirmed"
            ? "This request's email address is not confirmed yet."
            : `This request was already ${req.status}.`,
        );
      }
      let withdrawToken: string | null = null;
      if (body.decision === "approve") {
        const signatoryId = newId();
        await trx
          .insertInto("signatories")
          .values({
            id: signatoryId,
            statement_id: statementId,
            organization_id: null,
            request_id: req.id,
            name: req.org_name,
            name_key: req.name_key,
            sort_key: body.sortKey || null,
            stakeholder_group: req.stakeholder_group,
            website: req.website,
            country: req.country,
            contact_email: req.contact_email,
            status: "active",
            created_at: now,
            ended_at: null,
            ended_by: null,
            ended_reason: null,
          })
          .execute();
        await trx
          .insertInto("signatory_hashes")
          .values({
            signatory_id: signatoryId,
            version_id: Number(req.version_id),
            hash: req.hash,
            via: "sign-on",
            at: now,
          })
          .execute();
        withdrawToken = await issueToken(trx, {
          purpose: "withdraw",
          statementId,
          subjectId: signatoryId,
          versionId: null,
          ttlMs: null,
        });
      }
      await recordAudit(trx, {
        statementId,
        actorId: user.id,
        action: body.decision === "approve" ? "sign-on.approved" : "sign-on.declined",
        detail: { requestId: req.id, organization: req.org_name, message: body.message ?? null },
        hash: req.hash,
      });
      return {
        request: {
          id: req.id,
          organization: req.org_name,
          email: req.contact_email,
          contactName: req.contact_name,
          hash: req.hash,
        },
        decision: body.decision,
        message: body.message || null,
        withdrawToken,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("An organization with this name is already on the list.");
    throw err;
  }
}

/** A signatory withdraws through its private link. Null when the link is unknown or already used. */
export async function withdraw(
  db: Kysely<Database>,
  statementId: string,
  token: string,
): Promise<{ name: string } | null> {
  return db.transaction().execute(async (trx) => {
    const t = await useToken(trx, statementId, "withdraw", token);
    if (!t) return null;
    const row = await trx.selectFrom("signatories").selectAll().where("id", "=", t.subject_id).executeTakeFirst();
    if (!row || row.status !== "active") return null;
    await trx
      .updateTable("signatories")
      .set({ status: "withdrawn", ended_at: Date.now() })
      .where("id", "=", row.id)
      .execute();
    const bound = await trx
      .selectFrom("signatory_hashes")
      .select("hash")
      .where("signatory_id", "=", row.id)
      .orderBy("version_id", "desc")
      .executeTakeFirst();
    await recordAudit(trx, {
      statementId,
      actorId: null,
      action: "signatory.withdrawn",
      detail: { signatoryId: row.id, organization: row.name },
      hash: bound?.hash ?? null,
    });
    return { name: row.name };
  });
}

/** The convener removes a signatory (an original or one that joined), with a reason. */
export async function removeSignatory(
  db: Kysely<Database>,
  user: CurrentUser,
  statementId: string,
  key: string,
  reason: string,
): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const versions = await finalVersions(trx, statementId);
    const current = versions[versions.length - 1];
    if (!current) throw notFound("That signatory");
    const entry = (await signatoriesOf(trx, statementId, versions, current)).find((s) => s.key === key);
    if (!entry) throw notFound("That signatory");
    const ending = { status: "removed", ended_at: now, ended_by: user.id, ended_reason: reason };
    if (key.startsWith("org:")) {
      await upsertOrgRow(trx, statementId, key.slice(4), entry, ending);
    } else {
      await trx
        .updateTable("signatories")
        .set(ending)
        .where("id", "=", key)
        .where("statement_id", "=", statementId)
        .execute();
    }
    await recordAudit(trx, {
      statementId,
      actorId: user.id,
      action: "signatory.removed",
      detail: { key, organization: entry.name, reason },
      hash: entry.hash,
    });
  });
}

/** The signatories row of an original (created the first time it is needed), updated with `set`. */
async function upsertOrgRow(
  trx: Transaction<Database>,
  statementId: string,
  organizationId: string,
  entry: Pick<PublicSignatory, "name" | "sortKey" | "stakeholderGroup">,
  set: { status: string; ended_at: number | null; ended_by: string | null; ended_reason: string | null },
): Promise<string> {
  const existing = await trx
    .selectFrom("signatories")
    .select("id")
    .where("statement_id", "=", statementId)
    .where("organization_id", "=", organizationId)
    .executeTakeFirst();
  if (existing) {
    await trx.updateTable("signatories").set(set).where("id", "=", existing.id).execute();
    return existing.id;
  }
  const id = newId();
  await trx
    .insertInto("signatories")
    .values({
      id,
      statement_id: statementId,
      organization_id: organizationId,
      request_id: null,
      name: entry.name,
      name_key: `org:${organizationId}`,
      sort_key: entry.sortKey,
      stakeholder_group: entry.stakeholderGroup ?? "technical-community",
      website: null,
      country: null,
      contact_email: null,
      created_at: Date.now(),
      ...set,
    })
    .execute();
  return id;
}

/** Someone to ask to confirm a new final version: an earlier signatory with an email address. */
export interface Reconfirmation {
  key: string;
  name: string;
  email: string;
  previousHash: string;
  token: string;
}

/**
 * After a new lock: a single-use confirmation link for every earlier-version signatory we can reach (sign-ons by
 * their contact, originals by the person who signed for them). Idempotent per (signatory, version).
 */
export async function issueReconfirmations(
  db: Kysely<Database>,
  statementId: string,
): Promise<{ version: FinalVersion; previous: FinalVersion; asks: Reconfirmation[] } | null> {
  try {
    return await issueReconfirmationsOnce(db, statementId);
  } catch (err) {
    // Another instance issued these links at the same moment (a unique index allows one per signatory).
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

async function issueReconfirmationsOnce(
  db: Kysely<Database>,
  statementId: string,
): Promise<{ version: FinalVersion; previous: FinalVersion; asks: Reconfirmation[] } | null> {
  return db.transaction().execute(async (trx) => {
    const versions = await finalVersions(trx, statementId);
    const version = versions[versions.length - 1];
    const previous = versions[versions.length - 2];
    if (!version || !previous || version.unlockedAt !== null || previous.hash === version.hash) return null;
    const already = await trx
      .selectFrom("email_tokens")
      .select("subject_id")
      .where("statement_id", "=", statementId)
      .where("purpose", "=", "reconfirm")
      .where("version_id", "=", version.versionId)
      .execute();
    const done = new Set(already.map((r) => r.subject_id));
    const list = await signatoriesOf(trx, statementId, versions, version);
    const asks: Reconfirmation[] = [];
    for (const s of list) {
      if (s.status !== "earlier-version" || done.has(s.key)) continue;
      let email: string | null = null;
      if (s.key.startsWith("org:")) {
        const signer = await trx
          .selectFrom("document_signatures")
          .innerJoin("users", "users.id", "document_signatures.user_id")
          .select("users.email")
          .where("document_signatures.statement_id", "=", statementId)
          .where("document_signatures.organization_id", "=", s.key.slice(4))
          .where("document_signatures.hash", "=", s.hash)
          .orderBy("document_signatures.id", "desc")
          .executeTakeFirst();
        email = signer?.email ?? null;
      } else {
        const row = await trx
          .selectFrom("signatories")
          .select("contact_email")
          .where("id", "=", s.key)
          .executeTakeFirst();
        email = row?.contact_email ?? null;
      }
      if (!email) continue;
      const token = await issueToken(trx, {
        purpose: "reconfirm",
        statementId,
        subjectId: s.key,
        versionId: version.versionId,
        ttlMs: RECONFIRM_TTL_MS,
      });
      asks.push({ key: s.key, name: s.name, email, previousHash: s.hash, token });
    }
    return { version, previous, asks };
  });
}

/** An earlier signatory confirms the new text through its link. Null when the link is used, expired or stale. */
export async function reconfirm(
  db: Kysely<Database>,
  statementId: string,
  token: string,
): Promise<{ name: string; hash: string } | null> {
  return db.transaction().execute(async (trx) => {
    const t = await useToken(trx, statementId, "reconfirm", token);
    if (!t || t.version_id === null) return null;
    const versions = await finalVersions(trx, statementId);
    const version = versions.find((v) => v.versionId === Number(t.version_id));
    if (!version) return null;
    const entry = (await signatoriesOf(trx, statementId, versions, version)).find((s) => s.key === t.subject_id);
    if (!entry) return null;
    const now = Date.now();
    const signatoryId = t.subject_id.startsWith("org:")
      ? await upsertOrgRow(trx, statementId, t.subject_id.slice(4), entry, {
          status: "active",
          ended_at: null,
          ended_by: null,
          ended_reason: null,
        })
      : t.subject_id;
    await trx
      .insertInto("signatory_hashes")
      .values({
        signatory_id: signatoryId,
        version_id: version.versionId,
        hash: version.hash,
        via: "confirmation",
        at: now,
      })
      .onConflict((oc) => oc.columns(["signatory_id", "version_id"]).doNothing())
      .execute();
    await recordAudit(trx, {
      statementId,
      actorId: null,
      action: "signatory.confirmed",
      detail: { key: t.subject_id, organization: entry.name, previousHash: entry.hash },
      hash: version.hash,
    });
    return { name: entry.name, hash: version.hash };
  });
}

/** Publishes or unpublishes a statement (it must have a final version to be published). */
export async function setPublished(
  db: Kysely<Database>,
  user: CurrentUser,
  statementId: string,
  published: boolean,
): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const versions = await finalVersions(trx, statementId);
    const current = versions[versions.length - 1];
    if (published && !current)
      throw conflict("Lock the statement before publishing it: only a final text can be published.");
    const existing = await trx
      .selectFrom("publications")
      .selectAll()
      .where("statement_id", "=", statementId)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable("publications")
        .set({
          published: published ? 1 : 0,
          changed_by: user.id,
          changed_at: now,
          published_at: existing.published_at ?? (published ? now : null),
        })
        .where("statement_id", "=", statementId)
        .execute();
    } else {
      await trx
        .insertInto("publications")
        .values({
          statement_id: statementId,
          published: published ? 1 : 0,
          changed_by: user.id,
          changed_at: now,
          published_at: published ? now : null,
        })
        .execute();
    }
    await recordAudit(trx, {
      statementId,
      actorId: user.id,
      action: published ? "publication.published" : "publication.unpublished",
      detail: { versionId: current?.versionId ?? null },
      hash: current?.hash ?? null,
    });
  });
}
