/**
 * `/api/auth/*` and `/api/me`: sign up, log in, log out, change password, list and end sessions, who am I.
 *
 * Guessing limits (`./throttle.ts`): a login is counted against its account and its (address, account) pair
 * before the password is checked; the address itself is limited only in rate. A password change is counted
 * against the user the same way.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../context";
import { parseBody } from "../http/validate";
import { clientAddress } from "../http/client-address";
import { loginSchema, passwordChangeSchema, signupSchema } from "../../shared/validation";
import { conflict, notFound, tooManyRequests, unauthorized } from "../errors";
import { hashPassword, verifyPassword } from "./passwords";
import { clearSessionCookie, requireUser, setSessionCookie } from "./middleware";
import { beginAttempt, isRefusal } from "./throttle";
import { createAccount } from "./signup";
import { recordAudit } from "../audit/log";
import { plural } from "../../shared/plural";

/** The public shape of a user. */
export function publicUser(u: CurrentUser) {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin };
}

/** A 429 with `Retry-After`. */
function refuse(c: Context<AppEnv>, retryAfterMs: number, what: string): never {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  c.header("Retry-After", String(seconds));
  throw tooManyRequests(`${what} Try again in ${plural(seconds, "second")}.`);
}

/** Builds the auth routes. */
export function authRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // A dummy hash so that a login for an unknown email costs as much as one for a known email.
  let dummyHash: Promise<string> | null = null;

  /**
   * Starts a new session for this browser. A session cookie it already carried is ended first, and that
   * session's open sockets are closed with it (a new login must not leave the old one's connections alive).
   */
  async function startSession(c: Context<AppEnv>, userId: string) {
    const { sessions, config, events } = c.var.services;
    const previous = c.var.session;
    if (previous) {
      await sessions.invalidate(previous.id);
      events.emit({ kind: "sessions.revoked", sessionIds: [previous.id] });
    }
    const { token, session } = await sessions.create(userId, c.req.header("user-agent") ?? null);
    setSessionCookie(c, token, config.sessionIdleMs);
    c.set("session", session);
  }

  app.post("/auth/signup", async (c) => {
    const body = await parseBody(c, signupSchema);
    const { db, config } = c.var.services;
    const existing = await db.selectFrom("users").select("id").where("email", "=", body.email).executeTakeFirst();
    if (existing) throw conflict("An account with this email already exists. Log in instead.");
    const passwordHash = await hashPassword(body.password, config.argon2);
    const { user, joinedStatementId } = await createAccount(c.var.services, {
      email: body.email,
      name: body.name,
      passwordHash,
      invite: body.invite,
    });
    await startSession(c, user.id);
    return c.json({ user: publicUser(user), joinedStatementId }, 201);
  });

  app.post("/auth/login", async (c) => {
    const body = await parseBody(c, loginSchema);
    const { db, throttles, proxyTrust, config } = c.var.services;
    const address = clientAddress(c, proxyTrust);
    const rate = throttles.address.take(address);
    if (rate) refuse(c, rate.retryAfterMs, "Too many login attempts from your network.");
    // Booked before the password is checked: parallel guesses cannot all slip through while Argon2 runs.
    const attempt = beginAttempt([
      [throttles.account, body.email],
      [throttles.pair, `${address} ${body.email}`],
    ]);
    if (isRefusal(attempt)) refuse(c, attempt.retryAfterMs, "Too many failed attempts for this account.");
    const row = await db.selectFrom("users").selectAll().where("email", "=", body.email).executeTakeFirst();
    let ok = false;
    if (row) ok = await verifyPassword(row.password_hash, body.password);
    else {
      dummyHash ??= hashPassword("not a password", config.argon2);
      await verifyPassword(await dummyHash, body.password);
    }
    if (!row || !ok) throw unauthorized("Wrong email or password.");
    attempt.succeeded();
    throttles.address.giveBack(address);
    await startSession(c, row.id);
    return c.json({ user: publicUser({ id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 }) });
  });

  app.post("/auth/logout", async (c) => {
    const session = c.var.session;
    if (session) {
      await c.var.services.sessions.invalidate(session.id);
      c.var.services.events.emit({ kind: "sessions.revoked", sessionIds: [session.id] });
    }
    clearSessionCookie(c);
    return c.json({ ok: true });
  });

  app.post("/auth/password", async (c) => {
    const user = requireUser(c);
    const body = await parseBody(c, passwordChangeSchema);
    const { db, sessions, events, config, throttles } = c.var.services;
    // A stolen cookie must not become a way to guess the password: counted per user, before the check.
    const attempt = beginAttempt([[throttles.passwordChange, user.id]]);
    if (isRefusal(attempt)) refuse(c, attempt.retryAfterMs, "Too many wrong current passwords.");
    const row = await db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(row.password_hash, body.currentPassword))) {
      throw unauthorized("The current password is wrong.");
    }
    attempt.succeeded();
    const passwordHash = await hashPassword(body.newPassword, config.argon2);
    await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", user.id).execute();
    const ended = await sessions.invalidateAllOfUser(user.id);
    events.emit({ kind: "sessions.revoked", sessionIds: ended });
    await recordAudit(db, { statementId: null, actorId: user.id, action: "user.password_changed", detail: {} });
    c.set("session", null); // already ended above
    await startSession(c, user.id);
    return c.json({ ok: true, endedSessions: ended.length });
  });

  /** The caller's live sessions: created, last used (to the hour), browser; the current one marked. */
  app.get("/auth/sessions", async (c) => {
    const user = requireUser(c);
    const current = c.var.session!.id;
    const list = await c.var.services.sessions.listOfUser(user.id);
    return c.json({ sessions: list.map((s) => ({ ...s, current: s.id === current })) });
  });

  /** "Sign out other devices": every session of the caller but this one ends, and their sockets close. */
  app.post("/auth/sessions/revoke-others", async (c) => {
    const user = requireUser(c);
    const { sessions, events, db } = c.var.services;
    const ended = await sessions.invalidateOthersOfUser(user.id, c.var.session!.id);
    if (ended.length > 0) events.emit({ kind: "sessions.revoked", sessionIds: ended });
    await recordAudit(db, {
      statementId: null,
      actorId: user.id,
      action: "user.sessions_revoked",
      detail: { count: ended.length },
    });
    return c.json({ ok: true, endedSessions: ended.length });
  });

  /** Ends one of the caller's other sessions. */
  app.delete("/auth/sessions/:id", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const { sessions, events } = c.var.services;
    if (!(await sessions.invalidateOfUser(user.id, id))) throw notFound("Session");
    events.emit({ kind: "sessions.revoked", sessionIds: [id] });
    if (id === c.var.session!.id) clearSessionCookie(c);
    return c.json({ ok: true });
  });

  app.get("/me", (c) => {
    const user = requireUser(c);
    return c.json({ user: publicUser(user) });
  });

  return app;
}
