/**
 * The reference for the two-instance scenario: `@hocuspocus/server` 3.4.4 in memory with
 * `@hocuspocus/extension-redis` 3.4.4 (pub/sub between instances, no recovery of lost messages).
 * Env: PORT, HOST, REDIS_HOST, REDIS_PORT, REDIS_PREFIX, INSTANCE. Prints `READY <port>`.
 */
import { Server } from "@hocuspocus/server";
import { Redis } from "@hocuspocus/extension-redis";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 0);
const server = new Server({
  port,
  address: host,
  quiet: true,
  stopOnSignals: true,
  extensions: [
    new Redis({
      host: process.env.REDIS_HOST ?? "127.0.0.1",
      port: Number(process.env.REDIS_PORT ?? 6379),
      prefix: process.env.REDIS_PREFIX ?? "hocuspocus-bench",
      identifier: process.env.INSTANCE ?? `hp-${process.pid}`,
    }),
  ],
});
await server.listen();
console.log(`READY ${server.address.port}`);
