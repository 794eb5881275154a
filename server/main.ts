/** Entry point: read the config once, start the server, stop gracefully on SIGINT/SIGTERM. */
import { loadConfig } from "./config";
import { startServer } from "./server";

const config = loadConfig();
const server = await startServer(config);
console.log(`Concord listening on ${server.url} (data in ${config.dataDir})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    server
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error("shutdown failed", err);
        process.exit(1);
      });
  });
}
