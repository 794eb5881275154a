/**
 * `GET /ws/:statementId`: the realtime endpoint, upgraded by Hono (@hono/node-ws).
 *
 * The upgrade checks, in this order: the exact Origin allow-list (403), a valid session (401), membership
 * (403). After that every frame goes through the room, which checks the connection's rights per message.
 * A malformed frame closes only its own connection; nothing a client sends can take the process down.
 */
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import type { AppEnv } from "../context";
import { resolveSession, sessionToken } from "../auth/middleware";
import { findMembership } from "../statements/access";
import { canEditText } from "../../shared/roles";
import { CloseCode } from "../../shared/protocol";
import { colorForUser } from "../../shared/colors";
import { forbidden, unauthorized } from "../errors";
import { Connection } from "./connection";
import { MalformedFrame } from "./room";
import type { Room } from "./room";

/** Builds the realtime route. */
export function syncRoutes(upgradeWebSocket: UpgradeWebSocket<WebSocket>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Open connections per user, across every statement: a cap keeps one account from holding unbounded sockets.
  const openPerUser = new Map<string, number>();

  app.get(
    "/ws/:statementId",
    async (c, next) => {
      const services = c.var.services;
      const origin = c.req.header("origin");
      if (!origin || !services.origins().includes(origin)) {
        throw forbidden("This origin may not open a realtime connection.");
      }
      const resolved = await resolveSession(services, sessionToken(c));
      if (!resolved) throw unauthorized("Log in to connect.");
      const membership = await findMembership(services.db, c.req.param("statementId"), resolved.user.id);
      if (!membership) throw forbidden("You are not a member of this statement.");
      c.set("session", resolved.session);
      c.set("user", resolved.user);
      c.set("membership", membership);
      await next();
    },
    upgradeWebSocket((c: import("hono").Context<AppEnv>) => {
      const services = c.var.services;
      const session = c.var.session!;
      const user = c.var.user!;
      const membership = c.var.membership!;
      const { config, realtime: rooms } = services;
      let conn: Connection | null = null;
      let room: Room | null = null;
      // Frames that arrive while the document loads are queued, in order.
      let queue: Uint8Array[] | null = [];
      let counted = false;

      const handle = (data: Uint8Array) => {
        if (!conn || !room || conn.closed) return;
        if (!conn.bucket.take()) {
          conn.close(CloseCode.rateLimited, "too many messages");
          return;
        }
        try {
          room.receive(conn, data);
        } catch (err) {
          if (err instanceof MalformedFrame) conn.close(CloseCode.malformedFrame, `malformed frame: ${err.message}`);
          else {
            services.log("realtime: unexpected error", err);
            conn.close(1011, "internal error");
          }
        }
      };

      return {
        onOpen(_evt, ws) {
          const raw = ws.raw!;
          // Counted at open (synchronous), so parallel upgrades cannot all pass a check made earlier.
          const open = openPerUser.get(user.id) ?? 0;
          if (open >= config.maxConnectionsPerUser) {
            // The reason is shown to the user as is (the editor's "Disconnected" notice).
            raw.close(
              CloseCode.tooManyConnections,
              `Too many open tabs or devices on this account (at most ${config.maxConnectionsPerUser}): close one and reload.`,
            );
            return;
          }
          openPerUser.set(user.id, open + 1);
          counted = true;
          conn = new Connection(
            raw,
            { id: user.id, name: user.name, color: colorForUser(user.id) },
            session.id,
            membership.role,
            false,
            config.maxMessagesPerSecond,
          );
          conn.organizationId = membership.organizationId;
          const opened = conn;
          raw.on("pong", () => {
            opened.alive = true;
          });
          // Frames are read from the ws socket directly: Hono's onMessage would wrap each one in a MessageEvent
          // and copy it into a new ArrayBuffer, a measurable share of the receive path. (No frame can arrive
          // before this listener: ws emits messages asynchronously and onOpen runs synchronously at open.)
          raw.on("message", (data: Buffer, isBinary: boolean) => {
            if (!isBinary) {
              opened.close(CloseCode.malformedFrame, "text frames are not part of the protocol");
              return;
            }
            if (queue) queue.push(data);
            else handle(data);
          });
          rooms
            .open(membership.statementId, membership.phase)
            .then((r: Room) => {
              // Gone while the document loaded: leave at once, so that a room nobody holds is unloaded.
              if (opened.closed || raw.readyState !== 1) {
                rooms.leave(r, opened);
                return;
              }
              room = r;
              opened.canEdit = canEditText(opened.role, r.phase);
              r.join(opened);
              const pending = queue ?? [];
              queue = null;
              for (const f of pending) handle(f);
            })
            .catch((err: unknown) => {
              services.log(`realtime: could not load statement ${membership.statementId}`, err);
              opened.close(CloseCode.serverShutdown, "could not load the document");
            });
        },
        onClose() {
          if (counted) {
            counted = false;
            const left = (openPerUser.get(user.id) ?? 1) - 1;
            if (left > 0) openPerUser.set(user.id, left);
            else openPerUser.delete(user.id);
          }
          if (conn) conn.closed = true;
          if (room && conn) rooms.leave(room, conn);
        },
        onError() {
          conn?.close(1011, "socket error");
        },
      };
    }),
  );

  return app;
}
