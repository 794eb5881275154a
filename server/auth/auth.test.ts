import { afterAll, beforeAll, describe, expect, it } from "vitest";
import SQLite from "better-sqlite3";
import path from "node:path";
import type { RunningServer } from "../server";
import { startServer } from "../server";
import { makeConfig } from "../config";
import {
  ApiClient,
  TEST_ARGON2,
  closeCode,
  rawSocket,
  signUp,
  startTestServer,
  statementWithMembers,
  tempDataDir,
} from "../testing/harness";
import { CloseCode } from "../../shared/protocol";

describe("accounts and sessions", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("signs up (first account is admin), logs in with a new token each time, and answers /api/me", async () => {
    const a = await signUp(server.url, "First");
    const me = await a.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ id: a.userId, name: "First", isAdmin: true });
    const b = await signUp(server.url, "Second");
    expect((await b.get("/api/me")).json.user.isAdmin).toBe(false);

    const firstCookie = a.cookie;
    const login = await a.post("/api/auth/login", { email: a.email, password: "correct horse battery" });
    expect(login.status).toBe(200);
    expect(a.cookie).not.toBe(firstCookie);
    // The old token of this browser is ended by the new login.
    const stale = new ApiClient(server.url);
    stale.cookie = firstCookie;
    expect((await stale.get("/api/me")).status).toBe(401);
  });

  it("sets an HttpOnly, SameSite=Lax, Path=/ cookie", async () => {
    const c = new ApiClient(server.url);
    const res = await c.post("/api/auth/signup", {
      email: `cookie.${Date.now()}@example.org`,
      password: "long enough pw",
      name: "C",
    });
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/concord_session=[a-z0-9]+\.[a-z0-9]+/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it("rejects bad sign-ups with clear errors, and each refused one stores nothing", async () => {
    const db = server.services.db;
    const count = async (table: "users" | "sessions" | "members" | "audit_log") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const snapshot = async () => ({
      users: await count("users"),
      sessions: await count("sessions"),
      members: await count("members"),
      audit: await count("audit_log"),
    });
    const dupe = await signUp(server.url, "Dupe");
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const used = (await convener.post(`/api/statements/${statementId}/invites`, { role: "drafter" })).json
      .token as string;
    expect(
      (
        await new ApiClient(server.url).post("/api/auth/signup", {
          email: `used.${Date.now()}@example.org`,
          password: "long enough pw",
          name: "U",
          invite: used,
        })
      ).status,
    ).toBe(201);
    const fresh = () => `fresh.${Date.now()}.${Math.random().toString(36).slice(2)}@example.org`;

    const bad: Array<[string, unknown, number]> = [
      ["not an email", { email: "not-an-email", password: "long enough pw", name: "X" }, 400],
      ["short password", { email: fresh(), password: "short", name: "X" }, 400],
      ["empty name", { email: fresh(), password: "long enough pw", name: "" }, 400],
      ["wrong types", { email: 5, password: [], name: {} }, 400],
      ["not JSON", "{not json", 400],
      ["taken email", { email: dupe.email, password: "long enough pw", name: "Dupe 2" }, 409],
      ["used invite", { email: fresh(), password: "long enough pw", name: "Late", invite: used }, 400],
      [
        "unknown invite",
        { email: fresh(), password: "long enough pw", name: "Ghost", invite: "not-a-real-token" },
        404,
      ],
    ];
    for (const [what, body, status] of bad) {
      const before = await snapshot();
      const c = new ApiClient(server.url);
      const r = await c.post("/api/auth/signup", body);
      expect(r.status, what).toBe(status);
      expect(r.json.error.code, what).toBe(status === 409 ? "conflict" : status === 404 ? "not_found" : "bad_request");
      expect(r.json.error.message.length, what).toBeGreaterThan(5);
      expect(r.headers.getSetCookie(), what).toEqual([]);
      expect(await snapshot(), what).toEqual(before);
      if (
        typeof body === "object" &&
        body &&
        typeof (body as { email?: unknown }).email === "string" &&
        what !== "taken email"
      ) {
        expect(
          await db
            .selectFrom("users")
            .select("id")
            .where("email", "=", (body as { email: string }).email)
            .execute(),
          what,
        ).toEqual([]);
      }
    }
  });

  it("refuses non-GET requests from a foreign Origin with 403", async () => {
    const c = new ApiClient(server.url, "http://evil.example");
    const r = await c.post("/api/auth/signup", {
      email: `evil.${Date.now()}@example.org`,
      password: "long enough pw",
      name: "E",
    });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("forbidden");
  });

  it("slows down repeated failed logins", async () => {
    const u = await signUp(server.url, "Target");
    const c = new ApiClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await c.post("/api/auth/login", { email: u.email, password: "wrong password" })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses).toContain(429);
    const blocked = await c.post("/api/auth/login", { email: u.email, password: "correct horse battery" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("stores no raw token: only the SHA-256 of the secret", async () => {
    const u = await signUp(server.url, "Hashed");
    const token = u.cookie.split("=")[1];
    const [id, secret] = token.split(".");
    const row = await server.services.db
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const stored = Buffer.from(row.secret_hash);
    expect(stored.length).toBe(32);
    expect(stored.toString("utf8")).not.toContain(secret);
    const dump = JSON.stringify(await server.services.db.selectFrom("sessions").selectAll().execute(), (_k, v) =>
      v && v.type === "Buffer" ? Buffer.from(v.data).toString("latin1") : v,
    );
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(token);
  });

  it("logout ends the session and closes its sockets", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const ws = await rawSocket(server.url, statementId, convener.cookie);
    const closed = closeCode(ws, 2000);
    const cookie = convener.cookie;
    expect((await convener.post("/api/auth/logout")).status).toBe(200);
    expect(await closed).toBe(CloseCode.unauthorized);
    const old = new ApiClient(server.url);
    old.cookie = cookie;
    expect((await old.get("/api/me")).status).toBe(401);
  });

  it("a password change ends every session of the user, closes their sockets, and keeps the caller logged in", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const other = new ApiClient(server.url);
    await other.post("/api/auth/login", { email: convener.email, password: "correct horse battery" });
    const ws = await rawSocket(server.url, statementId, other.cookie);
    const closed = closeCode(ws, 2000);
    const wrong = await convener.post("/api/auth/password", {
      currentPassword: "nope",
      newPassword: "a new long password",
    });
    expect(wrong.status).toBe(401);
    const ok = await convener.post("/api/auth/password", {
      currentPassword: "correct horse battery",
      newPassword: "a new long password",
    });
    expect(ok.status).toBe(200);
    expect(await closed).toBe(CloseCode.unauthorized);
    expect((await other.get("/api/me")).status).toBe(401);
    expect((await convener.get("/api/me")).status).toBe(200);
    expect(
      (
        await new ApiClient(server.url).post("/api/auth/login", {
          email: convener.email,
          password: "a new long password",
        })
      ).status,
    ).toBe(200);
  });
});

describe("sessions expire after inactivity", () => {
  it("refuses a session unused for longer than the idle limit", async () => {
    const server = await startServer(
      makeConfig({ dataDir: tempDataDir(), port: 0, argon2: TEST_ARGON2, sessionIdleMs: 60_000 }),
    );
    const u = await signUp(server.url, "Idle");
    expect((await u.get("/api/me")).status).toBe(200);
    const id = u.cookie.split("=")[1].split(".")[0];
    await server.services.db
      .updateTable("sessions")
      .set({ last_verified_at: Date.now() - 61_000 })
      .where("id", "=", id)
      .execute();
    expect((await u.get("/api/me")).status).toBe(401);
    expect(await server.services.db.selectFrom("sessions").selectAll().where("id", "=", id).execute()).toEqual([]);
    await server.close();
  });
});

describe("password hashing", () => {
  it("uses Argon2id with m=19456 KiB, t=2, p=1 by default", async () => {
    const dataDir = tempDataDir();
    const server = await startServer(makeConfig({ dataDir, port: 0 }));
    const c = new ApiClient(server.url);
    await c.post("/api/auth/signup", { email: "argon@example.org", password: "long enough pw", name: "A" });
    await server.close();
    const db = new SQLite(path.join(dataDir, "concord.db"), { readonly: true });
    const row = db.prepare("select password_hash from users where email = ?").get("argon@example.org") as {
      password_hash: string;
    };
    db.close();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
