/**
 * Publication and sign-on against a real server, a real SQLite file and a real SMTP server in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { ApiClient, eventually, signUp, startTestServer } from "../testing/harness";
import * as Y from "yjs";
import { appendParagraph } from "../testing/docs";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { setPublicationLimits } from "./routes";
import { TestSmtp, linkIn, lockCurrent, lockedStatement, signCurrent } from "./fixtures";
import type { OrgSpec } from "./fixtures";

let server: RunningServer;
let smtp: TestSmtp;
let admin: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  smtp = await TestSmtp.start();
  server = await startTestServer({ smtpUrl: smtp.url, mailFrom: "Concord <concord@test.example>" });
  // One address (127.0.0.1) makes every request of this file; the limit itself is tested on its own server.
  setPublicationLimits(server.services, {
    addressBurst: 100_000,
    addressPerMinute: 100_000,
    statementBurst: 1000,
    statementPerMinute: 1000,
  });
  admin = await signUp(server.url, "Admin"); // the first account is the instance admin
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const anon = () => new ApiClient(server.url);
let n = 0;
/** A valid sign-on form for an organization, with a fresh contact address. */
function form(organization: string, extra: Record<string, unknown> = {}) {
  return {
    organization,
    website: "https://example.org",
    country: "Portugal",
    stakeholderGroup: "civil-society",
    contactName: "Ana Contact",
    contactTitle: "Director",
    email: `contact${++n}.${Date.now()}@example.org`,
    authorized: true,
    ...extra,
  };
}

