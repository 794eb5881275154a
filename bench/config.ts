/** Bench sizes for the full run and for `--quick`. */
export interface BenchConfig {
  mode: "full" | "quick";
  repeats: number;
  echoRounds: number;
  fanoutNs: number[];
  fanoutUpdates: number;
  fanoutIntervalMs: number;
  throughput: {
    writers: number;
    startRate: number;
    maxRate: number;
    stepMs: number;
    maxSteps: number;
    p99LimitMs: number;
  };
  joinInserts: number;
  /** Joins of the unchanged document (answered from a cached full-state frame where a server keeps one). */
  warmJoins: number;
  /** Joins each preceded by one small edit (which clears any cached full state). */
  editJoins: number;
  storageJoins: number;
  memCount: number;
  memSettleMs: number;
  smallDocInserts: number;
  /** Hard limit for the whole run; remaining repeats are skipped past it. */
  deadlineMs: number;
}

export const FULL: BenchConfig = {
  mode: "full",
  repeats: 3,
  echoRounds: 2000,
  fanoutNs: [10, 50, 200],
  fanoutUpdates: 250,
  fanoutIntervalMs: 20,
  throughput: { writers: 10, startRate: 1000, maxRate: 64_000, stepMs: 2500, maxSteps: 10, p99LimitMs: 100 },
  joinInserts: 100_000,
  warmJoins: 5,
  editJoins: 5,
  storageJoins: 3,
  memCount: 1000,
  memSettleMs: 1500,
  smallDocInserts: 1000,
  deadlineMs: 14 * 60_000,
};

export const QUICK: BenchConfig = {
  mode: "quick",
  repeats: 1,
  echoRounds: 500,
  fanoutNs: [10, 50],
  fanoutUpdates: 100,
  fanoutIntervalMs: 20,
  throughput: { writers: 10, startRate: 1000, maxRate: 64_000, stepMs: 1000, maxSteps: 6, p99LimitMs: 100 },
  joinInserts: 10_000,
  warmJoins: 3,
  editJoins: 3,
  storageJoins: 2,
  memCount: 100,
  memSettleMs: 500,
  smallDocInserts: 1000,
  deadlineMs: 3 * 60_000,
};
