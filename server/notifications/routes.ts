/**
 * `/api/me/notifications`, `/api/me/events` and `/api/statements/:id/ask-to-sign`. Everything under `/me` is the
 * caller's own: the queries are scoped to the session's user, so nobody reads or marks another's notifications.
 * Asking to sign is the convener's.
 */
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { parseBody } from "../http/validate";
import { requireMembership } from "../statements/access";
import { requireOrganization } from "../statements/members";
import { canManageMembers } from "../../shared/roles";
import { askToSignSchema, notificationReadSchema } from "../../shared/notifications";
import { statementFinal } from "../errors";
import { listNotifications, markRead } from "./store";
import { openEventStream } from "./stream";
import { askToSign } from "./triggers";

export function notificationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/me/notifications", async (c) => {
    const user = requireUser(c);
    return c.json(await listNotifications(c.var.services.db, user.id));
  });

  app.post("/me/notifications/read", async (c) => {
    const user = requireUser(c);
    const body = await parseBody(c, notificationReadSchema);
    return c.json(await markRead(c.var.services.db, user.id, body));
  });

  app.get("/me/events", (c) => openEventStream(c));

  app.post("/statements/:id/ask-to-sign", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    const services = c.var.services;
    const me = await requireMembership(
      services.db,
      id,
      user.id,
      (m) => canManageMembers(m.role),
      "Only a convener can ask organizations to sign.",
    );
    const body = await parseBody(c, askToSignSchema);
    if (me.phase === "final") throw statementFinal();
    const organizationId = (await requireOrganization(services.db, body.organizationId)) ?? undefined;
    return c.json(await askToSign(services, { statementId: id, actorId: user.id, organizationId }));
  });

  return app;
}
