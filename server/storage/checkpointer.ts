/**
 * Moves SQLite's WAL checkpoints off the event loop. By default SQLite checkpoints inside whichever commit
 * pushes the WAL past 1000 pages, and a checkpoint copies pages and fsyncs the database file: a pause of
 * milliseconds in the middle of relaying an edit. Here the main connection never checkpoints by itself; a
 * worker thread with its own connection runs a PASSIVE checkpoint (which never blocks writers) every second.
 */
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import type SQLite from "better-sqlite3";

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 2000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (err) { /* busy: the next round will do it */ }
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m === "stop") { clearInterval(timer); try { db.close(); } catch {} parentPort.postMessage("stopped"); }
});
`;

/** A running checkpointer; `stop` ends the worker and runs a final checkpoint on the main connection. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` from a worker and turns off the main connection's automatic checkpoints. */
export function startCheckpointer(sqlite: SQLite.Database, file: string, intervalMs = 1000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  sqlite.pragma("wal_autocheckpoint = 0");
  let failed = false;
  worker.on("error", (err) => {
    // Without the worker the WAL would grow forever: fall back to SQLite's own checkpoints.
    failed = true;
    console.error("WAL checkpointer stopped; falling back to automatic checkpoints", err);
    sqlite.pragma("wal_autocheckpoint = 1000");
  });
  return {
    async stop() {
      if (!failed) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2000);
          worker.once("message", () => {
            clearTimeout(t);
            resolve();
          });
          worker.postMessage("stop");
        });
        await worker.terminate();
      }
      try {
        sqlite.pragma("wal_checkpoint(TRUNCATE)");
      } catch {
        // Closing the database checkpoints anyway.
      }
    },
  };
}
