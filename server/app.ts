/**
 * The Hono app: services in context, security headers and a body limit on every response and request,
 * session resolution, the Origin guard, every router, the built client with an SPA fallback (source maps
 * never served), and the one `onError` that turns every thrown error into `{ error: { code, message, details? } }`.
 */
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Context, MiddlewareHandler } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";
import fs from "node:fs";
import path from "node:path";
import type { AppEnv, Services } from "./context";
import { AppError, codeForStatus } from "./errors";
import { limitBody } from "./http/body-limit";
import type { Config } from "./config";
import { originGuard, sessionMiddleware } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { organizationRoutes } from "./organizations/routes";
import { statementRoutes } from "./statements/routes";
import { exportRoutes } from "./export/routes";
import { syncRoutes } from "./sync/routes";
import { commentRoutes } from "./comments/routes";
import { amendmentRoutes } from "./amendments/routes";
import { signoffRoutes } from "./signoff/routes";
import { notificationRoutes } from "./notifications/routes";
import { historyRoutes } from "./history/routes";
import { publicRoutes, publicationApiRoutes } from "./publication/routes";

/**
 * The security headers of every response (HTML, API, static files).
 *
 * Content-Security-Policy: scripts only from our own origin (the built client has no inline script; Vite
 * emits module files), no plugins, no framing (`frame-ancestors 'none'`, and X-Frame-Options for old
 * browsers), connections only to our origin (its ws/wss form too). `style-src` allows 'unsafe-inline'
 * because the editor cannot work without it: ProseMirror and the collaboration caret set `style` attributes
 * (`setAttribute("style", …)`, e.g. the caret's colour) and Tiptap injects its base stylesheet as a `<style>`
 * element. Inline styles cannot run code, and with `img-src`/`font-src`/`connect-src` limited to our origin
 * an injected style could not send anything anywhere either; React renders all user text as text.
 * Referrer-Policy `same-origin`: invite links carry their token in the URL and must not leak to other sites.
 */
export function securityHeaders(origins: () => string[]): MiddlewareHandler {
  let middleware: MiddlewareHandler | null = null;
  return (c, next) => {
    // Built at the first request: the allowed origins follow the port, known only once the server listens.
    middleware ??= secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...origins().map((o) => o.replace(/^http/, "ws"))],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: "DENY",
      referrerPolicy: "same-origin",
      xContentTypeOptions: "nosniff",
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    });
    return middleware(c, next);
  };
}

/** Refuses bodies over `maxBodyBytes` with 413, from Content-Length before reading, or as soon as a stream passes it. */
export function requestBodyLimit(config: Config): MiddlewareHandler {
  return limitBody(config.maxBodyBytes);
}

/** The error as the caller should see it, or null for an unexpected one (logged, answered 500 `internal`). */
function toAppError(err: Error): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) return new AppError(codeForStatus(err.status), err.message, undefined, err.status);
  return null;
}

/** Builds the app around its services. */
export function createApp(services: Services, upgradeWebSocket: UpgradeWebSocket<WebSocket>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("services", services);
    c.set("user", null);
    c.set("session", null);
    c.set("membership", null);
    await next();
  });
  app.use("*", securityHeaders(services.origins));
  app.use("*", requestBodyLimit(services.config));
  // Source maps would hand out the client's whole source; the build makes none, and none is served.
  app.get("*", async (c, next) => {
    if (c.req.path.endsWith(".map")) throw new AppError("not_found", "Not found.");
    await next();
  });

  // The realtime route does its own checks before the upgrade; its refusals are answered by `onError` too.
  app.route("/", syncRoutes(upgradeWebSocket));

  app.use("/api/*", originGuard, sessionMiddleware);
  app.use("/api/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  app.route("/api", authRoutes());
  app.route("/api", organizationRoutes());
  app.route("/api", statementRoutes());
  app.route("/api", exportRoutes());
  app.route("/api", commentRoutes());
  app.route("/api", amendmentRoutes());
  app.route("/api", signoffRoutes());
  app.route("/api", publicationApiRoutes());
  app.route("/api", notificationRoutes());
  app.route("/api", historyRoutes());
  app.all("/api/*", () => {
    throw new AppError("not_found", "No such API route.");
  });

  // Public pages of published statements, server-rendered (before the SPA fallback).
  app.route("/", publicRoutes(services));

  const clientDir = services.config.clientDir;
  if (clientDir && fs.existsSync(path.join(clientDir, "index.html"))) {
    const root = path.relative(process.cwd(), clientDir) || ".";
    const indexHtml = fs.readFileSync(path.join(clientDir, "index.html"), "utf8");
    app.use("/assets/*", async (c, next) => {
      await next();
      // Hashed file names never change content.
      if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
      // The body depends on Accept-Encoding (below), for every asset: caches must key on it.
      if (!c.res.headers.get("Vary")?.includes("Accept-Encoding"))
        c.header("Vary", "Accept-Encoding", { append: true });
    });
    // The build writes a brotli and a gzip copy of every asset (vite.config.ts): served as such to a browser
    // that accepts them (brotli first), with Content-Encoding and Vary set by serveStatic.
    app.use("*", serveStatic({ root, precompressed: true }));
    // A missing hashed asset is a 404, not the app's HTML (which a script tag would try to run as JavaScript).
    app.get("/assets/*", () => {
      throw new AppError("not_found", "Not found.");
    });
    app.get("*", (c) => c.html(indexHtml));
  }

  // The one place an error body is built: every refusal is an AppError (or Hono's HTTPException) thrown to
  // here, and a path nothing answers (no built client, or an API-only server) gets the same shape.
  const answer = (c: Context<AppEnv>, { code, message, details, status }: AppError) =>
    c.json({ error: { code, message, ...(details ? { details } : {}) } }, status);
  app.onError((err, c) => {
    const appError = toAppError(err);
    if (!appError) c.var.services.log("unhandled error", err);
    return answer(c, appError ?? new AppError("internal", "Something went wrong on the server."));
  });
  app.notFound((c) => answer(c, new AppError("not_found", "Not found.")));

  return app;
}
