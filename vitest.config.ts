import { defineConfig } from "vitest/config";

// Three projects so that each can be run alone: `vitest run --project unit` etc.
export default defineConfig({
  test: {
    // One file at a time: the machine has two cores, and the browser scenarios and the benchmark must not
    // starve each other (a starved browser drops keystrokes; a starved benchmark measures nothing useful).
    // Sequential costs almost nothing here: the benchmark dominates the run either way.
    maxWorkers: 1,
    projects: [
      {
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "shared/**/*.test.ts", "client/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 90_000,
          hookTimeout: 60_000,
          // One browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "bench",
          include: ["bench/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
