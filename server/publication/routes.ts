/**
 * Publication routes.
 *
 * Public, server-rendered, no session (`publicRoutes`):
 *   GET  /p/:slug[?group=…]          the page of the current final version (404 unless published)
 *   GET  /p/:slug.json | /p/:slug.md the same, machine-readable / the canonical Markdown
 *   GET  /p/:slug/v/:vid[.json|.md]  an earlier final version, with its own hash and list
 *   POST /p/:slug/sign-on            the sign-on form (form-encoded or JSON; honeypot `website_url`)
 *   GET/POST /p/:slug/confirm/:token | /withdraw/:token | /reconfirm/:token
 *                                    a page with one button, then the single-use action (a GET never acts,
 *                                    so that mail scanners opening links change nothing)
 *   GET  /publication/verify.js | /publication/public.css   the page's static script and style
 *
 * For conveners (`publicationApiRoutes`, under /api with the session): the publication switch, the sign-on
 * inbox and decisions, removal, the CSV of signatories; for the admin, the mail outbox; and invitations by email.
 *
 * Abuse: every public request is counted per client address (`TRUST_PROXY`-aware) and sign-on submissions also
 * per statement (token buckets; 429 with Retry-After); the honeypot answers like a success and stores nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv, Services } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { clientAddress } from "../http/client-address";
import { requireMembership } from "../statements/access";
import { createInvite } from "../statements/invites";
import { AppError, badRequest, conflict, forbidden, notFound, tooManyRequests } from "../errors";
import { RateLimiter } from "../auth/throttle";
import { canManageMembers } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { StakeholderGroups } from "../../shared/roles";
import { diffWords } from "../../shared/diff";
import {
  decisionSchema,
  inviteEmailSchema,
  publishSchema,
  removeSignatorySchema,
  signOnSchema,
} from "../../shared/publication";
import type { PublicationDto, PublicStatementJson, PublicSignatory } from "../../shared/publication";
import { mailerFor, readOutbox, sendMail } from "../mail/mailer";
import {
  confirmRequest,
  createRequest,
  decideRequest,
  finalVersions,
  issueReconfirmations,
  listRequests,
  peekToken,
  reconfirm,
  removeSignatory,
  setPublished,
  signatoriesOf,
  statementBySlug,
  withdraw,
} from "./store";
import type { FinalVersion, PublicStatement } from "./store";
import { formatDate, messagePage, statementPage } from "./page";
import { plural } from "../../shared/plural";

/** Request limits of the public routes (per server; tests may change them with `setPublicationLimits`). */
export interface PublicationLimits {
  /** Public requests (pages, files, forms) one address may make at once, refilled per minute. */
  addressBurst: number;
  addressPerMinute: number;
  /** Sign-on submissions one statement accepts at once (from everywhere), refilled per minute. */
  statementBurst: number;
  statementPerMinute: number;
}

export const PUBLICATION_LIMITS: PublicationLimits = {
  addressBurst: 30,
  addressPerMinute: 30,
  statementBurst: 20,
  statementPerMinute: 10,
};

interface Limiters {
  address: RateLimiter;
  statement: RateLimiter;
}
const limiters = new WeakMap<object, Limiters>();

/** Replaces a server's public limits (fresh buckets). */
export function setPublicationLimits(services: Services, limits: Partial<PublicationLimits>): void {
  const l = { ...PUBLICATION_LIMITS, ...limits };
  limiters.set(services, {
    address: new RateLimiter(l.addressBurst, l.addressPerMinute),
    statement: new RateLimiter(l.statementBurst, l.statementPerMinute),
  });
}

function limitersFor(services: Services): Limiters {
  if (!limiters.has(services)) setPublicationLimits(services, {});
  return limiters.get(services)!;
}

function refuse(c: Context, retryAfterMs: number, what: string): never {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  c.header("Retry-After", String(seconds));
  throw tooManyRequests(`Too many ${what}. Try again in ${plural(seconds, "second")}.`);
}

/**
 * The page's static files live beside this module in the sources; the built server (one bundled file in
 * dist/server) finds them in the sources of the checkout it runs from, which `npm start` always has.
 */
const ASSET_DIRS = [
  path.join(path.dirname(fileURLToPath(import.meta.url)), "assets"),
  path.resolve("server/publication/assets"),
];
function asset(name: string): string {
  for (const dir of ASSET_DIRS) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  }
  throw new Error(`publication asset ${name} not found in ${ASSET_DIRS.join(" or ")}`);
}

