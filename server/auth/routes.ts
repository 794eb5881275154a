/** `/api/auth/*` and `/api/me`: sign up, log in, log out, change password, who am I. */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../context";
import { parseBody } from "../http/validate";
import { loginSchema, passwordChangeSchema, signupSchema } from "../../shared/validation";
import { conflict, tooManyRequests, unauthorized } from "../errors";
import { hashPassword, verifyPassword } from "./passwords";
import { clearSessionCookie, requireUser, setSessionCookie } from "./middleware";
import { LoginThrottle } from "./throttle";
import { newId } from "../ids";
import { acceptInvite } from "../statements/invites";
import { recordAudit } from "../audit/log";

/** The public shape of a user. */
export function publicUser(u: CurrentUser) {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin };
}

function clientAddress(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "unknown";
}

/** Builds the auth routes. */
export function authRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Per account after 3 failures; per client address only after 20, since a whole office may share one.
  const accountThrottle = new LoginThrottle(3);
  const addressThrottle = new LoginThrottle(20);
  // A dummy hash so that a login for an unknown email costs as much as one for a known email.
  let dummyHash: Promise<string> | null = null;

  async function startSession(c: Context<AppEnv>, userId: string) {
    const { sessions, config } = c.var.services;
    const { token } = await sessions.create(userId);
    setSessionCookie(c, token, config.sessionIdleMs);
  }

  app.post("/auth/signup", async (c) => {
    const body = await parseBody(c, signupSchema);
    const { db, config } = c.var.services;
    const existing = await db.selectFrom("users").select("id").where("email", "=", body.email).executeTakeFirst();
    if (existing) throw conflict("An account with this email already exists. Log in instead.");
    const passwordHash = await hashPassword(body.password, config.argon2);
    const id = newId();
    const user = await db.transaction().execute(async (trx) => {
      // The first account of an instance is its admin.
      const count = await trx.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
      const isAdmin = Number(count?.n ?? 0) === 0;
      await trx
        .insertInto("users")
        .values({ id, email: body.email, name: body.name, password_hash: passwordHash, is_admin: isAdmin ? 1 : 0, created_at: Date.now() })
        .execute();
      return { id, email: body.email, name: body.name, isAdmin };
    });
    await startSession(c, user.id);
    let joined: string | null = null;
    if (body.invite) joined = (await acceptInvite(c.var.services, body.invite, user)).statementId;
    return c.json({ user: publicUser(user), joinedStatementId: joined }, 201);
  });

  app.post("/auth/login", async (c) => {
    const body = await parseBody(c, loginSchema);
    const { db } = c.var.services;
    const account = [body.email];
    const address = [clientAddress(c)];
    const wait = Math.max(accountThrottle.waitMs(account), addressThrottle.waitMs(address));
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      throw tooManyRequests(`Too many failed attempts. Try again in ${Math.ceil(wait / 1000)} seconds.`);
    }
    const row = await db.selectFrom("users").selectAll().where("email", "=", body.email).executeTakeFirst();
    if (!row) {
      dummyHash ??= hashPassword("not a password", c.var.services.config.argon2);
      await verifyPassword(await dummyHash, body.password);
    }
    const ok = row ? await verifyPassword(row.password_hash, body.password) : false;
    if (!row || !ok) {
      accountThrottle.fail(account);
      addressThrottle.fail(address);
      throw unauthorized("Wrong email or password.");
    }
    accountThrottle.succeed(account);
    // A new token at every login; an old session cookie of this browser is ended.
    const previous = c.var.session;
    if (previous) await c.var.services.sessions.invalidate(previous.id);
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
    const { db, sessions, events, config } = c.var.services;
    const row = await db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    if (!(await verifyPassword(row.password_hash, body.currentPassword))) {
      throw unauthorized("The current password is wrong.");
    }
    const passwordHash = await hashPassword(body.newPassword, config.argon2);
    await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", user.id).execute();
    const ended = await sessions.invalidateAllOfUser(user.id);
    events.emit({ kind: "sessions.revoked", sessionIds: ended });
    await recordAudit(db, { statementId: null, actorId: user.id, action: "user.password_changed", detail: {} });
    await startSession(c, user.id);
    return c.json({ ok: true, endedSessions: ended.length });
  });

  app.get("/me", (c) => {
    const user = requireUser(c);
    return c.json({ user: publicUser(user) });
  });

  return app;
}
