/**
 * The Hono app: services in context, session resolution, the Origin guard, every router, the built client
 * with an SPA fallback, and one `onError` that turns errors into `{ error: { code, message } }`.
 */
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { HTTPException } from "hono/http-exception";
import { serveStatic } from "@hono/node-server/serve-static";
import fs from "node:fs";
import path from "node:path";
import type { AppEnv, Services } from "./context";
import { AppError } from "./errors";
import { originGuard, sessionMiddleware } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { organizationRoutes } from "./organizations/routes";
import { statementRoutes } from "./statements/routes";
import { syncRoutes } from "./sync/routes";
import { commentRoutes } from "./comments/routes";
import { signoffRoutes } from "./signoff/routes";

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
    app.get("*", (c) => c.html(indexHtml));
  }

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: "http_error", message: err.message } }, err.status);
    }
    console.error("unhandled error", err);
    return c.json({ error: { code: "internal", message: "Something went wrong on the server." } }, 500);
  });

  return app;
}