/** The origin to put in emailed links: the request's own when it is an allowed one, else the first allowed. */
function linkOrigin(c: Context<AppEnv>): string {
  const allowed = c.var.services.origins();
  const own = new URL(c.req.url).origin;
  return allowed.includes(own) ? own : (allowed[0] ?? own);
}

/** Whether the caller wants JSON back (fetch clients) rather than a page (a form post). */
function wantsJson(c: Context): boolean {
  return (
    (c.req.header("content-type") ?? "").includes("application/json") ||
    (c.req.header("accept") ?? "").startsWith("application/json")
  );
}

/** A published statement and the final version asked for (the newest one without `versionId`), or 404. */
async function publicVersion(services: Services, slug: string, versionId?: number) {
  const st = await statementBySlug(services.db, slug);
  if (!st || !st.published) throw notFound("That statement");
  const versions = await finalVersions(services.db, st.id);
  if (versions.length === 0) throw notFound("That statement");
  const newest = versions[versions.length - 1];
  const version = versionId === undefined ? newest : versions.find((v) => v.versionId === versionId);
  if (!version) throw notFound("That version");
  const phase = await services.db
    .selectFrom("statements")
    .select("phase")
    .where("id", "=", st.id)
    .executeTakeFirstOrThrow();
  return { st, versions, version, current: version.versionId === newest.versionId, revising: phase.phase !== "final" };
}

function publicJson(
  origin: string,
  st: PublicStatement,
  version: FinalVersion,
  versions: FinalVersion[],
  list: PublicSignatory[],
  current: boolean,
): PublicStatementJson {
  const base = `${origin}/p/${encodeURIComponent(st.slug)}`;
  const newest = versions[versions.length - 1].versionId;
  return {
    title: st.title,
    slug: st.slug,
    url: current ? base : `${base}/v/${version.versionId}`,
    text: version.markdown,
    hash: version.hash,
    lockedAt: new Date(version.lockedAt).toISOString(),
    versionId: version.versionId,
    current,
    signatories: list.map(({ key: _k, signedAt, ...s }) => ({ ...s, signedAt: new Date(signedAt).toISOString() })),
    versions: versions.map((v) => ({
      versionId: v.versionId,
      hash: v.hash,
      lockedAt: new Date(v.lockedAt).toISOString(),
      url: v.versionId === newest ? base : `${base}/v/${v.versionId}`,
    })),
  };
}

/** The word diff as plain text: [-removed-] {+added+}, as `wdiff` writes it. */
function diffText(before: string, after: string): string {
  return diffWords(before, after)
    .map((p) => (p.op === "equal" ? p.text : p.op === "delete" ? `[-${p.text}-]` : `{+${p.text}+}`))
    .join("");
}

/** Sends the "confirm the new text" emails after a new lock (once per signatory and version). */
async function askToReconfirm(services: Services, statementId: string): Promise<void> {
  const pub = await services.db
    .selectFrom("publications")
    .select("published")
    .where("statement_id", "=", statementId)
    .executeTakeFirst();
  if (pub?.published !== 1) return;
  const issued = await issueReconfirmations(services.db, statementId);
  if (!issued || issued.asks.length === 0) return;
  const st = await services.db
    .selectFrom("statements")
    .select(["slug", "title"])
    .where("id", "=", statementId)
    .executeTakeFirstOrThrow();
  const origin = services.origins()[0] ?? "";
  const versions = await finalVersions(services.db, statementId);
  for (const ask of issued.asks) {
    const before = versions.find((v) => v.hash === ask.previousHash)?.markdown ?? issued.previous.markdown;
    await sendMail(services, {
      to: ask.email,
      subject: `A new final text of “${st.title}”: confirm your signature`,
      text: [
        `${ask.name} signed an earlier final version of “${st.title}” (SHA-256 ${ask.previousHash}).`,
        `A new final version was locked (SHA-256 ${issued.version.hash}). Until you confirm it, the public page lists ${ask.name} as having signed an earlier version.`,
        "",
        "What changed ([-removed-] {+added+}):",
        "",
        diffText(before, issued.version.markdown),
        "",
        `To sign the new text, open this link and confirm (single use, valid for 60 days):`,
        `${origin}/p/${st.slug}/reconfirm/${ask.token}`,
        "",
        `The public page: ${origin}/p/${st.slug}`,
      ].join("\n"),
    });
  }
}

