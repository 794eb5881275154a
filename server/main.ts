/** Entry point: read the config once, start the server, stop gracefully on SIGINT/SIGTERM. */
import { loadConfig } from "./config";
import { startServer } from "./server";

// A collaboration server must not drop every room for one failed promise; log it loudly and keep serving.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection (kept running)", reason);
});

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
