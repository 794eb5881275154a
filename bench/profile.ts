/**
 * Profiles one server's per-update path: N real providers on one document, one of them writes a marker every
 * `interval` ms. Two windows of the same length: the first without the profiler (server CPU per inbound update,
 * as the benchmark measures it), the second under the V8 sampling profiler started over the inspector, so the
 * profile holds the steady state only. Prints µs per update by phase and the hottest functions.
 *
 *   npx tsx bench/profile.ts [--target=ours|yws|hocuspocus] [--n=10] [--updates=1000] [--interval=10]
 *                            [--sampling=250] [--out=<file.cpuprofile>]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./lib/proc";
import { startTarget, type Instance, type TargetName } from "./lib/targets";
import { connectProfiler } from "./lib/inspector";
import { markerCount, pushMarker } from "./lib/workload";
import { sleep, waitFor } from "./lib/stats";
import { connectProviders, destroyAll } from "./scenarios/common";
import { phases, summarise, type PhaseSpec } from "./profile-summary";

/** The phases of our server's per-update path, by the function that starts each. */
const OURS_PHASES: PhaseSpec[] = [
  { label: "validate", functionName: "validateUpdate" },
  { label: "apply (Y.applyUpdate)", functionName: "applyUpdate" },
  { label: "store (SQLite append)", functionName: "append" },
  { label: "relay (merge, frame, socket writes)", functionName: "relay" },
  { label: "receive (ws parse, rate limit, dispatch)", functionName: "socketOnData" },
];

/** The references' per-update path. */
const REF_PHASES: PhaseSpec[] = [
  { label: "apply (Y.applyUpdate)", functionName: "applyUpdate" },
  { label: "receive (ws parse, rate limit, dispatch)", functionName: "socketOnData" },
];

interface Options {
  target: TargetName;
  n: number;
  updates: number;
  intervalMs: number;
  samplingUs: number;
  out: string;
}

async function window(inst: Instance, writer: { doc: import("yjs").Doc }, first: number, o: Options) {
  const cpu0 = inst.proc.cpuNs();
  const t0 = performance.now();
  for (let i = 0; i < o.updates; i++) {
    const wait = t0 + i * o.intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    pushMarker(writer.doc, first + i);
  }
  return { cpuNs: () => inst.proc.cpuNs() - cpu0 };
}

export async function profileTarget(o: Options): Promise<string> {
  const inspectPort = await freePort();
  const inst = await startTarget(o.target, { nodeFlags: [`--inspect=127.0.0.1:${inspectPort}`] });
  const lines: string[] = [];
  try {
    const [room] = await inst.newDocs(1);
    const clients = await connectProviders(inst, room, o.n);
    const all = () => clients.every((c) => markerCount(c.doc) === expected);
    let expected = 0;
    try {
      // Warm-up (JIT), then a plain window, then a profiled one.
      await window(inst, clients[0], 0, { ...o, updates: 200 });
      expected = 200;
      await waitFor(all, 20_000);
      await sleep(300);
      const plain = await window(inst, clients[0], expected, o);
      expected += o.updates;
      await waitFor(all, 20_000);
      const plainUs = plain.cpuNs() / 1e3 / o.updates;
      await sleep(300);
      const profiler = await connectProfiler(inspectPort);
      await profiler.start(o.samplingUs);
      const profiled = await window(inst, clients[0], expected, o);
      expected += o.updates;
      await waitFor(all, 20_000);
      const profiledUs = profiled.cpuNs() / 1e3 / o.updates;
      const profile = await profiler.stop();
      profiler.close();
      fs.mkdirSync(path.dirname(o.out), { recursive: true });
      fs.writeFileSync(o.out, JSON.stringify(profile));
      const split = phases(profile, o.target === "ours" ? OURS_PHASES : REF_PHASES);
      const busy = [...split].filter(([k]) => k !== "idle").reduce((s, [, v]) => s + v, 0);
      lines.push(
        `${o.target}, N=${o.n}, ${o.updates} updates every ${o.intervalMs} ms`,
        `server CPU per inbound update: ${plainUs.toFixed(0)} µs without the profiler, ${profiledUs.toFixed(0)} µs under it (sampling every ${o.samplingUs} µs)`,
        `main thread, µs per update by phase (profiled window; ${((busy / 1e3 / o.updates) * 1000).toFixed(0)} µs busy per update):`,
        ...[...split]
          .filter(([k]) => k !== "idle")
          .sort((a, b) => b[1] - a[1])
          .map(([k, us]) => `  ${(us / o.updates).toFixed(0).padStart(5)} µs  ${k}`),
        "",
        summarise(o.out, 30),
      );
    } finally {
      destroyAll(clients);
    }
  } finally {
    await inst.stop();
  }
  return lines.join("\n");
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    target: "ours",
    n: 10,
    updates: 1000,
    intervalMs: 10,
    samplingUs: 250,
    out: "",
  };
  for (const a of argv) {
    const [k, v] = a.split("=", 2);
    if (k === "--target") o.target = v as TargetName;
    else if (k === "--n") o.n = Number(v);
    else if (k === "--updates") o.updates = Number(v);
    else if (k === "--interval") o.intervalMs = Number(v);
    else if (k === "--sampling") o.samplingUs = Number(v);
    else if (k === "--out") o.out = v;
    else throw new Error(`unknown option ${a}`);
  }
  o.out ||= path.join(os.tmpdir(), `concord-profile-${o.target}-n${o.n}-${Date.now()}.cpuprofile`);
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  profileTarget(parseArgs(process.argv.slice(2)))
    .then((text) => {
      console.log(text);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
