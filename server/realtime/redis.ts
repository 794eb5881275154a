/**
 * The Redis fan-out: Redis pub/sub, one channel per statement (`<prefix>doc:<id>`) and one for instance-wide
 * events (`<prefix>events`). Two connections (a subscriber cannot publish). ioredis reconnects by itself and
 * restores the subscriptions; after such an outage `onRecovered` listeners catch up from storage, since
 * pub/sub keeps nothing for a subscriber that was away. Publishing never queues while Redis is down: a
 * message that cannot go now is dropped, and the receivers' sequence checks heal the gap.
 */
import { Redis } from "ioredis";
import type { Delivery, Fanout, FanoutMessage } from "./fanout";
import { decodeMessage, encodeMessage } from "./fanout";

export interface RedisFanoutOptions {
  url: string;
  prefix: string;
  instanceId: string;
  log: (msg: string, err?: unknown) => void;
}

/** Connects to Redis (waiting up to `readyTimeoutMs` for it; later outages are survived). */
export async function connectRedisFanout(options: RedisFanoutOptions, readyTimeoutMs = 5000): Promise<Fanout> {
  const common = {
    // Reconnect quickly and forever: an outage of a few seconds must cost a few seconds.
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: true,
  };
  // Named, so that an operator (or a test) sees in CLIENT LIST which instance holds which connection.
  const name = (role: string) => `concord-${options.instanceId.replace(/[^A-Za-z0-9_.:-]/g, "_")}-${role}`;
  const pub = new Redis(options.url, { ...common, enableOfflineQueue: false, connectionName: name("pub") });
  const sub = new Redis(options.url, { ...common, autoResubscribe: true, connectionName: name("sub") });
  const handlers: Array<(d: Delivery) => void> = [];
  const recovered: Array<() => void> = [];
  const docPrefix = `${options.prefix}doc:`;
  const eventsChannel = `${options.prefix}events`;
  let lostConnection = false;
  let lastError = "";

  for (const [name, conn] of [
    ["publisher", pub],
    ["subscriber", sub],
  ] as const) {
    conn.on("error", (err: Error) => {
      // ioredis reports every failed reconnect; one line per distinct error is enough.
      if (err.message !== lastError) options.log(`redis ${name}: ${err.message}`);
      lastError = err.message;
    });
  }
  sub.on("close", () => {
    lostConnection = true;
  });
  sub.on("ready", () => {
    lastError = "";
    if (!lostConnection) return;
    lostConnection = false;
    options.log("redis: connection restored; catching up from storage");
    // ioredis re-subscribes as part of getting ready; give it that round trip, then catch up.
    setTimeout(() => {
      for (const r of recovered) r();
    }, 50).unref();
  });
  sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
    const name = channel.toString();
    const decoded = decodeMessage(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    if (!decoded || decoded.from === options.instanceId) return;
    const statementId = name.startsWith(docPrefix)
      ? name.slice(docPrefix.length)
      : name === eventsChannel
        ? null
        : undefined;
    if (statementId === undefined) return;
    for (const h of handlers) {
      try {
        h({ statementId, from: decoded.from, message: decoded.message });
      } catch (err) {
        options.log("fan-out: a handler failed", err);
      }
    }
  });

  const ready = (conn: Redis) =>
    Promise.race([
      conn.connect(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("Redis did not answer in time")), readyTimeoutMs).unref(),
      ),
    ]);
  try {
    await Promise.all([ready(pub), ready(sub)]);
    await sub.subscribe(eventsChannel);
  } catch (err) {
    // Serve anyway (one instance's clients keep working, storage polling keeps instances converging);
    // /readyz says Redis is missing and ioredis keeps trying.
    options.log(`redis: not reachable at start (${(err as Error).message}); retrying in the background`);
    lostConnection = true;
    void sub.subscribe(eventsChannel).catch(() => {});
  }

  return {
    instanceId: options.instanceId,
    async subscribe(statementId) {
      await sub.subscribe(docPrefix + statementId).catch((err: Error) => {
        // Restored with every other subscription when Redis is back; meanwhile polling covers it.
        options.log(`redis: subscribe failed (${err.message})`);
      });
    },
    async unsubscribe(statementId) {
      await sub.unsubscribe(docPrefix + statementId).catch(() => {});
    },
    publish(statementId, message: FanoutMessage) {
      if (pub.status !== "ready") return;
      const channel = statementId === null ? eventsChannel : docPrefix + statementId;
      pub.publish(channel, Buffer.from(encodeMessage(options.instanceId, message))).catch(() => {});
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    onRecovered(handler) {
      recovered.push(handler);
    },
    async ping() {
      if (pub.status !== "ready" || sub.status !== "ready") throw new Error(`redis is ${pub.status}/${sub.status}`);
      await Promise.race([
        pub.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("redis ping timed out")), 1000).unref()),
      ]);
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
