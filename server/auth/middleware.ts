/** Session resolution, the logged-in guard and the Origin check for state-changing requests. */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { AppEnv, CurrentUser, Services } from "../context";
import type { Session } from "./sessions";
import { forbidden, unauthorized } from "../errors";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "./sessions";
import { isHttps } from "../http/client-address";

/**
 * The session cookie's name for this request: `__Host-concord_session` over https (directly, or as a trusted
 * proxy's `X-Forwarded-Proto` says), `concord_session` over plain http, where browsers refuse `__Host-`.
 */
export function sessionCookieName(c: Context<AppEnv>): string {
  return isHttps(c, c.var.services.proxyTrust) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token the request carries (only the cookie name fitting its scheme is read). */
export function sessionToken(c: Context<AppEnv>): string | undefined {
  return getCookie(c, sessionCookieName(c));
}

/** The session a cookie token names and its user, or null when either is gone. */
export async function resolveSession(
  services: Services,
  token: string | undefined,
): Promise<{ session: Session; user: CurrentUser } | null> {
  if (!token) return null;
  const session = await services.sessions.validate(token);
  if (!session) return null;
  const row = await services.db.selectFrom("users").selectAll().where("id", "=", session.userId).executeTakeFirst();
  if (!row) return null;
  return { session, user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 } };
}

/** Resolves the session cookie into `c.var.user` / `c.var.session` (null when absent or invalid). */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  const token = sessionToken(c);
  const resolved = await resolveSession(c.var.services, token);
  if (resolved) {
    c.set("session", resolved.session);
    c.set("user", resolved.user);
  } else if (token) {
    clearSessionCookie(c);
  }
  await next();
};

/** Refuses non-GET requests whose Origin header is present and not on the allow-list. */
export const originGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
    const origin = c.req.header("origin");
    if (origin !== undefined && !c.var.services.origins().includes(origin)) {
      throw forbidden(`Requests from origin ${origin} are not allowed.`);
    }
  }
  await next();
};

/** The logged-in user, or a 401. */
export function requireUser(c: Context<AppEnv>): CurrentUser {
  const user = c.var.user;
  if (!user) throw unauthorized();
  return user;
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/; over https `Secure` with the `__Host-` prefix. */
export function setSessionCookie(c: Context<AppEnv>, token: string, maxAgeMs: number): void {
  const secure = isHttps(c, c.var.services.proxyTrust);
  setCookie(c, secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

/** Removes the session cookie (with the attributes it was set with, or a `__Host-` deletion is ignored). */
export function clearSessionCookie(c: Context<AppEnv>): void {
  const secure = isHttps(c, c.var.services.proxyTrust);
  deleteCookie(c, secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, { path: "/", secure });
}
