/**
 * Sessions as an attacker probes them: a re-login must not leave the old session's sockets running, "sign
 * out other devices" must cut them off, nobody may end someone else's session, a forged X-Forwarded-Proto
 * changes nothing, and a refused invite creates no account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { ApiClient, closeCode, rawSocket, signUp, startTestServer, statementWithMembers } from "../testing/harness";
import { CloseCode } from "../../shared/protocol";

const PASSWORD = "correct horse battery";

describe("sessions", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("logging in again ends the old session and closes its open sockets", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const oldCookie = convener.cookie;
    const ws = await rawSocket(server.url, statementId, oldCookie);
    const closed = closeCode(ws, 3000);
    const again = await convener.post("/api/auth/login", { email: convener.email, password: PASSWORD });
    expect(again.status).toBe(200);
    expect(convener.cookie).not.toBe(oldCookie);
    expect(await closed).toBe(CloseCode.unauthorized);
    // The old token opens nothing any more, socket or API.
    await expect(rawSocket(server.url, statementId, oldCookie)).rejects.toThrow(/401/);
    const stale = new ApiClient(server.url);
    stale.cookie = oldCookie;
    expect((await stale.get("/api/me")).status).toBe(401);
    // The new session works.
    const fresh = await rawSocket(server.url, statementId, convener.cookie);
    fresh.close();
  });

  it("signing up while carrying another session ends that session and its sockets", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const ws = await rawSocket(server.url, statementId, convener.cookie);
    const closed = closeCode(ws, 3000);
    const r = await convener.post("/api/auth/signup", {
      email: `second.${Date.now()}@example.org`,
      password: PASSWORD,
      name: "Second",
    });
    expect(r.status).toBe(201);
    expect(await closed).toBe(CloseCode.unauthorized);
  });

  it("lists the caller's sessions (created, last used, browser) and signs out the other devices, closing their sockets", async () => {
    const { convener: laptop, statementId } = await statementWithMembers(server.url, []);
    const phone = new ApiClient(server.url);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, "user-agent": "PhoneBrowser/1.0" },
      body: JSON.stringify({ email: laptop.email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    phone.cookie = login.headers.getSetCookie()[0].split(";")[0];
    const phoneSocket = await rawSocket(server.url, statementId, phone.cookie);
    const phoneClosed = closeCode(phoneSocket, 3000);
    const laptopSocket = await rawSocket(server.url, statementId, laptop.cookie);

    const list = await laptop.get("/api/auth/sessions");
    expect(list.status).toBe(200);
    expect(list.json.sessions).toHaveLength(2);
    const mine = list.json.sessions.find((s: { current: boolean }) => s.current);
    const other = list.json.sessions.find((s: { current: boolean }) => !s.current);
    expect(mine).toMatchObject({ current: true });
    expect(other.userAgent).toBe("PhoneBrowser/1.0");
    for (const s of list.json.sessions) {
      expect(s.createdAt).toBeGreaterThan(Date.now() - 60_000);
      expect(s.lastUsedAt).toBeGreaterThanOrEqual(s.createdAt);
      // Only ids, never token secrets.
      expect(laptop.cookie).not.toContain(`.${s.id}`);
    }

    const out = await laptop.post("/api/auth/sessions/revoke-others");
    expect(out.json).toMatchObject({ ok: true, endedSessions: 1 });
    expect(await phoneClosed).toBe(CloseCode.unauthorized);
    expect((await phone.get("/api/me")).status).toBe(401);
    expect((await laptop.get("/api/me")).status).toBe(200);
    expect(laptopSocket.readyState).toBe(laptopSocket.OPEN);
    expect((await laptop.get("/api/auth/sessions")).json.sessions).toHaveLength(1);
    laptopSocket.close();
  });

  it("nobody can end or list another user's sessions", async () => {
    const victim = await signUp(server.url, "Victim");
    const attacker = await signUp(server.url, "Attacker");
    const victimSessionId = victim.cookie.split("=")[1].split(".")[0];
    expect((await attacker.delete(`/api/auth/sessions/${victimSessionId}`)).status).toBe(404);
    expect((await victim.get("/api/me")).status).toBe(200);
    const theirs = (await attacker.get("/api/auth/sessions")).json.sessions.map((s: { id: string }) => s.id);
    expect(theirs).not.toContain(victimSessionId);
    expect((await new ApiClient(server.url).get("/api/auth/sessions")).status).toBe(401);
    expect((await new ApiClient(server.url).post("/api/auth/sessions/revoke-others")).status).toBe(401);
  });

  it("a forged X-Forwarded-Proto (no TRUST_PROXY) neither renames the cookie nor marks it Secure", async () => {
    const res = await fetch(`${server.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, "x-forwarded-proto": "https" },
      body: JSON.stringify({ email: `forged.${Date.now()}@example.org`, password: PASSWORD, name: "F" }),
    });
    const cookie = res.headers.getSetCookie()[0];
    expect(cookie).toMatch(/^concord_session=/);
    expect(cookie).not.toMatch(/Secure/);
  });
});

describe("the session cookie behind a trusted https proxy", () => {
  it("is __Host-concord_session; Secure; Path=/ (no Domain), and only that name is read over https", async () => {
    const server = await startTestServer({ trustProxy: ["127.0.0.1", "::1"] });
    try {
      const https = { "x-forwarded-proto": "https", origin: server.url };
      const res = await fetch(`${server.url}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json", ...https },
        body: JSON.stringify({ email: `host.${Date.now()}@example.org`, password: PASSWORD, name: "H" }),
      });
      expect(res.status).toBe(201);
      const setCookie = res.headers.getSetCookie()[0];
      expect(setCookie).toMatch(/^__Host-concord_session=[a-z0-9]+\.[a-z0-9]+;/);
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).not.toMatch(/Domain/i);
      const pair = setCookie.split(";")[0];
      expect((await fetch(`${server.url}/api/me`, { headers: { cookie: pair, ...https } })).status).toBe(200);
      // The unprefixed name (which a sibling subdomain could plant) is not read over https.
      const token = pair.split("=")[1];
      expect(
        (await fetch(`${server.url}/api/me`, { headers: { cookie: `concord_session=${token}`, ...https } })).status,
      ).toBe(401);
      // Logout clears the prefixed cookie with the attributes it needs.
      const out = await fetch(`${server.url}/api/auth/logout`, { method: "POST", headers: { cookie: pair, ...https } });
      expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-concord_session=;.*Secure/);
    } finally {
      await server.close();
    }
  });
});

describe("sign-up with an invite is one transaction", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function userCount(): Promise<number> {
    const r = await server.services.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function invite(): Promise<{ token: string; statementId: string }> {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const r = await convener.post(`/api/statements/${statementId}/invites`, { role: "drafter" });
    expect(r.status).toBe(201);
    return { token: r.json.token, statementId };
  }

  it("an already used invite is refused with 400 and creates neither account nor session", async () => {
    const { token, statementId } = await invite();
    const first = await new ApiClient(server.url).post("/api/auth/signup", {
      email: `first.${Date.now()}@example.org`,
      password: PASSWORD,
      name: "First",
      invite: token,
    });
    expect(first.status).toBe(201);
    expect(first.json.joinedStatementId).toBe(statementId);

    const before = await userCount();
    const sessionsBefore = (await server.services.db.selectFrom("sessions").select("id").execute()).length;
    const email = `late.${Date.now()}@example.org`;
    const late = new ApiClient(server.url);
    const r = await late.post("/api/auth/signup", { email, password: PASSWORD, name: "Late", invite: token });
    expect(r.status).toBe(400);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(await userCount()).toBe(before);
    expect((await server.services.db.selectFrom("sessions").select("id").execute()).length).toBe(sessionsBefore);
    expect(await server.services.db.selectFrom("users").select("id").where("email", "=", email).execute()).toEqual([]);
    // So the same person can still sign up without the dead link (it used to answer 409 here).
    expect((await late.post("/api/auth/signup", { email, password: PASSWORD, name: "Late" })).status).toBe(201);
  });

  it("ten parallel sign-ups racing for one invite: one account joins, nine are refused and leave nothing", async () => {
    const { token, statementId } = await invite();
    const before = await userCount();
    const emails = Array.from({ length: 10 }, (_, i) => `race.${i}.${Date.now()}@example.org`);
    const results = await Promise.all(
      emails.map((email) =>
        new ApiClient(server.url).post("/api/auth/signup", { email, password: PASSWORD, name: "Racer", invite: token }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(400)]);
    expect(await userCount()).toBe(before + 1);
    const created = await server.services.db
      .selectFrom("users")
      .select(["id", "email"])
      .where("email", "in", emails)
      .execute();
    expect(created).toHaveLength(1);
    const members = await server.services.db
      .selectFrom("members")
      .select("user_id")
      .where("statement_id", "=", statementId)
      .where("role", "=", "drafter")
      .execute();
    expect(members.map((m) => m.user_id)).toEqual([created[0].id]);
  });

  it("an unknown or expired invite creates nothing either", async () => {
    const before = await userCount();
    const r = await new ApiClient(server.url).post("/api/auth/signup", {
      email: `ghost.${Date.now()}@example.org`,
      password: PASSWORD,
      name: "G",
      invite: "not-a-real-token",
    });
    expect(r.status).toBe(404);
    expect(await userCount()).toBe(before);
  });
});