/** Submits a sign-on, confirms the email through the link the SMTP server received; returns the request id. */
async function requestAndConfirm(
  slug: string,
  body: ReturnType<typeof form>,
  convener: ApiClient,
  statementId: string,
): Promise<string> {
  const r = await anon().post(`/p/${slug}/sign-on`, body);
  expect(r.status).toBe(202);
  const mail = await smtp.waitFor(body.email, /Confirm your request/);
  const link = new URL(linkIn(mail.text, /\/confirm\//));
  const page = await anon().get(link.pathname);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Confirm my request");
  const ok = await anon().post(link.pathname);
  expect(ok.status).toBe(200);
  const pub = await convener.get(`/api/statements/${statementId}/publication`);
  const req = pub.json.requests.find((x: { email: string }) => x.email === body.email);
  expect(req.status).toBe("pending");
  return req.id;
}

const decide = (c: ApiClient, statementId: string, rid: string, body: Record<string, unknown>) =>
  c.post(`/api/statements/${statementId}/sign-on-requests/${rid}/decision`, body);

const auditActions = async (statementId: string) =>
  await server.services.db
    .selectFrom("audit_log")
    .select(["action", "hash", "detail"])
    .where("statement_id", "=", statementId)
    .orderBy("id")
    .execute();

/** Names on the public page, in page order. */
function namesOnPage(html: string): string[] {
  return [...html.matchAll(/<span class="sig-name">([^<]*)<\/span>/g)].map((m) => m[1]);
}

describe("the public page", () => {
  it("lists the 14 organizations of a real coalition statement in its printed order", async () => {
    // The order printed under a coalition's Statement of Purpose. Case, accents and punctuation do not count
    // ("au", "eG", "Réseaux"); the two ccTLD managers named by their domain were printed first, which their
    // sort keys record.
    const printed: OrgSpec[] = [
      { name: ".PT", sortKey: "1 PT" },
      { name: "au Domain Administration Ltd (auDA)", sortKey: "2 au" },
      { name: "Asia Pacific Network Information Centre, APNIC" },
      { name: "DENIC eG" },
      { name: "EURid vzw" },
      { name: "Identity Digital" },
      { name: "InternetNZ" },
      { name: "Japan Registry Services Co., Ltd. (JPRS)" },
      { name: "LACNIC" },
      { name: "Nominet UK" },
      { name: "Public Interest Registry" },
      { name: "Réseaux IP Européens Network Coordination Centre (RIPE NCC)" },
      { name: "Stichting Internet Domeinregistratie Nederland (SIDN)" },
      { name: "ZADNA – .ZA Domain Name Authority" },
    ];
    // Created in a scrambled order: the list must not depend on it.
    const scrambled = [...printed].sort(
      (a, b) => ((a.name.length * 7919) % 13) - ((b.name.length * 7919) % 13) || b.name.localeCompare(a.name),
    );
    const s = await lockedStatement(server.url, {
      clauses: ["We support multistakeholder Internet governance."],
      orgs: scrambled,
    });
    const page = await anon().get(`/p/${s.slug}`);
    expect(page.status).toBe(200);
    expect(namesOnPage(page.text)).toEqual(printed.map((o) => o.name.replace("&", "&#38;")));
    expect(page.text).toContain('<span class="sig-count" id="sig-count">14</span>');
    const json = await anon().get(`/p/${s.slug}.json`);
    expect(json.json.signatories.map((x: { name: string }) => x.name)).toEqual(printed.map((o) => o.name));
    expect(json.json.signatories.every((x: { status: string }) => x.status === "original")).toBe(true);
    s.editor.destroy();
  });

  it("is rendered on the server with the text, hash, lock date, Open Graph tags, verification and no inline script", async () => {
    const s = await lockedStatement(server.url, {
      title: "Coalition statement",
      clauses: [],
      orgs: [{ name: "Org One" }],
      build: (doc) => {
        const h = new Y.XmlElement("heading");
        h.setAttribute("level", 1 as never);
        h.setAttribute("clauseId", "h1");
        const ht = new Y.XmlText();
        ht.insert(0, "Purpose");
        h.insert(0, [ht]);
        const p = new Y.XmlElement("paragraph");
        p.setAttribute("clauseId", "p1");
        const pt = new Y.XmlText();
        pt.insert(0, "We ");
        pt.insert(3, "agree", { bold: {} });
        pt.insert(8, " on the text.", { bold: null });
        p.insert(0, [pt]);
        doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [h, p]);
      },
    });
    const page = await anon().get(`/p/${s.slug}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.text).toContain("<title>Coalition statement</title>");
    expect(page.text).toContain('<meta property="og:title" content="Coalition statement">');
    expect(page.text).toContain('<meta name="description" content="We agree on the text.">');
    expect(page.text).toContain("<h1>Purpose</h1>");
    expect(page.text).toContain("We <strong>agree</strong> on the text.");
    expect(page.text).toContain(s.hash);
    expect(page.text).toContain(`sha256sum ${s.slug}.md`);
    expect(page.text).toContain(`${s.hash}  ${s.slug}.md`);
    expect(page.text).toMatch(/Locked on <time/);
    // Scripts only from files: no inline script, no event handler attributes.
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1].trim())).toEqual(['src="/publication/verify.js" defer']);
    expect(scripts.every((m) => m[2] === "")).toBe(true);
    expect(page.text).not.toMatch(/\son[a-z]+=/i);
    const js = await anon().get("/publication/verify.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    // The .md is the canonical text: its SHA-256 is the page's hash.
    const md = await anon().get(`/p/${s.slug}.md`);
    expect(md.text).toBe(s.text);
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(Buffer.from(md.text, "utf8")).digest("hex")).toBe(s.hash);
    s.editor.destroy();
  });

  it("answers 404 until published and again once unpublished; only a convener publishes", async () => {
    const s = await lockedStatement(server.url, { clauses: ["Text."], orgs: [{ name: "Org Two" }], publish: false });
    for (const p of [`/p/${s.slug}`, `/p/${s.slug}.json`, `/p/${s.slug}.md`])
      expect((await anon().get(p)).status).toBe(404);
    expect((await anon().post(`/p/${s.slug}/sign-on`, form("Someone"))).status).toBe(404);
    // A browser gets a page; fetch clients get the API's error body.
    const html = await fetch(`${server.url}/p/${s.slug}`, { headers: { accept: "text/html" } });
    expect(html.status).toBe(404);
    expect(await html.text()).toContain("<h1>Not found</h1>");
    expect((await anon().get(`/p/${s.slug}.json`)).json.error.code).toBe("not_found");
    expect(
      (await s.reps[0].rep.request("PUT", `/api/statements/${s.statementId}/publication`, { published: true })).status,
    ).toBe(403);
    expect(
      (await s.convener.request("PUT", `/api/statements/${s.statementId}/publication`, { published: true })).status,
    ).toBe(200);
    expect((await anon().get(`/p/${s.slug}`)).status).toBe(200);
    expect(
      (await s.convener.request("PUT", `/api/statements/${s.statementId}/publication`, { published: false })).status,
    ).toBe(200);
    for (const p of [`/p/${s.slug}`, `/p/${s.slug}.json`, `/p/${s.slug}.md`])
      expect((await anon().get(p)).status).toBe(404);
    const actions = (await auditActions(s.statementId)).map((a) => a.action);
    expect(actions).toContain("publication.published");
    expect(actions).toContain("publication.unpublished");
    // A statement that was never locked cannot be published.
    const draft = (await s.convener.post("/api/statements", { title: "Draft" })).json.statement.id;
    expect((await s.convener.request("PUT", `/api/statements/${draft}/publication`, { published: true })).status).toBe(
      409,
    );
    s.editor.destroy();
  });
});

describe("sign-on requests", () => {
  it("confirmed by email, then approved: the organization joins in its alphabetical place; a declined one never appears", async () => {
    const s = await lockedStatement(server.url, {
      clauses: ["We sign."],
      orgs: [{ name: "Alpha Registry" }, { name: "Zulu Networks" }],
    });
    // Unconfirmed: not in the inbox as pending, and a decision is refused.
    const early = form("Mike Foundation", { website: "https://mike.example", email: `ops.${Date.now()}@mike.example` });
    expect((await anon().post(`/p/${s.slug}/sign-on`, early)).status).toBe(202);
    let inbox = (await s.convener.get(`/api/statements/${s.statementId}/publication`)).json;
    const unconfirmed = inbox.requests.find((r: { email: string }) => r.email === early.email);
    expect(unconfirmed.status).toBe("unconfirmed");
    expect((await decide(s.convener, s.statementId, unconfirmed.id, { decision: "approve" })).status).toBe(409);
    // Confirm it (the link is single-use), then approve.
    const mail = await smtp.waitFor(early.email, /Confirm your request/);
    expect(mail.from).toBe("concord@test.example");
    expect(mail.text).toContain(s.hash);
    const link = new URL(linkIn(mail.text, /\/confirm\//));
    expect((await anon().post(link.pathname)).status).toBe(200);
    expect((await anon().post(link.pathname)).status).toBe(410);
    expect((await anon().get(link.pathname)).status).toBe(410);
    inbox = (await s.convener.get(`/api/statements/${s.statementId}/publication`)).json;
    const pending = inbox.requests.find((r: { email: string }) => r.email === early.email);
    expect(pending.status).toBe("pending");
    expect(pending.emailDomainMatches).toBe(true);
    const approved = await decide(s.convener, s.statementId, pending.id, {
      decision: "approve",
      message: "Welcome aboard.",
    });
    expect(approved.status).toBe(200);
    const told = await smtp.waitFor(early.email, /now signs/);
    expect(told.text).toContain("Welcome aboard.");
    expect(told.text).toMatch(/\/withdraw\//);

    // Declined: told by email, never listed.
    const declinedForm = form("Yankee Lobby", { website: "https://yankee.example" });
    const rid = await requestAndConfirm(s.slug, declinedForm, s.convener, s.statementId);
    inbox = (await s.convener.get(`/api/statements/${s.statementId}/publication`)).json;
    expect(inbox.requests.find((r: { id: string }) => r.id === rid).emailDomainMatches).toBe(false);
    expect(
      (await decide(s.convener, s.statementId, rid, { decision: "decline", message: "Not a coalition member." }))
        .status,
    ).toBe(200);
    expect((await smtp.waitFor(declinedForm.email, /Your request to sign on/)).text).toContain(
      "Not a coalition member.",
    );
    expect((await decide(s.convener, s.statementId, rid, { decision: "approve" })).status).toBe(409);

    const json = (await anon().get(`/p/${s.slug}.json`)).json;
    expect(json.signatories.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ["Alpha Registry", "original"],
      ["Mike Foundation", "joined"],
      ["Zulu Networks", "original"],
    ]);
    expect(json.signatories[1].hash).toBe(s.hash);
    const page = (await anon().get(`/p/${s.slug}`)).text;
    expect(page).not.toContain("Yankee Lobby");
    expect(page).toMatch(
      /Mike Foundation<\/span> <span class="sig-group">Civil society<\/span> <span class="sig-when">joined \d{1,2} \w+ \d{4}<\/span>/,
    );
    // Filter by stakeholder group, without JavaScript (a GET form).
    const filtered = (await anon().get(`/p/${s.slug}?group=civil-society`)).text;
    expect(namesOnPage(filtered)).toEqual(["Mike Foundation"]);
    expect(filtered).toContain("1 of 3");
    const actions = (await auditActions(s.statementId)).map((a) => a.action);
    for (const a of ["sign-on.requested", "sign-on.confirmed", "sign-on.approved", "sign-on.declined"])
      expect(actions).toContain(a);
    expect(
      (await auditActions(s.statementId))
        .filter((a) => a.action.startsWith("sign-on."))
        .every((a) => a.hash === s.hash),
    ).toBe(true);
    s.editor.destroy();
  });

  it("confirmation links expire; the API's /api/public names answer as /p/ does", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Expiry" }] });
    const f = form("Slow Org");
    expect((await anon().post(`/api/public/${s.slug}/sign-on`, f)).status).toBe(202);
    expect((await anon().get(`/api/public/${s.slug}`)).json.hash).toBe(s.hash);
    const mail = await smtp.waitFor(f.email, /Confirm your request/);
    const link = new URL(linkIn(mail.text, /\/confirm\//));
    await server.services.db
      .updateTable("email_tokens")
      .set({ expires_at: Date.now() - 1 })
      .where("statement_id", "=", s.statementId)
      .execute();
    expect((await anon().get(link.pathname)).status).toBe(410);
    expect((await anon().post(link.pathname)).status).toBe(410);
    const row = await server.services.db
      .selectFrom("sign_on_requests")
      .select("status")
      .where("statement_id", "=", s.statementId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("unconfirmed");
    s.editor.destroy();
  });

  it("shows similar names, refuses an organization already listed, and ignores the honeypot", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Internet Society" }] });
    const similar = form("The Internet Society Foundation");
    const rid = await requestAndConfirm(s.slug, similar, s.convener, s.statementId);
    const req = (await s.convener.get(`/api/statements/${s.statementId}/publication`)).json.requests.find(
      (r: { id: string }) => r.id === rid,
    );
    expect(req.similar).toContainEqual({ name: "Internet Society", where: "signatory", same: false });
    expect((await anon().post(`/p/${s.slug}/sign-on`, form("INTERNET SOCIETY!"))).status).toBe(409);
    const before = (
      await server.services.db
        .selectFrom("sign_on_requests")
        .select("id")
        .where("statement_id", "=", s.statementId)
        .execute()
    ).length;
    const bot = await anon().post(`/p/${s.slug}/sign-on`, form("Bot Org", { website_url: "http://spam.example" }));
    expect(bot.status).toBe(202);
    const after = (
      await server.services.db
        .selectFrom("sign_on_requests")
        .select("id")
        .where("statement_id", "=", s.statementId)
        .execute()
    ).length;
    expect(after).toBe(before);
    expect((await anon().post(`/p/${s.slug}/sign-on`, form("No Auth", { authorized: false }))).status).toBe(400);
    s.editor.destroy();
  });

  it("works as a plain HTML form (JavaScript off): form-encoded post, a page in answer", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Form" }] });
    const body = new URLSearchParams({ ...form("Form Org"), authorized: "on" } as unknown as Record<string, string>);
    const res = await fetch(`${server.url}/p/${s.slug}/sign-on`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body,
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain("Check your email");
    const foreign = await fetch(`${server.url}/p/${s.slug}/sign-on`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body,
    });
    expect(foreign.status).toBe(403);
    s.editor.destroy();
  });

  it("a signatory withdraws through its private link, and the withdrawal is audited; the convener removes with a reason", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Original Org" }] });
    const f = form("Leaving Org");
    const rid = await requestAndConfirm(s.slug, f, s.convener, s.statementId);
    expect((await decide(s.convener, s.statementId, rid, { decision: "approve" })).status).toBe(200);
    const mail = await smtp.waitFor(f.email, /now signs/);
    const withdrawLink = new URL(linkIn(mail.text, /\/withdraw\//));
    expect((await anon().get(`/p/${s.slug}.json`)).json.signatories.map((x: { name: string }) => x.name)).toContain(
      "Leaving Org",
    );
    expect((await anon().get(withdrawLink.pathname)).text).toContain("Withdraw our signature");
    expect((await anon().post(withdrawLink.pathname)).status).toBe(200);
    expect((await anon().post(withdrawLink.pathname)).status).toBe(410);
    expect((await anon().get(`/p/${s.slug}.json`)).json.signatories.map((x: { name: string }) => x.name)).toEqual([
      "Original Org",
    ]);
    const withdrawn = (await auditActions(s.statementId)).find((a) => a.action === "signatory.withdrawn");
    expect(withdrawn?.hash).toBe(s.hash);
    expect(JSON.parse(withdrawn!.detail).organization).toBe("Leaving Org");

    // The convener removes an original, with a reason.
    const key = (await s.convener.get(`/api/statements/${s.statementId}/publication`)).json.signatories[0].key;
    expect(
      (await s.convener.post(`/api/statements/${s.statementId}/signatories/remove`, { key, reason: "" })).status,
    ).toBe(400);
    expect(
      (await s.reps[0].rep.post(`/api/statements/${s.statementId}/signatories/remove`, { key, reason: "x" })).status,
    ).toBe(403);
    expect(
      (await s.convener.post(`/api/statements/${s.statementId}/signatories/remove`, { key, reason: "Asked by phone" }))
        .status,
    ).toBe(200);
    expect((await anon().get(`/p/${s.slug}.json`)).json.signatories).toEqual([]);
    const removed = (await auditActions(s.statementId)).find((a) => a.action === "signatory.removed");
    expect(JSON.parse(removed!.detail).reason).toBe("Asked by phone");
    expect(removed!.hash).toBe(s.hash);
    s.editor.destroy();
  });

  it("shows <script> and javascript: in every field as text", async () => {
    const evil = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    const s = await lockedStatement(server.url, {
      title: `Title ${evil}`,
      clauses: [`Clause ${evil} [x](javascript:alert(3))`],
      orgs: [{ name: `Org ${evil}` }],
    });
    const f = form(`Joiner ${evil}`, {
      website: "javascript:alert(4)//example.org",
      country: evil,
      contactName: evil,
      contactTitle: evil,
    });
    expect((await anon().post(`/p/${s.slug}/sign-on`, f)).status).toBe(400); // a javascript: website is not a website
    const ok = form(`Joiner ${evil}`, {
      website: "https://joiner.example/<script>",
      country: evil,
      contactName: evil,
      contactTitle: evil,
    });
    const rid = await requestAndConfirm(s.slug, ok, s.convener, s.statementId);
    expect(
      (await decide(s.convener, s.statementId, rid, { decision: "approve", sortKey: evil, message: evil })).status,
    ).toBe(200);
    const page = (await anon().get(`/p/${s.slug}`)).text;
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img");
    expect(page).not.toMatch(/href="javascript/i);
    expect(page).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(page).toContain(`Title &#60;script&#62;`);
    expect(page).toContain("https://joiner.example/&#60;script&#62;");
    expect([...page.matchAll(/<script\b/g)].length).toBe(1);
    // The JSON carries the same strings as data; the CSV defuses nothing it need not.
    const json = (await anon().get(`/p/${s.slug}.json`)).json;
    expect(json.signatories.map((x: { name: string }) => x.name)).toContain(`Joiner ${evil}`);
    const csv = await s.convener.get(`/api/statements/${s.statementId}/signatories.csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`"Joiner <script>alert(1)</script>""'><img src=x onerror=alert(2)>"`);
    s.editor.destroy();
  });

  it("of two convener decisions on one request at the same moment, exactly one wins", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Race" }] });
    const co = await signUp(server.url, "Co-convener");
    expect(
      (await s.convener.post(`/api/statements/${s.statementId}/members`, { email: co.email, role: "convener" })).status,
    ).toBe(201);
    const rid = await requestAndConfirm(s.slug, form("Raced Org"), s.convener, s.statementId);
    const [a, b] = await Promise.all([
      decide(s.convener, s.statementId, rid, { decision: "approve" }),
      decide(co, s.statementId, rid, { decision: "decline" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const listed = (await anon().get(`/p/${s.slug}.json`)).json.signatories.some(
      (x: { name: string }) => x.name === "Raced Org",
    );
    expect(listed).toBe(a.status === 200);
    const decisions = (await auditActions(s.statementId)).filter(
      (x) => x.action === "sign-on.approved" || x.action === "sign-on.declined",
    );
    expect(decisions).toHaveLength(1);
    s.editor.destroy();
  });

  it("two sign-on requests for the same organization at once: one is taken, the other refused", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Twin" }] });
    const results = await Promise.all([
      anon().post(`/p/${s.slug}/sign-on`, form("Twin Org")),
      anon().post(`/p/${s.slug}/sign-on`, form("twin org.")),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const rows = await server.services.db
      .selectFrom("sign_on_requests")
      .select("id")
      .where("statement_id", "=", s.statementId)
      .execute();
    expect(rows).toHaveLength(1);
    s.editor.destroy();
  });
});

describe("a new final version", () => {
  it("after unlock and re-lock with a changed text, earlier signatories are listed as such until they confirm; earlier versions keep their hashes", async () => {
    const s = await lockedStatement(server.url, {
      clauses: ["We support the open Internet."],
      orgs: [{ name: "Bravo Registry" }, { name: "Charlie Registrar" }],
    });
    const f = form("Delta Society");
    const rid = await requestAndConfirm(s.slug, f, s.convener, s.statementId);
    expect((await decide(s.convener, s.statementId, rid, { decision: "approve" })).status).toBe(200);
    // A request confirmed before the unlock, decided after the new lock.
    const late = form("Echo Org");
    const lateId = await requestAndConfirm(s.slug, late, s.convener, s.statementId);
    const firstHash = s.hash;
    const firstVersion = (await anon().get(`/p/${s.slug}.json`)).json.versionId;

    expect(
      (await admin.post(`/api/statements/${s.statementId}/unlock`, { reason: "A clause was missing" })).status,
    ).toBe(200);
    // While revising, the page keeps the final version and says so; sign-on waits for the new text.
    const revising = (await anon().get(`/p/${s.slug}`)).text;
    expect(revising).toContain("revising this statement");
    expect(revising).not.toContain("sign-on-form");
    expect((await anon().post(`/p/${s.slug}/sign-on`, form("Impatient Org"))).status).toBe(409);
    appendParagraph(s.editor.doc, "We also support the IGF.");
    await eventually(
      async () => (await s.convener.get(`/api/statements/${s.statementId}/export.md`)).text.includes("IGF"),
      5000,
      "edit stored",
    );
    // Bravo signs the new text in the app; Charlie does not.
    expect((await signCurrent(s.reps[0].rep, s.statementId, s.reps[0].organizationId)).status).toBe(201);
    const relock = await lockCurrent(s.convener, s.statementId);
    expect(relock.status).toBe(200);
    const newHash: string = relock.json.final.hash;
    expect(newHash).not.toBe(firstHash);

    const json = (await anon().get(`/p/${s.slug}.json`)).json;
    expect(json.hash).toBe(newHash);
    expect(json.text).toContain("IGF");
    expect(
      json.signatories.map((x: { name: string; status: string; hash: string }) => [x.name, x.status, x.hash]),
    ).toEqual([
      ["Bravo Registry", "original", newHash],
      ["Charlie Registrar", "earlier-version", firstHash],
      ["Delta Society", "earlier-version", firstHash],
    ]);
    expect(json.versions.map((v: { hash: string }) => v.hash)).toEqual([firstHash, newHash]);
    const page = (await anon().get(`/p/${s.slug}`)).text;
    expect(page).toContain("signed an earlier version");
    // The earlier version stays reachable with its own hash and list.
    const old = (await anon().get(`/p/${s.slug}/v/${firstVersion}.json`)).json;
    expect(old.hash).toBe(firstHash);
    expect(old.current).toBe(false);
    expect(old.signatories.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ["Bravo Registry", "original"],
      ["Charlie Registrar", "original"],
      ["Delta Society", "joined"],
    ]);
    expect((await anon().get(`/p/${s.slug}/v/${firstVersion}.md`)).text).toBe(s.text);

    // Each earlier signatory gets the word diff and a one-click confirmation link.
    const ask = await smtp.waitFor(f.email, /new final text/);
    expect(ask.text).toContain("{+");
    expect(ask.text).toContain("IGF");
    const charlieMail = await smtp.waitFor(s.reps[1].rep.email, /new final text/);
    const link = new URL(linkIn(ask.text, /\/reconfirm\//));
    expect((await anon().post(link.pathname)).status).toBe(200);
    expect((await anon().post(link.pathname)).status).toBe(410);
    expect((await anon().post(new URL(linkIn(charlieMail.text, /\/reconfirm\//)).pathname)).status).toBe(200);
    const after = (await anon().get(`/p/${s.slug}.json`)).json;
    expect(
      after.signatories.map((x: { name: string; status: string; hash: string }) => [x.name, x.status, x.hash]),
    ).toEqual([
      ["Bravo Registry", "original", newHash],
      ["Charlie Registrar", "joined", newHash],
      ["Delta Society", "joined", newHash],
    ]);
    const confirmed = (await auditActions(s.statementId)).filter((a) => a.action === "signatory.confirmed");
    expect(confirmed.map((a) => a.hash)).toEqual([newHash, newHash]);

    // Approved for the text it asked about, which has been replaced since: it is asked to confirm the new one.
    expect((await decide(s.convener, s.statementId, lateId, { decision: "approve" })).status).toBe(200);
    const echo = (await anon().get(`/p/${s.slug}.json`)).json.signatories.find(
      (x: { name: string }) => x.name === "Echo Org",
    );
    expect([echo.status, echo.hash]).toEqual(["earlier-version", firstHash]);
    const echoAsk = await smtp.waitFor(late.email, /new final text/);
    expect((await anon().post(new URL(linkIn(echoAsk.text, /\/reconfirm\//)).pathname)).status).toBe(200);
    const echoAfter = (await anon().get(`/p/${s.slug}.json`)).json.signatories.find(
      (x: { name: string }) => x.name === "Echo Org",
    );
    expect([echoAfter.status, echoAfter.hash]).toEqual(["joined", newHash]);
    s.editor.destroy();
  });
});

describe("mail", () => {
  it("sends invitations by email from the People panel's route", async () => {
    const convener = await signUp(server.url, "Inviting convener");
    const id = (await convener.post("/api/statements", { title: "Invite test" })).json.statement.id;
    const to = `invitee.${Date.now()}@example.org`;
    const r = await convener.post(`/api/statements/${id}/invites/email`, { email: to, role: "drafter" });
    expect(r.status).toBe(201);
    const mail = await smtp.waitFor(to, /invites you/);
    const link = new URL(linkIn(mail.text, /\/invite\//));
    expect((await anon().get(`/api/invites/${link.pathname.split("/").pop()}`)).json.role).toBe("drafter");
  });

  it("without SMTP_URL, writes to the outbox that only the admin reads", async () => {
    const local = await startTestServer();
    try {
      const first = await signUp(local.url, "Local admin");
      const other = await signUp(local.url, "Other");
      const id = (await other.post("/api/statements", { title: "Outbox test" })).json.statement.id;
      expect(
        (await other.post(`/api/statements/${id}/invites/email`, { email: "someone@example.org", role: "reviewer" }))
          .status,
      ).toBe(201);
      expect((await other.get("/api/admin/outbox")).status).toBe(403);
      const box = await first.get("/api/admin/outbox");
      expect(box.json.mail).toBe("outbox");
      expect(box.json.messages[0].to).toBe("someone@example.org");
      expect(box.json.messages[0].text).toMatch(/\/invite\//);
    } finally {
      await local.close();
    }
  });
});

describe("mail failures", () => {
  it("when the confirmation cannot be sent, the request is refused and does not hold the organization's place", async () => {
    // A port nothing listens on: connecting is refused at once.
    const net = await import("node:net");
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const down = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${closed}` });
    try {
      const s = await lockedStatement(down.url, { clauses: ["We sign."], orgs: [{ name: "Org Down" }] });
      const client = new ApiClient(down.url);
      const r = await client.post(`/p/${s.slug}/sign-on`, form("Unlucky Org"));
      expect(r.status).toBe(500);
      expect(r.json.error.message).toMatch(/could not send the confirmation email/);
      const rows = await down.services.db
        .selectFrom("sign_on_requests")
        .select("status")
        .where("statement_id", "=", s.statementId)
        .execute();
      expect(rows.map((x) => x.status)).toEqual(["expired"]);
      s.editor.destroy();
    } finally {
      await down.close();
    }
  });

  it("refuses line breaks in single-line fields (they would reach mail headers)", async () => {
    const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Lines" }] });
    expect((await anon().post(`/p/${s.slug}/sign-on`, form("Evil\r\nBcc: victim@example.org"))).status).toBe(400);
    s.editor.destroy();
  });
});

describe("abuse limits", () => {
  it("30 requests a minute from one address are served; the next is 429 with Retry-After", async () => {
    const local = await startTestServer();
    try {
      const s = await lockedStatement(local.url, { clauses: ["We sign."], orgs: [{ name: "Org Limit" }] });
      const client = new ApiClient(local.url);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await client.get(`/p/${s.slug}.json`)).status);
      expect(statuses.every((x) => x === 200)).toBe(true);
      const refused = await client.post(`/p/${s.slug}/sign-on`, form("Too Late"));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(refused.json.error.code).toBe("too_many_requests");
      const page = await fetch(`${local.url}/p/${s.slug}`, { headers: { accept: "text/html" } });
      expect(page.status).toBe(429);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await page.text()).toContain("<h1>Too many requests</h1>");
      s.editor.destroy();
    } finally {
      await local.close();
    }
  });

  it("sign-on submissions are limited per statement too, whatever the address", async () => {
    setPublicationLimits(server.services, {
      addressBurst: 100_000,
      addressPerMinute: 100_000,
      statementBurst: 3,
      statementPerMinute: 1,
    });
    try {
      const s = await lockedStatement(server.url, { clauses: ["We sign."], orgs: [{ name: "Org Busy" }] });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await anon().post(`/p/${s.slug}/sign-on`, form(`Busy ${i}`))).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      s.editor.destroy();
    } finally {
      setPublicationLimits(server.services, {
        addressBurst: 100_000,
        addressPerMinute: 100_000,
        statementBurst: 1000,
        statementPerMinute: 1000,
      });
    }
  });
});
