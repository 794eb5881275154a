/** Turns raw per-repeat results into the figures of the issue: medians, ratio to the best reference, target. */
import { LABELS, type TargetName } from "./lib/targets";
import { median } from "./lib/stats";
import type { Figure, GrowthFigure, Report, RepeatRaw } from "./results";
import type { GrowthResult } from "./scenarios/data-growth";

type Extract = (r: RepeatRaw) => number | undefined;

interface Spec {
  key: string;
  label: string;
  unit: string;
  better: "lower" | "higher";
  get: Extract;
  /** For the references, if different (join from storage compares with their warm join). */
  getRef?: Extract;
  agg?: "median" | "sum";
  target?: Figure["target"];
  note?: string;
}

const REFS: TargetName[] = ["yws", "hocuspocus"];

function specs(report: Report): Spec[] {
  const ns = report.config.fanoutNs;
  const out: Spec[] = [];
  for (const n of ns) {
    const f = (r: RepeatRaw) => r.fanout?.find((x) => x.n === n);
    out.push({
      key: `fanout_p50_n${n}`,
      label: `fan-out p50, N=${n}`,
      unit: "ms",
      better: "lower",
      get: (r) => f(r)?.p50Ms,
    });
    out.push({
      key: `fanout_p99_n${n}`,
      label: `fan-out p99, N=${n}`,
      unit: "ms",
      better: "lower",
      get: (r) => f(r)?.p99Ms,
      target: { kind: "ratio", op: "<=", limit: 1.0 },
    });
  }
  out.push({
    key: "lost_updates",
    label: "lost updates (fan-out runs)",
    unit: "",
    better: "lower",
    agg: "sum",
    get: (r) => (r.fanout ? r.fanout.reduce((s, x) => s + x.lost, 0) : undefined),
    target: { kind: "abs", op: "<=", limit: 0 },
  });
  for (const n of ns) {
    out.push({
      key: `cpu_us_per_delivered_n${n}`,
      label: `server CPU per delivered message, N=${n}`,
      unit: "µs",
      better: "lower",
      get: (r) => r.fanout?.find((x) => x.n === n)?.cpuUsPerDelivered,
      target: { kind: "ratio", op: "<=", limit: 0.5 },
    });
  }
  for (const n of ns) {
    out.push({
      key: `cpu_us_per_inbound_n${n}`,
      label: `server CPU per inbound update, N=${n}`,
      unit: "µs",
      better: "lower",
      get: (r) => r.fanout?.find((x) => x.n === n)?.cpuUsPerInbound,
      target: { kind: "ratio", op: "<=", limit: 1.0 },
    });
  }
  out.push({
    key: "throughput",
    label: `sustained throughput, ${report.config.throughput.writers} writers (p99 ≤ ${report.config.throughput.p99LimitMs} ms, no loss)`,
    unit: "upd/s",
    better: "higher",
    get: (r) => r.throughput?.sustainedRate,
    target: { kind: "ratio", op: ">=", limit: 2.0 },
  });
  out.push({
    key: "join_warm",
    label: `cold join, warm server, unchanged document (${(report.config.joinInserts / 1000).toFixed(0)}k inserts)`,
    unit: "ms",
    better: "lower",
    get: (r) => r.join?.warmP50Ms,
    target: { kind: "ratio", op: "<=", limit: 1.0 },
  });
  out.push({
    key: "join_after_edit",
    label: "cold join, one edit before each join",
    unit: "ms",
    better: "lower",
    get: (r) => r.join?.editedP50Ms,
    target: { kind: "ratio", op: "<=", limit: 1.0 },
  });
  out.push({
    key: "join_storage",
    label: "cold join, loaded from storage (refs: warm)",
    unit: "ms",
    better: "lower",
    get: (r) => r.join?.storageP50Ms,
    getRef: (r) => r.join?.warmP50Ms,
    target: { kind: "ratio", op: "<=", limit: 1.3 },
    note: "the references keep documents in memory only; ours, loading an unloaded document from SQLite, is compared with their warm join",
  });
  out.push({
    key: "join_restart",
    label: "  … first join after a process restart (info)",
    unit: "ms",
    better: "lower",
    get: (r) => r.join?.restartP50Ms,
    getRef: (r) => r.join?.warmP50Ms,
  });
  out.push({
    key: "mem_kb_per_doc",
    label: "RSS per idle ~5 KB document + its client",
    unit: "KB",
    better: "lower",
    get: (r) => r.memdocs?.kbPerItem,
    target: { kind: "ratio", op: "<=", limit: 0.6 },
  });
  out.push({
    key: "mem_kb_per_conn",
    label: "RSS per idle connection",
    unit: "KB",
    better: "lower",
    get: (r) => r.memconns?.kbPerItem,
    target: { kind: "ratio", op: "<=", limit: 1.0 },
  });
  return out;
}