/** Every public request is counted per address; a form post must come from our own pages. */
const publicGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const services = c.var.services;
  const refusal = limitersFor(services).address.take(clientAddress(c, services.proxyTrust));
  if (refusal) refuse(c, refusal.retryAfterMs, "requests from your address");
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    if (origin !== undefined && !services.origins().includes(origin))
      throw forbidden(`Requests from origin ${origin} are not allowed.`);
  }
  await next();
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-cache");
};

/** A final version as a page, its JSON or its canonical Markdown. */
async function answerPage(
  c: Context<AppEnv>,
  slug: string,
  versionId: number | undefined,
  format: "html" | "json" | "md",
) {
  const services = c.var.services;
  const { st, versions, version, current, revising } = await publicVersion(services, slug, versionId);
  const list = await signatoriesOf(services.db, st.id, versions, version);
  const origin = linkOrigin(c);
  if (format === "md") {
    const name = current ? `${st.slug}.md` : `${st.slug}-v${version.versionId}.md`;
    c.header("Content-Disposition", `attachment; filename="${name}"`);
    c.header("X-Content-SHA256", version.hash);
    return c.body(version.markdown, 200, { "Content-Type": "text/markdown; charset=utf-8" });
  }
  if (format === "json") return c.json(publicJson(origin, st, version, versions, list, current));
  const g = c.req.query("group");
  const group = g && (StakeholderGroups as readonly string[]).includes(g) ? (g as StakeholderGroup) : null;
  const url = `${origin}/p/${encodeURIComponent(st.slug)}${current ? "" : `/v/${version.versionId}`}`;
  return c.html(statementPage({ statement: st, version, versions, signatories: list, url, group, current, revising }));
}

/** `name.json` → [name, "json"]; `name.md` → [name, "md"]; else the page. */
const splitFormat = (name: string): [string, "html" | "json" | "md"] =>
  name.endsWith(".json")
    ? [name.slice(0, -5), "json"]
    : name.endsWith(".md")
      ? [name.slice(0, -3), "md"]
      : [name, "html"];

/** The sign-on form: validate, honeypot, per-statement limit, store, mail the confirmation link. */
async function signOn(c: Context<AppEnv>, slug: string) {
  const services = c.var.services;
  const { st, version, current, revising } = await publicVersion(services, slug);
  if (!current) throw notFound("That statement");
  // While the coalition revises the text, nobody can know which text they would be signing.
  if (revising)
    throw conflict("This statement is being revised: sign-on requests reopen once the new final text is locked.");
  const json = (c.req.header("content-type") ?? "").includes("application/json");
  let raw: unknown;
  if (json) raw = await c.req.json().catch(() => null);
  else raw = Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === "string"));
  const parsed = signOnSchema.safeParse(raw);
  const pagePath = `/p/${st.slug}`;
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`);
    if (json)
      throw badRequest(problems.join(" "), {
        fields: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    return c.html(
      messagePage("Your request could not be sent", problems, undefined, {
        href: `${pagePath}#sign-on`,
        label: "Back to the form",
      }),
      400,
    );
  }
  const sent = () =>
    json
      ? c.json({ ok: true, status: "unconfirmed", message: "Check your email to confirm the request." }, 202)
      : c.html(
          messagePage(
            "Check your email",
            [
              `We sent a link to ${parsed.data.email}. Open it to confirm your request; the convener sees it only after that.`,
              "The link is valid for 48 hours.",
            ],
            undefined,
            { href: pagePath, label: "Back to the statement" },
          ),
          202,
        );
  // The honeypot: bots fill every field. Answer as for a person, keep nothing.
  if (parsed.data.website_url) return sent();
  const refusal = limitersFor(services).statement.take(st.id);
  if (refusal) refuse(c, refusal.retryAfterMs, "sign-on requests for this statement");
  const { id: requestId, token } = await createRequest(services.db, st, version, parsed.data);
  const mailed = await sendMail(services, {
    to: parsed.data.email,
    subject: `Confirm your request to sign on to “${st.title}”`,
    text: [
      `Hello ${parsed.data.contactName},`,
      "",
      `You asked to add ${parsed.data.organization} to the signatories of “${st.title}”, whose final text has the SHA-256 ${version.hash}.`,
      "",
      "Confirm your email address with this link (single use, valid for 48 hours):",
      `${linkOrigin(c)}/p/${st.slug}/confirm/${token}`,
      "",
      "The convener reviews the request after that, and you will hear from us. If you did not ask, ignore this message.",
    ].join("\n"),
  });
  if (!mailed) {
    // Without the link nobody can confirm: free the organization's place rather than hold it for 48 hours.
    await services.db.updateTable("sign_on_requests").set({ status: "expired" }).where("id", "=", requestId).execute();
    throw new AppError("internal", "We could not send the confirmation email. Please try again later.");
  }
  return sent();
}

