/**
 * The realtime benchmark: Concord's server against the reference y-websocket server and Hocuspocus, each in
 * its own process on 127.0.0.1, targets interleaved (A B C, then C B A, …), medians over repeats. Every server
 * runs as it ships (bench/lib/targets.ts): ours bundled as `npm start` builds it, in its default configuration
 * (rate limit and durable writes on), the references under plain node with their own dependencies.
 * `bench/profile.ts` profiles one server's per-update path.
 *
 *   npm run bench                 full run (3 repeats, ~10–15 min)
 *   npm run bench -- --quick      ~1 min smoke run (1 repeat, smaller sizes)
 *   options: --out=<dir> (default bench/results), --targets=ours,yws,hocuspocus, --only=echo,fanout,throughput,join,memdocs,memconns,growth
 *            --repeats=<n>, --profile (run ours under `node --cpu-prof`, profiles into <out>/profiles)
 *
 * Writes <out>/latest.json (raw data + figures) and <out>/chart.svg, and prints the table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FULL, QUICK, type BenchConfig } from "./config";
import { LABELS, TARGETS, oursAvailable, startTarget, type Instance, type TargetName } from "./lib/targets";
import { median } from "./lib/stats";
import { buildTypedDoc } from "./lib/workload";
import { runEcho, type EchoResult } from "./scenarios/echo";
import { runFanout, type FanoutResult } from "./scenarios/fanout";
import { runThroughput } from "./scenarios/throughput";
import { runJoin } from "./scenarios/join";
import { runMemoryConns, runMemoryDocs } from "./scenarios/memory";
import { GROWTH_FULL, GROWTH_QUICK, runDataGrowth } from "./scenarios/data-growth";
import { renderChart } from "./chart";
import { computeFigures, formatGrowthTable, formatTable, growthFigures } from "./report";
import { GROUPS, type GrowthReport, type Group, type Report, type RepeatRaw } from "./results";

export interface RunOptions {
  quick?: boolean;
  outDir?: string;
  targets?: TargetName[];
  only?: Group[];
  repeats?: number;
  profile?: boolean;
  log?: (line: string) => void;
}

const ROOT = path.resolve(import.meta.dirname, "..");

export async function runBench(opts: RunOptions = {}): Promise<Report> {
  const config: BenchConfig = { ...(opts.quick ? QUICK : FULL) };
  if (opts.repeats) config.repeats = opts.repeats;
  const log = opts.log ?? ((l: string) => console.log(l));
  const outDir = path.resolve(opts.outDir ?? path.join(ROOT, "bench/results"));
  fs.mkdirSync(outDir, { recursive: true });
  const notes: string[] = [];
  let targets = opts.targets ?? [...TARGETS];
  if (targets.includes("ours") && !oursAvailable()) {
    targets = targets.filter((t) => t !== "ours");
    notes.push("server/main.ts not found: ours was skipped");
    log("! server/main.ts not found — running the reference servers only");
  }
  const groups = new Set<Group>(opts.only ?? GROUPS);
  const started = Date.now();
  const deadline = started + config.deadlineMs;
  const profileDir = path.join(outDir, "profiles");
  if (opts.profile) fs.mkdirSync(profileDir, { recursive: true });

  log(`building documents (${config.joinInserts} inserts, ${config.smallDocInserts} inserts)…`);
  const bigDoc = buildTypedDoc(config.joinInserts, 1000, 1);
  const smallDoc = buildTypedDoc(config.smallDocInserts, config.smallDocInserts, 2);
  log(
    `  join document ${(bigDoc.state.length / 1024).toFixed(0)} KB, idle document ${(smallDoc.state.length / 1024).toFixed(1)} KB`,
  );

  const raw: Partial<Record<TargetName, RepeatRaw[]>> = {};
  for (const t of targets) raw[t] = [];
  const echo: EchoResult[] = [];

  const withInstance = async <T>(target: TargetName, group: string, fn: (inst: Instance) => Promise<T>): Promise<T> => {
    const inst = await startTarget(target, {
      nodeFlags:
        opts.profile && target === "ours"
          ? ["--cpu-prof", `--cpu-prof-dir=${path.join(profileDir, `ours-${group}-${Date.now()}`)}`]
          : undefined,
    });
    try {
      return await fn(inst);
    } finally {
      await inst.stop();
    }
  };

  for (let r = 0; r < config.repeats; r++) {
    if (Date.now() > deadline) {
      notes.push(`deadline reached: ${r} of ${config.repeats} repeats ran`);
      log(`! deadline reached after ${r} repeats`);
      break;
    }
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    log(`repeat ${r + 1}/${config.repeats}: ${order.map((t) => LABELS[t]).join(" → ")}`);
    const rep = Object.fromEntries(targets.map((t) => [t, { errors: [] } as RepeatRaw])) as Record<
      TargetName,
      RepeatRaw
    >;
    if (groups.has("echo")) {
      try {
        const e = await runEcho(config.echoRounds);
        echo.push(e);
        log(`  echo floor p50 ${e.p50Ms.toFixed(3)} ms`);
      } catch (e) {
        notes.push(`echo failed: ${String(e)}`);
      }
    }
    const step = async (group: Group, fn: (t: TargetName, inst: Instance) => Promise<void>) => {
      if (!groups.has(group)) return;
      for (const t of order) {
        try {
          await withInstance(t, group, (inst) => fn(t, inst));
        } catch (e) {
          const msg = `${group}: ${e instanceof Error ? e.message : String(e)}`;
          rep[t].errors.push(msg);
          log(`  ! ${LABELS[t]} ${msg}`);
        }
      }
    };
    await step("fanout", async (t, inst) => {
      const list: FanoutResult[] = [];
      rep[t].fanout = list;
      for (const n of config.fanoutNs) {
        const f = await runFanout(inst, n, config.fanoutUpdates, config.fanoutIntervalMs);
        list.push(f);
        log(
          `  ${LABELS[t].padEnd(11)} fan-out N=${n}: p50 ${f.p50Ms.toFixed(2)} p99 ${f.p99Ms.toFixed(2)} ms, lost ${f.lost}, ${f.cpuUsPerInbound.toFixed(0)} µs/inbound, ${f.cpuUsPerDelivered.toFixed(1)} µs/delivered (${(f.delivered / f.updates).toFixed(1)} per update)`,
        );
      }
    });
    await step("throughput", async (t, inst) => {
      const tp = await runThroughput(inst, config.throughput);
      rep[t].throughput = tp;
      const steps = tp.steps.map(
        (s) =>
          `${s.rate}${s.pass ? "✓" : s.clientBound ? "c" : "✗"}(p99 ${s.p99Ms.toFixed(0)}${s.lost ? `, lost ${s.lost}` : ""})`,
      );
      log(`  ${LABELS[t].padEnd(11)} throughput ${tp.sustainedRate}/s  [${steps.join(" ")}]`);
    });
    await step("join", async (t, inst) => {
      const j = await runJoin(inst, bigDoc, config.warmJoins, config.editJoins, config.storageJoins);
      rep[t].join = j;
      log(
        `  ${LABELS[t].padEnd(11)} join warm p50 ${j.warmP50Ms.toFixed(1)} ms, after an edit ${j.editedP50Ms.toFixed(1)} ms${j.storageMs.length ? `, from storage ${j.storageP50Ms.toFixed(1)} ms, after restart ${j.restartP50Ms.toFixed(1)} ms` : ""}`,
      );
    });
    await step("memdocs", async (t, inst) => {
      const m = await runMemoryDocs(inst, config.memCount, smallDoc, config.memSettleMs);
      rep[t].memdocs = m;
      log(`  ${LABELS[t].padEnd(11)} ${m.kbPerItem.toFixed(1)} KB per idle document`);
    });
    await step("memconns", async (t, inst) => {
      const m = await runMemoryConns(inst, config.memCount, smallDoc, config.memSettleMs);
      rep[t].memconns = m;
      log(`  ${LABELS[t].padEnd(11)} ${m.kbPerItem.toFixed(1)} KB per idle connection`);
    });
    for (const t of targets) raw[t]!.push(rep[t]);
  }

  // Data growth: ours alone (the references have no sign-off, threads or audit log), once.
  let growth: GrowthReport | undefined;
  if (groups.has("growth") && targets.includes("ours")) {
    log("data growth (ours):");
    try {
      const result = await runDataGrowth(config.mode === "quick" ? GROWTH_QUICK : GROWTH_FULL, log);
      growth = { result, figures: growthFigures(result), error: null };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      growth = { result: null, figures: [], error: msg };
      log(`  ! data growth: ${msg}`);
    }
  }

  const cpus = os.cpus();
  const report: Report = {
    meta: {
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      mode: config.mode,
      command: `npm run bench${config.mode === "quick" ? " -- --quick" : ""}`,
      machine: {
        cpu: cpus[0]?.model ?? "unknown",
        cores: cpus.length,
        memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        os: `${os.type()} ${os.release()}`,
        node: process.version,
      },
      targets,
      notes,
    },
    config,
    echo,
    raw,
    figures: [],
    growth,
  };
  report.figures = computeFigures(report);
  fs.writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(report, null, 1));
  fs.writeFileSync(path.join(outDir, "chart.svg"), renderChart(report));
  log("");
  log(formatTable(report));
  if (growth) log(`\n${growth.error ? `data growth failed: ${growth.error}` : formatGrowthTable(growth.figures)}`);
  log(
    `\nwrote ${path.relative(process.cwd(), path.join(outDir, "latest.json"))} and chart.svg in ${report.meta.durationS} s`,
  );
  return report;
}

export { median };

function parseArgs(argv: string[]): RunOptions {
  const o: RunOptions = {};
  for (const a of argv) {
    const [k, v] = a.split("=", 2);
    if (k === "--quick") o.quick = true;
    else if (k === "--profile") o.profile = true;
    else if (k === "--out") o.outDir = v;
    else if (k === "--repeats") o.repeats = Number(v);
    else if (k === "--targets") o.targets = v.split(",") as TargetName[];
    else if (k === "--only") o.only = v.split(",") as Group[];
    else if (k === "--help" || k === "-h") {
      console.log(
        "usage: npm run bench -- [--quick] [--out=dir] [--targets=ours,yws,hocuspocus] [--only=groups] [--repeats=n] [--profile]",
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.setMaxListeners(0);
  runBench(parseArgs(process.argv.slice(2)))
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
