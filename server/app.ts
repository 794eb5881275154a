/**
 * The Hono app: services in context, security headers and a body limit on every response and request,
 * session resolution, the Origin guard, every router, the built client with an SPA fallback (source maps
 * never served), and one `onError` that turns errors into `{ error: { code, message } }`.
 */
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";
import fs from "node:fs";
import path from "node:path";
import type { AppEnv, Services } from "./context";
import { AppError } from "./errors";
import type { Config } from "./config";
import { originGuard, sessionMiddleware } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { organizationRoutes } from "./organizations/routes";
import { statementRoutes } from "./statements/routes";
import { syncRoutes } from "./sync/routes";
import { commentRoutes } from "./comments/routes";
import { signoffRoutes } from "./signoff/routes";

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
  return bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: (c) => {
      const err = new AppError("too_large", `The request is too large (at most ${Math.floor(config.maxBodyBytes / 1024)} KB).`);
      // The unread rest of the body is still on the wire: the connection cannot carry another request.
      c.header("Connection", "close");
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    },
  });
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
    if (c.req.path.endsWith(".map")) return c.json({ error: { code: "not_found", message: "Not found." } }, 404);
    await next();
  });

  // The realtime route does its own checks (and its own error answers) before the upgrade.
  app.route("/", syncRoutes(upgradeWebSocket));

  app.use("/api/*", originGuard, sessionMiddleware);
  app.use("/api/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  app.route("/api", authRoutes());
  app.route("/api", organizationRoutes());
  app.route("/api", statementRoutes());
  app.route("/api", commentRoutes());
  app.route("/api", signoffRoutes());
  app.all("/api/*", (c) => c.json({ error: { code: "not_found", message: "No such API route." } }, 404));

  const clientDir = services.config.clientDir;
  if (clientDir && fs.existsSync(path.join(clientDir, "index.html"))) {
    const root = path.relative(process.cwd(), clientDir) || ".";
    const indexHtml = fs.readFileSync(path.join(clientDir, "index.html"), "utf8");
    app.use("/assets/*", async (c, next) => {
      await next();
      // Hashed file names never change content.
      if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
    });
    app.use("*", serveStatic({ root }));
    // A missing hashed asset is a 404, not the app's HTML (which a script tag would try to run as JavaScript).
    app.get("/assets/*", (c) => c.json({ error: { code: "not_found", message: "Not found." } }, 404));
    app.get("*", (c) => c.html(indexHtml));
  }

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: "http_error", message: err.message } }, err.status);
    }
    c.var.services.log("unhandled error", err);
    return c.json({ error: { code: "internal", message: "Something went wrong on the server." } }, 500);
  });

  return app;
}