export function computeFigures(report: Report): Figure[] {
  const figures: Figure[] = [];
  const echoP50 = median(report.echo.map((e) => e.p50Ms));
  figures.push({
    key: "echo_floor_p50",
    label: "floor: bare ws echo round trip p50",
    unit: "ms",
    better: "lower",
    values: {},
    perRepeat: {},
    bestRef: { target: null, value: echoP50 },
    ratio: Number.NaN,
    target: null,
    pass: null,
  });
  for (const s of specs(report)) {
    const values: Figure["values"] = {};
    const perRepeat: Figure["perRepeat"] = {};
    for (const t of report.meta.targets) {
      const get = t !== "ours" && s.getRef ? s.getRef : s.get;
      const xs = (report.raw[t] ?? []).map((r) => get(r)).map((v) => (v === undefined ? Number.NaN : v));
      perRepeat[t] = xs;
      values[t] =
        s.agg === "sum"
          ? xs.some((v) => !Number.isFinite(v)) || !xs.length
            ? Number.NaN
            : xs.reduce((a, b) => a + b, 0)
          : median(xs);
    }
    let best: Figure["bestRef"] = { target: null, value: Number.NaN };
    for (const t of REFS) {
      const v = values[t];
      if (v === undefined || !Number.isFinite(v)) continue;
      if (best.target === null || (s.better === "lower" ? v < best.value : v > best.value))
        best = { target: t, value: v };
    }
    const ours = values.ours ?? Number.NaN;
    const ratio = ours / best.value;
    let pass: boolean | null = null;
    if (s.target && Number.isFinite(ours)) {
      const x = s.target.kind === "ratio" ? ratio : ours;
      if (Number.isFinite(x)) pass = s.target.op === "<=" ? x <= s.target.limit + 1e-12 : x >= s.target.limit - 1e-12;
    }
    figures.push({
      key: s.key,
      label: s.label,
      unit: s.unit,
      better: s.better,
      values,
      perRepeat,
      bestRef: best,
      ratio,
      target: s.target ?? null,
      pass,
      note: s.note,
    });
  }
  return figures;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  const s =
    a === 0
      ? "0"
      : a >= 1000
        ? v.toFixed(0)
        : a >= 100
          ? v.toFixed(0)
          : a >= 10
            ? v.toFixed(1)
            : a >= 1
              ? v.toFixed(2)
              : v.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

/** A Markdown table (also readable in a terminal). */
export function formatTable(report: Report): string {
  const cols = ["figure", LABELS.ours, LABELS.yws, LABELS.hocuspocus, "ours / best ref", "target", "result"];
  const rows: string[][] = [];
  for (const f of report.figures) {
    if (f.key === "echo_floor_p50") {
      rows.push([f.label, fmt(f.bestRef.value, f.unit), "", "", "", "", ""]);
      continue;
    }
    const tgt = f.target
      ? f.target.kind === "ratio"
        ? `${f.target.op} ${f.target.limit.toFixed(1)}×`
        : `${f.target.op === "<=" && f.target.limit === 0 ? "= 0" : `${f.target.op} ${f.target.limit}`}`
      : "";
    rows.push([
      f.label,
      fmt(f.values.ours, f.unit),
      fmt(f.values.yws, f.unit),
      fmt(f.values.hocuspocus, f.unit),
      f.target?.kind === "abs" ? "" : Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : "—",
      tgt,
      f.pass === null ? "" : f.pass ? "pass" : "MISS",
    ]);
  }
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const m = report.meta.machine;
  return [
    line(cols),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `${report.meta.mode} run, ${report.config.repeats} repeat(s), medians; ${m.cores}× ${m.cpu}, ${m.memGiB} GiB, ${m.os}, Node ${m.node}; ${report.meta.startedAt}`,
    ...report.meta.notes.map((n) => `note: ${n}`),
  ].join("\n");
}

/** The data-growth figures, with the issue's targets where the measured size is the issue's. */
export function growthFigures(g: GrowthResult): GrowthFigure[] {
  const out: GrowthFigure[] = [];
  const fig = (key: string, label: string, unit: string, value: number, limit: number | null = null) =>
    out.push({
      key,
      label,
      unit,
      value,
      target: limit === null ? null : { op: "<=", limit },
      pass: limit === null || !Number.isFinite(value) ? null : value <= limit,
    });
  for (const m of g.matrix) {
    const size = `${m.organizations} × ${m.clauses}`;
    const bytesLimit = size === "15 × 100" ? 150 : size === "30 × 300" ? 1024 : null;
    fig(`matrix_${m.organizations}x${m.clauses}_kb`, `matrix ${size}: bytes per GET`, "KB", m.bytes / 1024, bytesLimit);
    fig(
      `matrix_${m.organizations}x${m.clauses}_p50`,
      `matrix ${size}: GET p50`,
      "ms",
      m.p50Ms,
      size === "15 × 100" ? 15 : null,
    );
    fig(`matrix_${m.organizations}x${m.clauses}_p95`, `matrix ${size}: GET p95`, "ms", m.p95Ms);
  }
  fig(
    "push_bytes",
    `position change: bytes pushed to each of ${g.push.clients} clients`,
    "B",
    g.push.maxBytesPerClient,
    2048,
  );
  const mb = (g.export.markdownBytes / 2 ** 20).toFixed(1);
  fig("export_first_ms", `export.md ${mb} MB, nobody connected: first request`, "ms", g.export.firstMs);
  fig(
    "export_block_first",
    `export.md ${mb} MB: longest event-loop block, first request`,
    "ms",
    g.export.maxBlockFirstMs,
    50,
  );
  fig("export_repeat_p50", `export.md ${mb} MB unchanged: repeat p50 (text cache)`, "ms", g.export.repeat.p50Ms);
  fig(
    "export_block_repeats",
    `export.md ${mb} MB: longest event-loop block, repeats`,
    "ms",
    g.export.maxBlockRepeatsMs,
    50,
  );
  fig("threads_kb", `threads ${g.threads.threads}, nobody connected: bytes per GET`, "KB", g.threads.bytes / 1024);
  fig(
    "threads_p50",
    `threads ${g.threads.threads}: GET p50`,
    "ms",
    g.threads.p50Ms,
    g.threads.threads === 2000 ? 30 : null,
  );
  fig("audit_csv_mb", `audit.csv ${g.audit.rows} rows: bytes`, "MB", g.audit.bytes / 2 ** 20);
  fig("audit_csv_ms", `audit.csv ${g.audit.rows} rows: time to stream`, "ms", g.audit.ms);
  fig(
    "audit_csv_rss_growth",
    `audit.csv ${g.audit.rows} rows: server RSS growth while streaming`,
    "MB",
    g.audit.rssPeakMb - g.audit.rssBeforeMb,
    16,
  );
  return out;
}

/** The data-growth table (ours alone). */
export function formatGrowthTable(figures: readonly GrowthFigure[]): string {
  const cols = ["data growth (ours)", "value", "target", "result"];
  const rows = figures.map((f) => [
    f.label,
    fmt(f.value, f.unit),
    f.target ? `${f.target.op} ${f.target.limit} ${f.unit}` : "",
    f.pass === null ? "" : f.pass ? "pass" : "MISS",
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
