/**
 * The reference Hocuspocus server: `@hocuspocus/server` 3.4.4, in memory, no extensions, started the way its
 * documentation does. Plain JavaScript run by node alone, like the package itself.
 * Env: PORT, HOST. Prints `READY <port>`.
 */
import { Server } from "@hocuspocus/server";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 0);
const server = new Server({ port, address: host, quiet: true, stopOnSignals: true });
await server.listen();
console.log(`READY ${server.address.port}`);