const listened = new WeakSet<object>();

/** The public routes (see the header). Listens for new locks to ask earlier signatories to confirm. */
export function publicRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (!listened.has(services)) {
    listened.add(services);
    services.events.on((ev) => {
      if (ev.kind !== "statement.phase") return;
      void askToReconfirm(services, ev.statementId).catch((err) =>
        services.log("publication: reconfirmation mail failed", err),
      );
    });
  }
  const verifyJs = asset("verify.js");
  const publicCss = asset("public.css");

  app.get("/publication/verify.js", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.body(verifyJs, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get("/publication/public.css", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.body(publicCss, 200, { "Content-Type": "text/css; charset=utf-8" });
  });

  app.use("/p/*", publicGuard);

  app.get("/p/:slug", (c) => {
    const [slug, format] = splitFormat(c.req.param("slug"));
    return answerPage(c, slug, undefined, format);
  });
  app.get("/p/:slug/v/:vid", (c) => {
    const [vid, format] = splitFormat(c.req.param("vid"));
    const n = z.coerce.number().int().positive().safeParse(vid);
    if (!n.success) throw notFound("That version");
    return answerPage(c, c.req.param("slug"), n.data, format);
  });

  app.post("/p/:slug/sign-on", (c) => signOn(c, c.req.param("slug")));

  /** A page with one button for a token link; the POST acts. */
  const tokenAction = (
    purpose: "confirm" | "withdraw" | "reconfirm",
    texts: { title: string; intro: (st: PublicStatement) => string; button: string },
    act: (services: Services, st: PublicStatement, token: string) => Promise<string[] | null>,
  ) => {
    const route = `/p/:slug/${purpose}/:token`;
    app.get(route, async (c) => {
      const { st } = await publicVersion(c.var.services, c.req.param("slug") ?? "");
      const token = c.req.param("token") ?? "";
      const valid = await peekToken(c.var.services.db, st.id, purpose, token);
      if (!valid)
        return c.html(
          messagePage("This link is no longer valid", ["It was already used, or it expired."], undefined, {
            href: `/p/${st.slug}`,
            label: "Go to the statement",
          }),
          410,
        );
      return c.html(
        messagePage(texts.title, [texts.intro(st)], {
          action: `/p/${st.slug}/${purpose}/${token}`,
          button: texts.button,
        }),
      );
    });
    app.post(route, async (c) => {
      const { st } = await publicVersion(c.var.services, c.req.param("slug") ?? "");
      const done = await act(c.var.services, st, c.req.param("token") ?? "");
      if (!done) {
        if (wantsJson(c)) throw new AppError("not_found", "This link was already used, or it expired.", undefined, 410);
        return c.html(
          messagePage("This link is no longer valid", ["It was already used, or it expired."], undefined, {
            href: `/p/${st.slug}`,
            label: "Go to the statement",
          }),
          410,
        );
      }
      if (wantsJson(c)) return c.json({ ok: true, message: done.join(" ") });
      return c.html(
        messagePage(done[0], done.slice(1), undefined, { href: `/p/${st.slug}`, label: "Go to the statement" }),
      );
    });
  };

  tokenAction(
    "confirm",
    {
      title: "Confirm your request",
      intro: (st) => `Confirm your email address to send your request to sign on to “${st.title}” to its convener.`,
      button: "Confirm my request",
    },
    async (services, st, token) => {
      const r = await confirmRequest(services.db, st.id, token);
      return r
        ? [
            "Request confirmed",
            `Thank you. The convener will review the request for ${r.organization}; we will email you the decision.`,
          ]
        : null;
    },
  );
  tokenAction(
    "withdraw",
    {
      title: "Withdraw your signature",
      intro: (st) =>
        `Remove your organization from the signatories of “${st.title}”. This cannot be undone from this link.`,
      button: "Withdraw our signature",
    },
    async (services, st, token) => {
      const r = await withdraw(services.db, st.id, token);
      return r ? ["Signature withdrawn", `${r.name} is no longer listed as a signatory.`] : null;
    },
  );
  tokenAction(
    "reconfirm",
    {
      title: "Sign the new final text",
      intro: (st) =>
        `Confirm that your organization signs the new final text of “${st.title}” (the email you received shows what changed).`,
      button: "Sign the new text",
    },
    async (services, st, token) => {
      const r = await reconfirm(services.db, st.id, token);
      return r ? ["Thank you", `${r.name} is listed as a signatory of the new text (SHA-256 ${r.hash}).`] : null;
    },
  );

  // A person's browser gets a page for a missing statement or a refused request; everything else (JSON, the
  // .md, fetch clients) gets the app's one error body from `onError` in app.ts.
  app.onError((err, c) => {
    const accept = c.req.header("accept") ?? "";
    if (!(err instanceof AppError) || !accept.includes("text/html") || /\.(json|md)$/.test(c.req.path)) throw err;
    if (err.code === "too_many_requests") {
      const retry = c.res.headers.get("Retry-After");
      if (retry) c.header("Retry-After", retry);
    }
    const title =
      err.code === "not_found"
        ? "Not found"
        : err.code === "too_many_requests"
          ? "Too many requests"
          : "This did not work";
    const text =
      err.code === "not_found" ? "There is no published statement here (it may have been taken down)." : err.message;
    return c.html(messagePage(title, [text], undefined, { href: "/", label: "Go to Concord" }), err.status);
  });

  return app;
}

