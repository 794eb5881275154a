/**
 * `npm run fuzz [-- --frames N --seed S]`: the realtime fuzzer (server/testing/fuzz.ts) from the command
 * line. Prints progress and the figures; exits non-zero when the server crashed, an honest document took
 * garbage, or the honest documents stopped converging.
 */
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz";

const { values } = parseArgs({
  options: { frames: { type: "string", default: "10000" }, seed: { type: "string", default: "20261123" } },
});
const frames = Number(values.frames);
const seed = Number(values.seed);
console.log(`fuzzing with ${frames} hostile frames, seed ${seed}`);
const report = await runFuzz({ frames, seed, log: (line) => console.log(`  ${line}`) });
console.log(`
frames sent              ${report.frames} in ${report.batches} batches (${report.seconds.toFixed(1)} s)
sockets closed by server ${report.closedSockets}
crashes                  ${report.crashes}
garbage in the document  ${report.garbage} batches
honest convergence       ${report.batches - report.divergent}/${report.batches} batches
server RSS               ${(report.rssBeforeKB / 1024).toFixed(1)} MiB before, ${(report.rssAfterKB / 1024).toFixed(1)} MiB after`);
process.exit(report.crashes === 0 && report.garbage === 0 && report.divergent === 0 ? 0 : 1);
