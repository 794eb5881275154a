/**
 * The shape of one benchmark run as written to `latest.json`: raw results per target and repeat, and the
 * figures computed from them. run.ts fills it; report.ts and chart.ts read it (so neither imports run.ts).
 */
import type { BenchConfig } from "./config";
import type { TargetName } from "./lib/targets";
import type { EchoResult } from "./scenarios/echo";
import type { FanoutResult } from "./scenarios/fanout";
import type { ThroughputResult } from "./scenarios/throughput";
import type { JoinResult } from "./scenarios/join";
import type { MemoryResult } from "./scenarios/memory";
import type { GrowthResult } from "./scenarios/data-growth";

/** The scenario groups a run can be limited to (`--only`). */
export const GROUPS = ["echo", "fanout", "throughput", "join", "memdocs", "memconns", "growth"] as const;
export type Group = (typeof GROUPS)[number];

/** What one repeat measured on one target. */
export interface RepeatRaw {
  fanout?: FanoutResult[];
  throughput?: ThroughputResult;
  join?: JoinResult;
  memdocs?: MemoryResult;
  memconns?: MemoryResult;
  errors: string[];
}

/** One benchmark run. */
export interface Report {
  meta: {
    startedAt: string;
    durationS: number;
    mode: string;
    command: string;
    machine: { cpu: string; cores: number; memGiB: number; os: string; node: string };
    targets: TargetName[];
    notes: string[];
  };
  config: BenchConfig;
  echo: EchoResult[];
  raw: Partial<Record<TargetName, RepeatRaw[]>>;
  figures: Figure[];
  /** The data-growth section (ours only, once per run), when it ran. */
  growth?: GrowthReport;
}

/** Data growth: the measured result and its figures, or why it failed. */
export interface GrowthReport {
  result: GrowthResult | null;
  figures: GrowthFigure[];
  error: string | null;
}

/** One data-growth figure: ours alone, against the absolute target where it sets one. */
export interface GrowthFigure {
  key: string;
  label: string;
  unit: string;
  value: number;
  target: { op: "<="; limit: number } | null;
  pass: boolean | null;
}

/** One figure of the table: a median per target, the ratio of ours to the best reference, and the target. */
export interface Figure {
  key: string;
  label: string;
  unit: string;
  better: "lower" | "higher";
  /** Median over repeats, per target (NaN when it did not run or failed). */
  values: Partial<Record<TargetName, number>>;
  perRepeat: Partial<Record<TargetName, number[]>>;
  /** The reference value the ratio is taken against, and whose it is. */
  bestRef: { target: TargetName | null; value: number };
  /** ours / bestRef. */
  ratio: number;
  /** The target for ours: `ratio <= limit` (lower is better) or `>= limit`; `abs` compares ours itself. */
  target: { kind: "ratio" | "abs"; op: "<=" | ">="; limit: number } | null;
  pass: boolean | null;
  note?: string;
}
