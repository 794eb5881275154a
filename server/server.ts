/**
 * Starts a Concord server from a config: storage, services, the app and the realtime endpoint, keep-alive,
 * graceful shutdown. `main.ts` calls this for `npm start`; tests call it to get a real server on a free port.
 */
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import type { AddressInfo } from "node:net";
import type { Config } from "./config";
import { resolveOrigins } from "./config";
import { openStorage } from "./storage/database";
import { createDocumentStore } from "./storage/documents";
import { SessionStore } from "./auth/sessions";
import { ServerEvents } from "./events";
import { RoomRegistry } from "./sync/room-registry";
import { createApp } from "./app";
import { startNotifications } from "./notifications/service";
import type { Services } from "./context";
import { createLog } from "./logging";
import type { LogLimits } from "./logging";
import { ProxyTrust } from "./http/client-address";
import { Throttles } from "./auth/throttle";
import { Peers } from "./realtime/peers";
import { connectRedisFanout } from "./realtime/redis";
import { withHealth } from "./realtime/health";
import { throttleSyncOver } from "./realtime/fanout";
import type { Fanout } from "./realtime/fanout";
import { startCheckpoints } from "./history/checkpoints";
import type { CheckpointOptions } from "./history/checkpoints";

/** What tests may change about a server beyond its config: where log lines go and how many may. */
export interface ServerOptions {
  logWrite?: (msg: string, err?: unknown) => void;
  logLimits?: Partial<LogLimits>;
  /** When versions are checkpointed after bursts of editing (server/history/checkpoints.ts). */
  history?: Partial<CheckpointOptions>;
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  /**
   * Graceful drain: stops accepting (readiness 503, new upgrades refused, the listener closed), commits every
   * room, closes every socket with the retryable `serverShutdown` code, then closes storage and fan-out.
   */
  close(): Promise<void>;
}

const KEEPALIVE_MS = 30_000;

// @hono/node-ws reports socket errors (an oversized frame, a protocol violation) as `new ErrorEvent(...)`,
// which Node 20 lacks as a global: without this, a bad frame would throw inside the `ws` error handler.
if (typeof (globalThis as { ErrorEvent?: unknown }).ErrorEvent === "undefined") {
  (globalThis as { ErrorEvent?: unknown }).ErrorEvent = class ErrorEvent extends Event {
    readonly error: unknown;
    readonly message: string;
    constructor(type: string, init: { error?: unknown; message?: string } = {}) {
      super(type);
      this.error = init.error;
      this.message = init.message ?? (init.error instanceof Error ? init.error.message : "");
    }
  };
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const { db, sqlite } = storage;
  const events = new ServerEvents();
  const documents = createDocumentStore(db, sqlite, storage.dialect);
  // Rate-limited: hostile clients must not be able to flood the log (one line per bad frame, say).
  const log = createLog({ enabled: config.log, write: options.logWrite, limits: options.logLimits });
  // Several instances share PostgreSQL: rooms then follow storage (and Redis, when configured, for speed).
  let fanout: Fanout | null = null;
  if (config.redisUrl) {
    fanout = await connectRedisFanout({
      url: config.redisUrl,
      prefix: config.redisPrefix,
      instanceId: config.instanceId,
      log,
    });
  } else if (storage.dialect === "postgres") {
    fanout = soloFanout(config.instanceId);
    log(
      "no REDIS_URL: instances sharing this database converge through storage polling only (and miss each other's awareness and events)",
    );
  }
  const peers = fanout ? new Peers(fanout, documents, events, log) : null;
  let draining = false;
  const logSummaries = setInterval(() => log.flush(), options.logLimits?.intervalMs ?? 60_000);
  logSummaries.unref();
  const rooms = new RoomRegistry(
    db,
    documents,
    {
      maxDocumentBytes: config.maxDocumentBytes,
      maxDocumentDepth: config.maxDocumentDepth,
      compactAfterUpdates: config.compactAfterUpdates,
      log,
    },
    events,
    peers,
  );
  let origins: string[] = config.origins;
  const services: Services = {
    config,
    db,
    sessions: new SessionStore(db, config.sessionIdleMs),
    events,
    documents,
    rooms,
    realtime: rooms,
    origins: () => origins,
    log,
    proxyTrust: new ProxyTrust(config.trustProxy),
    // Shared between instances through Redis: a guesser spreading attempts over instances is counted once.
    throttles: new Throttles(config.throttle, config.redisUrl && fanout ? throttleSyncOver(fanout) : undefined),
  };

  const checkpoints = startCheckpoints(services, options.history);

  const notifications = startNotifications(services);

  let app: ReturnType<typeof createApp> | null = null;
  const nodeWs = createNodeWebSocket({
    app: { request: (...args: Parameters<NonNullable<typeof app>["request"]>) => app!.request(...args) } as never,
  });
  // The ws library enforces the frame limit itself and closes with 1009.
  (nodeWs.wss.options as { maxPayload?: number }).maxPayload = config.maxFrameBytes;
  app = createApp(services, nodeWs.upgradeWebSocket as never);

  const server: ServerType = await new Promise((resolve) => {
    const fetch = withHealth(app!.fetch, {
      instanceId: config.instanceId,
      database: () => storage.ping(),
      redis: config.redisUrl && fanout ? () => fanout.ping() : null,
      draining: () => draining,
    });
    const s = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  nodeWs.injectWebSocket(server);
  const port = (server.address() as AddressInfo).port;
  origins = resolveOrigins(config, port);

  // Keep-alive: a connection that missed a whole ping period is gone; free its room.
  const keepalive = setInterval(() => {
    for (const conn of rooms.connections()) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.ws.terminate();
      }
    }
  }, KEEPALIVE_MS);
  keepalive.unref();

  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    port,
    services,
    async close() {
      draining = true;
      notifications.stop();
      clearInterval(keepalive);
      clearInterval(logSummaries);
      log.flush();
      // Stop accepting: no new TCP connections; requests already in flight finish.
      const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await checkpoints.stop();
      await rooms.closeAll();
      for (const client of nodeWs.wss.clients) client.terminate();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await listenerClosed;
      await peers?.close();
      await storage.close();
    },
  };
}

/** The fan-out of an instance without Redis: nothing to tell anyone (rooms still poll storage's heads). */
function soloFanout(instanceId: string): Fanout {
  return {
    instanceId,
    subscribe: async () => {},
    unsubscribe: async () => {},
    publish: () => {},
    onMessage: () => {},
    onRecovered: () => {},
    ping: async () => {},
    close: async () => {},
  };
}
