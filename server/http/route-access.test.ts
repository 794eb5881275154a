/**
 * Who may call what: every HTTP route the app registers and every realtime message type, walked as each kind of
 * caller that must be refused something, with the exact status (or refusal) each one gets.
 *
 * The list of routes comes from Hono itself (`app.routes` of the app `createApp` builds), so a route added later
 * fails "every route is in the table" until someone writes down who may call it; the list of message types comes
 * from `shared/protocol.ts` the same way. Public routes are in the table too, marked `public`.
 *
 * Callers (columns), each on a statement `S` in drafting unless said otherwise:
 * - `anon`      no session cookie
 * - `outsider`  signed in, not a member of the statement
 * - `observer`, `reviewer`  members of S (representing organization A)
 * - `otherOrg`  a drafter of S who represents organization B, acting for A where a body names an organization
 * - `locked`    the convener of L, a statement that is locked (final)
 * - `foreign`   the convener of S, with `Origin: http://evil.example`
 *
 * Bodies: each route gets `{}` unless it needs a valid body for the refusal to come from the role check rather
 * than validation (sign-offs, signatures, lock, unlock). A caller who is allowed and sends `{}` gets 400, which
 * the table says: it shows that only validation stood in the way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import * as awarenessProtocol from "y-protocols/awareness";
import type WebSocket from "ws";
import type { RunningServer } from "../server";
import { createApp } from "../app";
import { setPublicationLimits } from "../publication/routes";
import {
  ApiClient,
  closeCode,
  connectProvider,
  eventually,
  rawSocket,
  receivedFrames,
  signUp,
  startTestServer,
  synced,
  upgradeStatus,
} from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import { sha256Hex } from "../../shared/canonical";
import { CloseCode, MessageType, SyncMessageType } from "../../shared/protocol";

const Callers = ["anon", "outsider", "observer", "reviewer", "otherOrg", "locked", "foreign"] as const;
type Caller = (typeof Callers)[number];
/** Expected statuses in the order of {@link Callers}. */
type Row = readonly [
  anon: number,
  outsider: number,
  observer: number,
  reviewer: number,
  otherOrg: number,
  locked: number,
  foreign: number,
];

const EVIL = "http://evil.example";

interface Fixture {
  orgA: string;
  orgB: string;
  /** The statement in drafting and the locked one. */
  S: Ids;
  L: Ids;
  inviteToken: string;
  /** A fresh invite to S for each caller (accepting one uses it up). */
  inviteTokens: Record<Caller, string>;
  slug: string;
  adminSessionOfOther: string;
  /** The statement's current canonical text (what a signer or the convener is shown). */
  text: (statementId: string) => Promise<string>;
}
interface Ids {
  id: string;
  threadId: string;
  commentId: string;
  versionId: number;
  /** Drafters nobody else needs, one per route that removes a member. */
  spareUserIds: [string, string];
  clauseId: string;
}

interface Route {
  /** "METHOD /path" exactly as Hono registers it. */
  route: string;
  expect: Row;
  /** A route anyone may call without a session (still listed, with what each caller gets). */
  public?: true;
  /** A valid body for a caller on the statement `on` (default `{}`). */
  body?: (f: Fixture, on: Ids, caller: Caller) => Promise<unknown> | unknown;
}

// Shorthands for the rows most routes share; every route still names its own row.
/** Readable by every member, in any phase; non-members learn nothing (404). */
const MEMBER_READ: Row = [401, 404, 200, 200, 200, 200, 200];
/** Conveners only; a convener sending `{}` gets 400. */
const CONVENER_WRITE: Row = [401, 404, 403, 403, 403, 400, 403];
/** Conveners only, read. */
const CONVENER_READ: Row = [401, 404, 403, 403, 403, 200, 200];

