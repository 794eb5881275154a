/**
 * The per-user live channel: `GET /api/me/events`, Server-Sent Events authenticated by the session cookie. It
 * works where no statement socket is open (the dashboard), and across instances: a notification created on
 * any instance is a user-addressed server event (`kind: "user"`), which the Redis fan-out carries to every
 * instance (server/realtime/peers.ts), and each instance hands it to the streams it holds for that user.
 *
 * Events: `ready` (data `{ unread }`) once open, `notification` (data: a `NotificationEvent`) for each new one;
 * a comment line every `HEARTBEAT_MS` keeps proxies from closing an idle stream. A stream ends when its session
 * is revoked (log out, "sign out other devices"), when the client goes away, or when the server stops. One user
 * holds at most `MAX_CONNECTIONS_PER_USER` streams per instance (429 beyond).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv, Services } from "../context";
import type { ServerEvent } from "../events";
import type { NotificationEvent } from "../../shared/notifications";
import { badRequest, tooManyRequests } from "../errors";
import { requireUser } from "../auth/middleware";
import { unreadCount } from "./store";

const HEARTBEAT_MS = 25_000;

interface Subscriber {
  userId: string;
  sessionId: string | null;
  push(event: NotificationEvent): void;
  end(): void;
}

/** The open streams of one process, found by user; one server-event listener for all of them. */
class StreamHub {
  private readonly byUser = new Map<string, Set<Subscriber>>();
  constructor(events: Services["events"]) {
    events.on((e: ServerEvent) => {
      if (e.kind === "user") for (const s of this.byUser.get(e.userId) ?? []) s.push(e.event);
      else if (e.kind === "sessions.revoked") {
        const ended = new Set(e.sessionIds);
        for (const set of this.byUser.values()) for (const s of set) if (s.sessionId && ended.has(s.sessionId)) s.end();
      }
    });
  }

  add(s: Subscriber): () => void {
    const set = this.byUser.get(s.userId) ?? new Set();
    set.add(s);
    this.byUser.set(s.userId, set);
    return () => {
      set.delete(s);
      if (set.size === 0) this.byUser.delete(s.userId);
    };
  }

  /** How many streams one user has open here. */
  openFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }
}

const hubs = new WeakMap<Services, StreamHub>();

/** The process's stream hub (built at first use, like the mailer). */
export function streamHub(services: Services): StreamHub {
  let hub = hubs.get(services);
  if (!hub) {
    hub = new StreamHub(services.events);
    hubs.set(services, hub);
  }
  return hub;
}

/** `GET /api/me/events`: only for a signed-in caller who asks for an event stream. */
export async function openEventStream(c: Context<AppEnv>): Promise<Response> {
  const user = requireUser(c);
  if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
    throw badRequest("This route sends Server-Sent Events: ask for text/event-stream (EventSource does).");
  }
  const services = c.var.services;
  // As many streams as realtime connections (one per visible tab, see client/notifications/store.ts).
  if (streamHub(services).openFor(user.id) >= services.config.maxConnectionsPerUser) {
    throw tooManyRequests("Too many open tabs on this account are listening for notifications: close one.");
  }
  const sessionId = c.var.session?.id ?? null;
  const unread = await unreadCount(services.db, user.id);
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    let finish: () => void = () => {};
    const ended = new Promise<void>((resolve) => (finish = resolve));
    // Writes go out in order; a failed write means the client is gone.
    let queue = stream.writeSSE({ event: "ready", data: JSON.stringify({ unread }) });
    const write = (fn: () => Promise<void>) => {
      queue = queue.then(fn).catch(() => finish());
    };
    const remove = streamHub(services).add({
      userId: user.id,
      sessionId,
      push: (event) => write(() => stream.writeSSE({ event: "notification", data: JSON.stringify(event) })),
      end: finish,
    });
    const heartbeat = setInterval(
      () =>
        write(async () => {
          await stream.write(": keep-alive\n\n");
        }),
      HEARTBEAT_MS,
    );
    stream.onAbort(finish);
    try {
      await ended;
    } finally {
      clearInterval(heartbeat);
      remove();
    }
  });
}
