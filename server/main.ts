/**
 * Entry point: read the config once, start the server, drain gracefully on SIGINT/SIGTERM (stop accepting,
 * commit, close sockets with the retryable code). Log lines are JSON with this instance's id, so that the
 * lines of several instances can be told apart once collected.
 */
import { loadConfig } from "./config";
import { startServer } from "./server";

const config = loadConfig();

/** One JSON line per log event, tagged with the instance. */
function logLine(level: "info" | "error", msg: string, err?: unknown): void {
  const line: Record<string, unknown> = { time: new Date().toISOString(), level, instance: config.instanceId, msg };
  if (err !== undefined && err !== null && err !== "")
    line.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  (level === "error" ? process.stderr : process.stdout).write(JSON.stringify(line) + "\n");
}

// A collaboration server must not drop every room for one failed promise; log it loudly and keep serving.
process.on("unhandledRejection", (reason) => {
  logLine("error", "unhandled rejection (kept running)", reason);
});

const server = await startServer(config, {
  logWrite: (msg, err) => logLine(err === undefined ? "info" : "error", msg, err),
});
const storage = config.databaseUrl ? "PostgreSQL" : `data in ${config.dataDir}`;
console.log(
  `Concord listening on ${server.url} (instance ${config.instanceId}, ${storage}${config.redisUrl ? ", Redis fan-out" : ""})`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    logLine("info", `${signal}: draining`);
    server
      .close()
      .then(() => {
        logLine("info", "drained; exiting");
        process.exit(0);
      })
      .catch((err) => {
        logLine("error", "shutdown failed", err);
        process.exit(1);
      });
  });
}