const TABLE: Route[] = [
  // Accounts (public: sign-up and login; the rest need a session).
  { route: "POST /api/auth/signup", public: true, expect: [400, 400, 400, 400, 400, 400, 403] },
  { route: "POST /api/auth/login", public: true, expect: [400, 400, 400, 400, 400, 400, 403] },
  { route: "POST /api/auth/password", expect: [401, 400, 400, 400, 400, 400, 403] },
  { route: "GET /api/auth/sessions", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "POST /api/auth/sessions/revoke-others", expect: [401, 200, 200, 200, 200, 200, 403] },
  // Someone else's session (the admin's): as unknown as a session that does not exist.
  { route: "DELETE /api/auth/sessions/:session", expect: [401, 404, 404, 404, 404, 404, 403] },
  { route: "GET /api/me", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "GET /api/me/unread", expect: [401, 200, 200, 200, 200, 200, 200] },
  // Notifications are the caller's own (other people's ids match nothing); `{}` is neither `ids` nor `all`.
  { route: "GET /api/me/notifications", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "POST /api/me/notifications/read", expect: [401, 400, 400, 400, 400, 400, 403] },
  // The per-user event stream answers only a request for text/event-stream (an EventSource): 400 here.
  { route: "GET /api/me/events", expect: [401, 400, 400, 400, 400, 400, 400] },

  // Organizations: anyone signed in reads; the admin and conveners create; conveners of statements the
  // organization takes part in edit; only the admin deletes and merges.
  { route: "GET /api/organizations", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "GET /api/organizations/permissions", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "POST /api/organizations", expect: [401, 403, 403, 403, 403, 400, 403] },
  { route: "PATCH /api/organizations/:org", expect: [401, 403, 403, 403, 403, 200, 403] },
  { route: "DELETE /api/organizations/:org", expect: [401, 403, 403, 403, 403, 403, 403] },
  { route: "POST /api/organizations/:org/merge", expect: [401, 403, 403, 403, 403, 403, 403] },

  // Statements and members.
  { route: "GET /api/statements", expect: [401, 200, 200, 200, 200, 200, 200] },
  { route: "POST /api/statements", expect: [401, 400, 400, 400, 400, 400, 403] },
  { route: "GET /api/statements/:id", expect: MEMBER_READ },
  { route: "PATCH /api/statements/:id", expect: CONVENER_WRITE },
  { route: "POST /api/statements/:id/members", expect: CONVENER_WRITE },
  { route: "PATCH /api/statements/:id/members", expect: CONVENER_WRITE },
  {
    route: "DELETE /api/statements/:id/members",
    expect: [401, 404, 403, 403, 403, 200, 403],
    body: (_f, on) => ({ userId: on.spareUserIds[0] }),
  },
  { route: "DELETE /api/statements/:id/members/:userId", expect: [401, 404, 403, 403, 403, 200, 403] },
  { route: "POST /api/statements/:id/invites", expect: CONVENER_WRITE },
  { route: "POST /api/statements/:id/invites/email", expect: CONVENER_WRITE },
  { route: "GET /api/statements/:id/invites", expect: CONVENER_READ },
  // The convener of L names an invite that does not exist: 404, nothing revoked.
  { route: "DELETE /api/statements/:id/invites/:inviteId", expect: [401, 404, 403, 403, 403, 404, 403] },
  // Asking to sign is the convener's, in drafting only.
  { route: "POST /api/statements/:id/ask-to-sign", expect: [401, 404, 403, 403, 403, 409, 403] },
  { route: "GET /api/statements/:id/export.md", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/export.html", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/export.docx", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/audit", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/audit.csv", expect: MEMBER_READ },
  // An invite link is a bearer token: whoever holds it may read what it offers.
  { route: "GET /api/invites/:token", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },

  // Comments.
  { route: "GET /api/statements/:id/threads", expect: MEMBER_READ },
  { route: "POST /api/statements/:id/threads", expect: [401, 404, 403, 400, 400, 400, 403] },
  { route: "GET /api/threads/:thread", expect: [401, 404, 200, 200, 200, 200, 200] },
  { route: "POST /api/threads/:thread/comments", expect: [401, 404, 403, 400, 400, 400, 403] },
  // Resolve/reopen: drafters, conveners and the thread's author (a drafter of A wrote these threads).
  { route: "PATCH /api/threads/:thread", expect: [401, 404, 403, 403, 400, 400, 403] },
  { route: "POST /api/threads/:thread/read", expect: [401, 404, 200, 200, 200, 200, 403] },
  // Amendments: members read; reviewers and drafters propose (`{}` is a 400), observers not, nobody once final.
  { route: "GET /api/statements/:id/amendments", expect: MEMBER_READ },
  { route: "POST /api/statements/:id/amendments", expect: [401, 404, 403, 400, 400, 409, 403] },
  // No amendment exists here: the route answers 404 before anything else (the role matrix of decisions is
  // server/amendments/amendments.test.ts).
  { route: "POST /api/amendments/:id/decision", expect: [401, 404, 404, 404, 404, 404, 403] },
  // Only the author edits or deletes a comment (nobody in the columns wrote it).
  { route: "PATCH /api/comments/:comment", expect: [401, 404, 403, 403, 403, 403, 403] },
  { route: "DELETE /api/comments/:comment", expect: [401, 404, 403, 403, 403, 403, 403] },
  { route: "POST /api/comments/:comment/hide", expect: [401, 404, 403, 403, 403, 200, 403] },

  // Sign-off: bodies are valid for organization A, so refusals come from who may sign for whom, and when.
  { route: "GET /api/statements/:id/signoffs", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/signoffs/history/:clauseId", expect: MEMBER_READ },
  {
    route: "PUT /api/statements/:id/signoffs",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: async (f, on) => {
      return {
        clauseId: on.clauseId,
        organizationId: f.orgA,
        position: "approve",
        clauseHash: sha256Hex(CLAUSE_TEXT),
        clauseText: CLAUSE_TEXT,
      };
    },
  },
  {
    route: "POST /api/statements/:id/signature",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: async (f, on) => {
      const text = await f.text(on.id);
      return { organizationId: f.orgA, documentHash: sha256Hex(text), documentText: text };
    },
  },
  {
    route: "POST /api/statements/:id/signoffs/approve-all",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: (f, on) => ({
      organizationId: f.orgA,
      clauses: [{ clauseId: on.clauseId, clauseHash: sha256Hex(CLAUSE_TEXT) }],
    }),
  },
  {
    route: "POST /api/statements/:id/signature/withdraw",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: (f) => ({ organizationId: f.orgA }),
  },
  // Expected signatories: every member reads the list; conveners change it, and only before the lock.
  { route: "GET /api/statements/:id/expected-organizations", expect: MEMBER_READ },
  { route: "POST /api/statements/:id/expected-organizations", expect: CONVENER_WRITE },
  {
    route: "DELETE /api/statements/:id/expected-organizations",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: (f) => ({ organizationId: f.orgB }),
  },
  {
    route: "POST /api/statements/:id/lock",
    expect: [401, 404, 403, 403, 403, 409, 403],
    body: async (f, on) => {
      const text = await f.text(on.id);
      return { documentHash: sha256Hex(text), documentText: text };
    },
  },
  // Only the instance admin unlocks; members are refused, non-members learn nothing.
  {
    route: "POST /api/statements/:id/unlock",
    expect: [401, 404, 403, 403, 403, 403, 403],
    body: () => ({ reason: "route table" }),
  },
  { route: "GET /api/statements/:id/final", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/versions", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/versions/:vid", expect: [401, 404, 404, 404, 404, 200, 404] },

  // History (server/history): members read; drafters and the convener name and restore while drafting (a
  // drafter sending `{}` gets 400, restoring a version that does not exist 404); the summary is the convener's.
  { route: "GET /api/statements/:id/history", expect: MEMBER_READ },
  { route: "POST /api/statements/:id/history", expect: [401, 404, 403, 403, 400, 409, 403] },
  { route: "GET /api/statements/:id/history/diff/:from/:to", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/history/since-signature", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/history/since-positions", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/history/attribution/:at", expect: MEMBER_READ },
  { route: "GET /api/statements/:id/history/summary", expect: CONVENER_READ },
  // L's final version number is also one of L's history versions (its signatures and lock recorded some).
  { route: "GET /api/statements/:id/history/:vid", expect: [401, 404, 404, 404, 404, 200, 404] },
  { route: "POST /api/statements/:id/history/:vid/restore", expect: [401, 404, 403, 403, 404, 409, 403] },

  // Publication (conveners manage it; the admin reads the outbox).
  { route: "GET /api/statements/:id/publication", expect: CONVENER_READ },
  { route: "PUT /api/statements/:id/publication", expect: CONVENER_WRITE },
  { route: "POST /api/statements/:id/sign-on-requests/:rid/decision", expect: CONVENER_WRITE },
  { route: "POST /api/statements/:id/signatories/remove", expect: CONVENER_WRITE },
  { route: "GET /api/statements/:id/signatories.csv", expect: [401, 404, 403, 403, 403, 200, 404] },
  { route: "GET /api/admin/outbox", expect: [401, 403, 403, 403, 403, 403, 403] },
  // The published statement as JSON, and its sign-on form, for other sites (public, like /p).
  { route: "GET /api/public/:slug", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: "POST /api/public/:slug/sign-on", public: true, expect: [400, 400, 400, 400, 400, 400, 403] },
  // Anything else under /api.
  { route: "ALL /api/*", public: true, expect: [404, 404, 404, 404, 404, 404, 403] },

  // The public pages of a published statement: everybody, the same (state-changing forms check Origin).
  { route: "GET /publication/verify.js", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: "GET /publication/public.css", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: "GET /p/:slug", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: "GET /p/:slug/v/:vid", public: true, expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: "POST /p/:slug/sign-on", public: true, expect: [400, 400, 400, 400, 400, 400, 403] },
  // Links that were never sent: the page says "used or expired" (410); posting them changes nothing.
  { route: "GET /p/:slug/confirm/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 410] },
  { route: "POST /p/:slug/confirm/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 403] },
  { route: "GET /p/:slug/withdraw/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 410] },
  { route: "POST /p/:slug/withdraw/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 403] },
  { route: "GET /p/:slug/reconfirm/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 410] },
  { route: "POST /p/:slug/reconfirm/:token", public: true, expect: [410, 410, 410, 410, 410, 410, 403] },

  // Last, because they change the caller: accepting an invite makes the outsider a member, logging out ends
  // the session.
  // The link is a bearer token: a non-member joins with it; a member uses it up and keeps their role.
  { route: "POST /api/invites/:token/accept", expect: [401, 200, 200, 200, 200, 200, 403] },
  { route: "POST /api/auth/logout", public: true, expect: [200, 200, 200, 200, 200, 200, 403] },
];

/** The realtime upgrade (its own row: 101 is "connected"). */
const UPGRADE: Row = [401, 403, 101, 101, 101, 101, 403];

const CLAUSE_TEXT = "The one clause of this statement.";

/** Registered routes that are middleware or fallbacks, not endpoints, and why each is not in the table. */
const NOT_ENDPOINTS: Record<string, string> = {
  "ALL /*": "services, security headers and the body limit, on everything",
  "GET /*": "refuses source maps; the built client's SPA fallback when a client is served",
  "ALL /api/*": "the Origin guard, the session and Cache-Control (its fallback 404 is in the table)",
  "ALL /p/*": "the public pages' rate limit and Origin check (every /p route is in the table)",
  "ALL /api/public/*": "the same for the public JSON routes (each is in the table)",
  "ALL /api/statements/:id/threads": "the comment routes' body limit",
  "ALL /api/threads/*": "the comment routes' body limit",
  "ALL /api/comments/*": "the comment routes' body limit",
  "ALL /api/statements/:id/amendments": "the amendment routes' body limit",
  "ALL /api/amendments/*": "the amendment routes' body limit",
};

/** The app's endpoints as Hono registered them: "METHOD /path", without middleware. */
function registeredEndpoints(app: ReturnType<typeof createApp>): string[] {
  const keys = new Set<string>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    // A middleware is a handler that takes `next`; the catch-all `/api/*` fallback is the one endpoint among them.
    if (r.handler.length >= 2 && key in NOT_ENDPOINTS) continue;
    keys.add(key);
  }
  return [...keys];
}

/** The table's path pattern, with the parameter names Hono uses, to compare with what is registered. */
function registeredForm(route: string): string {
  return route.replace(":session", ":id").replace(":org", ":id").replace(":thread", ":id").replace(":comment", ":id");
}

describe("every HTTP route and every realtime message, as every caller that must be refused something", () => {
  let server: RunningServer;
  let fx: Fixture;
  const clients = {} as Record<Caller, ApiClient>;
  let convener: Awaited<ReturnType<typeof signUp>>;
  let drafterA: Awaited<ReturnType<typeof signUp>>;
  const userIds = new Map<ApiClient, string>();
  const userIdOf = (c: ApiClient) => userIds.get(c);
  const exportText = async (statementId: string) =>
    (await convener.get(`/api/statements/${statementId}/export.md`)).text;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: "" });
    const admin = await signUp(server.url, "Admin");
    convener = await signUp(server.url, "Convener");
    const mk = async (name: string) =>
      (await admin.post("/api/organizations", { name, shortName: name, stakeholderGroup: "civil-society" })).json
        .organization.id as string;
    const orgA = await mk("Org A");
    const orgB = await mk("Org B");
    drafterA = await signUp(server.url, "Drafter A");
    const drafterB = await signUp(server.url, "Drafter B");
    const reviewer = await signUp(server.url, "Reviewer");
    const observer = await signUp(server.url, "Observer");
    const outsider = await signUp(server.url, "Outsider");

    const statement = async (): Promise<Ids> => {
      const { statement: st } = await convener.api.createStatement({ title: `Table ${Math.random()}` });
      const add = (u: { email: string }, role: string, organizationId: string | null) =>
        convener.post(`/api/statements/${st.id}/members`, { email: u.email, role, organizationId });
      await add(drafterA, "drafter", orgA);
      await add(drafterB, "drafter", orgB);
      await add(reviewer, "reviewer", orgA);
      await add(observer, "observer", orgA);
      const spares = [await signUp(server.url, "Spare"), await signUp(server.url, "Spare")] as const;
      for (const spare of spares) await add(spare, "drafter", null);
      const p = connectProvider(server.url, st.id, drafterA);
      await synced(p.provider);
      const clauseId = "clause-1";
      appendParagraph(p.doc, CLAUSE_TEXT, clauseId);
      await eventually(
        async () => (await convener.get(`/api/statements/${st.id}/export.md`)).text === `${CLAUSE_TEXT}\n`,
        5000,
        "clause stored",
      );
      p.destroy();
      const thread = await drafterA.post(`/api/statements/${st.id}/threads`, { clauseId, body: "A first remark." });
      expect(thread.status).toBe(201);
      return {
        id: st.id,
        threadId: thread.json.thread.id,
        commentId: thread.json.thread.comments[0].id,
        versionId: 999999,
        spareUserIds: [spares[0].userId, spares[1].userId],
        clauseId,
      };
    };
    const S = await statement();
    const L = await statement();
    // L: both organizations sign, the convener locks, and publishes it.
    const text = `${CLAUSE_TEXT}\n`;
    const shown = { documentHash: sha256Hex(text), documentText: text };
    expect((await drafterA.post(`/api/statements/${L.id}/signature`, { organizationId: orgA, ...shown })).status).toBe(
      201,
    );
    expect((await drafterB.post(`/api/statements/${L.id}/signature`, { organizationId: orgB, ...shown })).status).toBe(
      201,
    );
    expect((await convener.post(`/api/statements/${L.id}/lock`, shown)).status).toBe(200);
    const pub = await convener.request("PUT", `/api/statements/${L.id}/publication`, { published: true });
    expect(pub.status).toBe(200);
    L.versionId = pub.json.current.versionId;
    const invite = async () => {
      const r = await convener.post(`/api/statements/${S.id}/invites`, { role: "observer" });
      expect(r.status).toBe(201);
      return r.json.token as string;
    };
    const inviteTokens = {} as Record<Caller, string>;
    for (const caller of Callers) inviteTokens[caller] = await invite();
    // The public routes' per-address limit would otherwise answer 429 long before the table is done.
    setPublicationLimits(server.services, { addressBurst: 100_000, addressPerMinute: 100_000 });

    fx = {
      orgA,
      orgB,
      S,
      L,
      inviteToken: await invite(),
      inviteTokens,
      slug: pub.json.slug,
      adminSessionOfOther: admin.cookie.split("=")[1].split(".")[0],
      text: exportText,
    };
    const foreign = new ApiClient(server.url, EVIL);
    foreign.cookie = convener.cookie;
    const lockedConvener = new ApiClient(server.url);
    lockedConvener.cookie = convener.cookie;
    for (const [c, u] of [
      [outsider, outsider],
      [observer, observer],
      [reviewer, reviewer],
      [drafterB, drafterB],
      [lockedConvener, convener],
      [foreign, convener],
    ] as const)
      userIds.set(c, u.userId);
    Object.assign(clients, {
      anon: new ApiClient(server.url),
      outsider,
      observer,
      reviewer,
      otherOrg: drafterB,
      locked: lockedConvener,
      foreign,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("every route the app registers is in the table, and every route in the table is registered", () => {
    const app = createApp(server.services, (() => () => {}) as never);
    const registered = registeredEndpoints(app).filter((r) => !r.startsWith("GET /ws/"));
    const listed = TABLE.map((r) => registeredForm(r.route));
    expect(
      registered.filter((r) => !listed.includes(r)),
      "routes nobody wrote down who may call",
    ).toEqual([]);
    expect(
      listed.filter((r) => !registered.includes(r)),
      "table rows for routes that no longer exist",
    ).toEqual([]);
    expect(registeredEndpoints(app).filter((r) => r.startsWith("GET /ws/"))).toEqual(["GET /ws/:statementId"]);
  });

  /** The concrete path of a route for a caller (the locked column works on statement L). */
  function pathFor(route: string, caller: Caller): string {
    const on = caller === "locked" ? fx.L : fx.S;
    const path = route.split(" ")[1];
    return path
      .replace("/api/*", "/api/no-such-route")
      .replace(":id", on.id)
      .replace(":userId", on.spareUserIds[1])
      .replace(":clauseId", on.clauseId)
      .replace(":session", fx.adminSessionOfOther)
      .replace(":org", fx.orgA)
      .replace(":thread", on.threadId)
      .replace(":comment", on.commentId)
      .replace(":vid", String(path.startsWith("/p/") ? fx.L.versionId : on.versionId))
      .replace(":rid", "no-such-request")
      .replace(":slug", fx.slug)
      .replace(
        ":token",
        route.endsWith("/accept")
          ? fx.inviteTokens[caller]
          : path.startsWith("/api/invites")
            ? fx.inviteToken
            : "no-such-token",
      )
      .replace(":from", "current")
      .replace(":to", "current")
      .replace(":at", "current");
  }

  it("the realtime upgrade: only members, with a session, from an allowed Origin", async () => {
    const got: number[] = [];
    for (const caller of Callers) {
      const on = caller === "locked" ? fx.L : fx.S;
      got.push(
        await upgradeStatus(server.url, on.id, clients[caller].cookie, caller === "foreign" ? EVIL : server.url),
      );
    }
    expect(got).toEqual([...UPGRADE]);
  });

  /**
   * Every message type a client can send, and what each connected caller gets. Outcomes:
   * - `answered`   the server answers it (sync step 2, or everyone's awareness)
   * - `applied`    the update reaches the document, storage and the others
   * - `denied`     a permission-denied auth message; nothing applied, stored or relayed
   * - `stamped`    relayed to the others with the sender's own identity, whatever it claimed
   * - `dropped`    relayed to nobody, and nothing else happens
   * - `closed:N`   the socket is closed with code N
   */
  type Outcome = "answered" | "applied" | "denied" | "stamped" | "dropped" | `closed:${number}`;
  const WsCallers = ["observer", "reviewer", "otherOrg", "locked"] as const;
  type WsCaller = (typeof WsCallers)[number];
  const MESSAGES: Array<{ message: string; type: number; sub?: number; expect: Record<WsCaller, Outcome> }> = [
    {
      message: "sync step 1",
      type: MessageType.sync,
      sub: SyncMessageType.step1,
      expect: { observer: "answered", reviewer: "answered", otherOrg: "answered", locked: "answered" },
    },
    {
      message: "sync step 2",
      type: MessageType.sync,
      sub: SyncMessageType.step2,
      expect: { observer: "denied", reviewer: "denied", otherOrg: "applied", locked: "denied" },
    },
    {
      message: "sync update",
      type: MessageType.sync,
      sub: SyncMessageType.update,
      expect: { observer: "denied", reviewer: "denied", otherOrg: "applied", locked: "denied" },
    },
    {
      message: "awareness, own client id",
      type: MessageType.awareness,
      expect: { observer: "stamped", reviewer: "stamped", otherOrg: "stamped", locked: "stamped" },
    },
    {
      message: "awareness, another member's client id",
      type: MessageType.awareness,
      sub: -1,
      expect: { observer: "dropped", reviewer: "dropped", otherOrg: "dropped", locked: "dropped" },
    },
    {
      message: "query awareness",
      type: MessageType.queryAwareness,
      expect: { observer: "answered", reviewer: "answered", otherOrg: "answered", locked: "answered" },
    },
    {
      message: "auth",
      type: MessageType.auth,
      expect: { observer: "dropped", reviewer: "dropped", otherOrg: "dropped", locked: "dropped" },
    },
    {
      message: "app event (server to client only)",
      type: MessageType.appEvent,
      expect: {
        observer: `closed:${CloseCode.malformedFrame}`,
        reviewer: `closed:${CloseCode.malformedFrame}`,
        otherOrg: `closed:${CloseCode.malformedFrame}`,
        locked: `closed:${CloseCode.malformedFrame}`,
      },
    },
  ];

  it("every message type of the protocol is in the realtime table", () => {
    const listed = new Set(MESSAGES.map((m) => m.type));
    expect(Object.values(MessageType).filter((t) => !listed.has(t))).toEqual([]);
    const subs = new Set(MESSAGES.filter((m) => m.type === MessageType.sync).map((m) => m.sub));
    expect(Object.values(SyncMessageType).filter((s) => !subs.has(s))).toEqual([]);
  });

  it("answers each connected caller's message of each type with exactly the expected outcome", async () => {
    const mismatches: string[] = [];
    for (const m of MESSAGES) {
      for (const caller of WsCallers) {
        const on = caller === "locked" ? fx.L : fx.S;
        const outcome = await sendAs(on.id, clients[caller], m.type, m.sub);
        if (outcome !== m.expect[caller])
          mismatches.push(`${m.message} as ${caller}: ${outcome}, expected ${m.expect[caller]}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("the bodies the table sends are valid: the rightful signer gets through with them", async () => {
    const row = (route: string) => TABLE.find((r) => r.route === route)!;
    const put = await drafterA.request(
      "PUT",
      `/api/statements/${fx.S.id}/signoffs`,
      await row("PUT /api/statements/:id/signoffs").body!(fx, fx.S, "otherOrg"),
    );
    expect(put.status, put.text).toBe(200);
    const sig = await drafterA.post(
      `/api/statements/${fx.S.id}/signature`,
      await row("POST /api/statements/:id/signature").body!(fx, fx.S, "otherOrg"),
    );
    expect(sig.status, sig.text).toBe(201);
  });

  // Last: its final rows accept invites and log everyone out.
  it("answers each caller of each route with exactly the expected status", async () => {
    const mismatches: string[] = [];
    for (const row of TABLE) {
      const [method0] = row.route.split(" ");
      const method = method0 === "ALL" ? "POST" : method0;
      for (const [i, caller] of Callers.entries()) {
        const on = caller === "locked" ? fx.L : fx.S;
        const body = row.body ? await row.body(fx, on, caller) : method === "GET" ? undefined : {};
        const res = await clients[caller].request(method, pathFor(row.route, caller), body);
        // A 409 after the lock must be the lock's own refusal, not a stale body's.
        if (res.status === 409 && caller === "locked" && res.json?.error?.code !== "statement_final")
          mismatches.push(`${row.route} as locked: ${res.text.slice(0, 120)}`);
        if (res.status !== row.expect[i])
          mismatches.push(
            `${row.route} as ${caller}: ${res.status}, expected ${row.expect[i]} (${res.text.slice(0, 120)})`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });

  /**
   * Sends one message of a type as a caller and says what came of it. A watcher (the convener's real provider)
   * and the stored text show what reached the others; a sync step 1 sent after the message, answered only once
   * the server handled everything before it and committed, is the barrier before any "nothing happened".
   */
  async function sendAs(statementId: string, caller: ApiClient, type: number, sub?: number): Promise<Outcome> {
    // The watcher is drafter A, who is none of the callers: its client id is another member's for each of them.
    const watcher = connectProvider(server.url, statementId, drafterA);
    await synced(watcher.provider);
    watcher.provider.awareness.setLocalStateField("cursor", "watcher");
    const ws = await rawSocket(server.url, statementId, caller.cookie);
    const closed = closeCode(ws, 10_000).catch(() => -2);
    try {
      await eventually(() => frames(ws).some((f) => f.type === MessageType.sync), 3000, "handshake");
      const before = { text: await exportText(statementId) };
      // Every state the watcher ever holds for the forged id (a victim's id, or the sender's own).
      const aw = new awarenessProtocol.Awareness(new Y.Doc());
      if (sub === -1) aw.clientID = watcher.doc.clientID;
      const seen: Array<{ cursor?: string } | undefined> = [];
      watcher.provider.awareness.on("change", () =>
        seen.push(watcher.provider.awareness.getStates().get(aw.clientID) as { cursor?: string } | undefined),
      );
      const seenFrames = frames(ws).length;
      if (type === MessageType.sync) {
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MessageType.sync);
        if (sub === SyncMessageType.step1) syncProtocol.writeSyncStep1(enc, new Y.Doc());
        else {
          const d = new Y.Doc();
          appendParagraph(d, `Written by a ${sub === SyncMessageType.step2 ? "step 2" : "update"}`);
          encoding.writeVarUint(enc, sub!);
          encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(d));
        }
        ws.send(encoding.toUint8Array(enc));
      } else if (type === MessageType.awareness) {
        // Another member's client id (the watcher's), with a clock far ahead, which would be accepted if the
        // ownership check were missing; or the sender's own id, claiming the convener's identity.
        const clock = (watcher.provider.awareness.meta.get(aw.clientID)?.clock ?? 0) + 1000;
        const update = encoding.createEncoder();
        encoding.writeVarUint(update, 1);
        encoding.writeVarUint(update, aw.clientID);
        encoding.writeVarUint(update, clock);
        encoding.writeVarString(
          update,
          JSON.stringify({ user: { id: drafterA.userId, name: "Impersonated" }, cursor: "forged" }),
        );
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MessageType.awareness);
        encoding.writeVarUint8Array(enc, encoding.toUint8Array(update));
        ws.send(encoding.toUint8Array(enc));
      } else if (type === MessageType.auth) {
        ws.send(Uint8Array.from([MessageType.auth, 0, 4, ...Buffer.from("test")]));
      } else if (type === MessageType.queryAwareness) {
        ws.send(Uint8Array.from([MessageType.queryAwareness]));
      } else {
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, type);
        encoding.writeVarString(enc, JSON.stringify({ type: "locked", statementId, hash: "0".repeat(64) }));
        ws.send(encoding.toUint8Array(enc));
      }
      // A step 1 is answered by a step 2 of its own before the barrier's.
      if (!(await barrier(ws, seenFrames, type === MessageType.sync && sub === SyncMessageType.step1 ? 1 : 0)))
        return `closed:${await closed}`;
      const after = frames(ws).slice(seenFrames);
      // The barrier's own answer is the last sync frame; what came before it answered the message.
      const answers = after.slice(0, after.length - 1);
      const text = await exportText(statementId);
      // The watcher's view of awareness after the sender's frame and the barrier (relays go out in order).
      await awarenessBarrier(watcher);
      if (answers.some((f) => f.type === MessageType.auth))
        return text === before.text ? "denied" : ("denied-but-changed" as Outcome);
      if (text !== before.text) {
        await eventually(
          () => `${plainText(watcher.doc)}\n` === text.replace(/\n\n/g, "\n"),
          3000,
          "watcher has the update",
        );
        return "applied";
      }
      if (type === MessageType.awareness) {
        const state = watcher.provider.awareness.getStates().get(aw.clientID) as
          { user?: { id?: string }; cursor?: string } | undefined;
        if (sub === -1)
          return state?.cursor === "watcher" && !seen.some((st) => st?.cursor === "forged")
            ? "dropped"
            : ("hijacked" as Outcome);
        return state?.user?.id === userIdOf(caller) ? "stamped" : ("relayed-unstamped" as Outcome);
      }
      if (answers.length > 0) return "answered";
      return "dropped";
    } finally {
      ws.close();
      watcher.destroy();
    }
  }
});

/** A socket's frames with their top-level type. */
function frames(ws: WebSocket): Array<{ type: number; data: Uint8Array }> {
  return receivedFrames(ws).map((data) => ({ type: decoding.readVarUint(decoding.createDecoder(data)), data }));
}

/**
 * Sends a sync step 1 and waits for its step 2 (the one after `step2sBefore` answers already due): the server
 * handles a socket's frames in order and answers a step 1 only after committing, so once the answer is here,
 * everything sent before it was handled and stored. False when the socket closed instead.
 */
async function barrier(ws: WebSocket, seen: number, step2sBefore = 0): Promise<boolean> {
  const closing = () => (ws.readyState as number) === ws.CLOSED || (ws.readyState as number) === ws.CLOSING;
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  syncProtocol.writeSyncStep1(enc, new Y.Doc());
  if (closing()) return false;
  ws.send(encoding.toUint8Array(enc));
  const isStep2 = (f: { type: number; data: Uint8Array }) => {
    if (f.type !== MessageType.sync) return false;
    const dec = decoding.createDecoder(f.data);
    decoding.readVarUint(dec);
    return decoding.readVarUint(dec) === SyncMessageType.step2;
  };
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (frames(ws).slice(seen).filter(isStep2).length > step2sBefore) return true;
    if (closing()) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the barrier's sync step 1 was never answered");
}

/**
 * A query-awareness round trip on a provider's own socket: the server answers with every awareness state it
 * holds, so once the next awareness message is applied (the provider's own handler runs first), the provider
 * sees what the server holds.
 */
export async function awarenessBarrier(watcher: ReturnType<typeof connectProvider>): Promise<void> {
  type Listener = (ev: { data: ArrayBuffer | Uint8Array }) => void;
  const ws = watcher.provider.ws as unknown as {
    send(d: Uint8Array): void;
    addEventListener(t: string, l: Listener): void;
    removeEventListener(t: string, l: Listener): void;
  };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("query-awareness was never answered")), 5000);
    const onMessage: Listener = (ev) => {
      if (new Uint8Array(ev.data as ArrayBuffer)[0] !== MessageType.awareness) return;
      clearTimeout(t);
      ws.removeEventListener("message", onMessage);
      resolve();
    };
    ws.addEventListener("message", onMessage);
    ws.send(Uint8Array.from([MessageType.queryAwareness]));
  });
}