/** Requires the caller to be a convener of the statement (404 for non-members). */
async function requireConvener(c: Context<AppEnv>) {
  const user = requireUser(c);
  const id = c.req.param("id") as string;
  const me = await requireMembership(
    c.var.services.db,
    id,
    user.id,
    (m) => canManageMembers(m.role),
    "Only a convener can manage the publication.",
  );
  return { user, id, me };
}

/** A CSV field: quoted, with formula-looking values defused (spreadsheets run `=…`). */
function csvField(v: string | number | null): string {
  let s = v === null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The convener's and admin's routes (see the header), under /api. */
export function publicationApiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const view = async (services: Services, statementId: string): Promise<PublicationDto> => {
    const st = await services.db
      .selectFrom("statements")
      .leftJoin("publications", "publications.statement_id", "statements.id")
      .select(["statements.slug", "publications.published"])
      .where("statements.id", "=", statementId)
      .executeTakeFirstOrThrow();
    const versions = await finalVersions(services.db, statementId);
    const current = versions[versions.length - 1] ?? null;
    const list = current ? await signatoriesOf(services.db, statementId, versions, current) : [];
    const strip = (v: FinalVersion) => ({
      versionId: v.versionId,
      hash: v.hash,
      lockedAt: v.lockedAt,
      unlockedAt: v.unlockedAt,
    });
    return {
      statementId,
      slug: st.slug,
      published: st.published === 1,
      current: current ? strip(current) : null,
      versions: versions.map(strip),
      requests: await listRequests(services.db, statementId, list),
      signatories: list,
      mail: mailerFor(services).kind,
    };
  };

  // The API's names for the public JSON and the sign-on form (docs/ARCHITECTURE): the same answers as /p/….
  app.use("/public/*", publicGuard);
  app.get("/public/:slug", (c) => answerPage(c, c.req.param("slug"), undefined, "json"));
  app.post("/public/:slug/sign-on", (c) => signOn(c, c.req.param("slug")));

  app.get("/statements/:id/publication", async (c) => {
    const { id } = await requireConvener(c);
    return c.json(await view(c.var.services, id));
  });

  app.put("/statements/:id/publication", async (c) => {
    const { id, user } = await requireConvener(c);
    const body = await parseBody(c, publishSchema);
    await setPublished(c.var.services.db, user, id, body.published);
    if (body.published)
      void askToReconfirm(c.var.services, id).catch((err) =>
        c.var.services.log("publication: reconfirmation mail failed", err),
      );
    return c.json(await view(c.var.services, id));
  });

  app.post("/statements/:id/sign-on-requests/:rid/decision", async (c) => {
    const { id, user } = await requireConvener(c);
    const body = await parseBody(c, decisionSchema);
    const services = c.var.services;
    const outcome = await decideRequest(services.db, user, id, c.req.param("rid"), body);
    // Approved on a text that has since been replaced: ask at once to confirm the current one.
    if (outcome.decision === "approve") {
      void askToReconfirm(services, id).catch((err) => services.log("publication: reconfirmation mail failed", err));
    }
    const st = await services.db
      .selectFrom("statements")
      .select(["slug", "title"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const origin = linkOrigin(c);
    const approved = outcome.decision === "approve";
    await sendMail(services, {
      to: outcome.request.email,
      subject: approved
        ? `${outcome.request.organization} now signs “${st.title}”`
        : `Your request to sign on to “${st.title}”`,
      text: [
        `Hello ${outcome.request.contactName},`,
        "",
        approved
          ? `The convener approved your request: ${outcome.request.organization} is listed as a signatory of “${st.title}” (SHA-256 ${outcome.request.hash}).`
          : `The convener declined your request to add ${outcome.request.organization} to the signatories of “${st.title}”.`,
        ...(outcome.message ? ["", "Message from the convener:", outcome.message] : []),
        ...(approved
          ? [
              "",
              `The public page: ${origin}/p/${st.slug}`,
              "",
              "Keep this private link: it lets your organization withdraw its signature at any time.",
              `${origin}/p/${st.slug}/withdraw/${outcome.withdrawToken}`,
            ]
          : []),
      ].join("\n"),
    });
    return c.json(await view(services, id));
  });

  app.post("/statements/:id/signatories/remove", async (c) => {
    const { id, user } = await requireConvener(c);
    const body = await parseBody(c, removeSignatorySchema);
    await removeSignatory(c.var.services.db, user, id, body.key, body.reason);
    return c.json(await view(c.var.services, id));
  });

  app.get("/statements/:id/signatories.csv", async (c) => {
    const { id } = await requireConvener(c);
    const services = c.var.services;
    const versions = await finalVersions(services.db, id);
    const current = versions[versions.length - 1];
    if (!current) throw notFound("A final version");
    const list = await signatoriesOf(services.db, id, versions, current);
    const st = await services.db.selectFrom("statements").select("slug").where("id", "=", id).executeTakeFirstOrThrow();
    const rows = [
      ["name", "sort_key", "stakeholder_group", "status", "date", "hash", "website", "country"].map(csvField).join(","),
      ...list.map((s) =>
        [
          s.name,
          s.sortKey,
          s.stakeholderGroup,
          s.status,
          new Date(s.signedAt).toISOString(),
          s.hash,
          s.website,
          s.country,
        ]
          .map(csvField)
          .join(","),
      ),
    ];
    c.header("Content-Disposition", `attachment; filename="${st.slug}-signatories.csv"`);
    return c.body(`${rows.join("\r\n")}\r\n`, 200, { "Content-Type": "text/csv; charset=utf-8" });
  });

  app.get("/admin/outbox", async (c) => {
    const user = requireUser(c);
    if (!user.isAdmin) throw forbidden("Only the instance admin reads the outbox.");
    return c.json({ mail: mailerFor(c.var.services).kind, messages: await readOutbox(c.var.services.db) });
  });

  app.post("/statements/:id/invites/email", async (c) => {
    const { id, user } = await requireConvener(c);
    const body = await parseBody(c, inviteEmailSchema);
    const services = c.var.services;
    if (body.organizationId) {
      const org = await services.db
        .selectFrom("organizations")
        .select("id")
        .where("id", "=", body.organizationId)
        .executeTakeFirst();
      if (!org) throw badRequest("That organization does not exist.");
    }
    const invite = await createInvite(services, {
      statementId: id,
      role: body.role,
      organizationId: body.organizationId ?? null,
      createdBy: user.id,
      expiresInHours: body.expiresInHours ?? 7 * 24,
      sentTo: body.email,
    });
    const st = await services.db
      .selectFrom("statements")
      .select("title")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const sent = await sendMail(services, {
      to: body.email,
      subject: `${user.name} invites you to “${st.title}” on Concord`,
      text: [
        `${user.name} invites you to work on “${st.title}” as ${body.role}.`,
        "",
        `Accept the invitation (valid until ${new Date(invite.expiresAt).toUTCString()}):`,
        `${linkOrigin(c)}/invite/${invite.token}`,
      ].join("\n"),
    });
    if (!sent)
      throw new AppError(
        "internal",
        "The invitation was created but the email could not be sent; share the link instead.",
      );
    return c.json({ ok: true, expiresAt: invite.expiresAt, mail: mailerFor(services).kind }, 201);
  });

  return app;
}

export { formatDate };
