/**
 * Loaded into a server process with `node --import` by the data-growth benchmark: measures event-loop delay
 * with `monitorEventLoopDelay` and, on SIGUSR2, writes the delay since the previous signal (max, p99, in ms)
 * to $ELD_FILE as JSON, then starts over.
 */
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let n = 0;
  process.on("SIGUSR2", () => {
    fs.writeFileSync(file, JSON.stringify({ n: ++n, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 }));
    h.reset();
  });
}
