/**
 * Runs `npm run bench:client -- --quick` (Chromium against a real server and the built client) as a child
 * process and checks only that every figure was produced as a finite number — never how fast anything was
 * (these machines are shared).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBenchScript } from "./lib/run-script";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "concord-bench-client-"));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** The figures the benchmark must produce (see bench/client/run.ts). */
const SIZES = [30, 300, 1500];
const EXPECTED = [
  ...["login", "dashboard", "editor"].flatMap((r) => [`js_${r}_gzip_kb`, `js_${r}_transferred_kb`]),
  ...SIZES.flatMap((n) => [
    `editable_${n}_ms`,
    `key_${n}_p50_ms`,
    `key_${n}_p95_ms`,
    `remote_${n}_p50_ms`,
    `remote_${n}_p95_ms`,
    `longtasks_writer_${n}`,
    `longtask_writer_${n}_max_ms`,
    `longtasks_reader_${n}`,
    `longtask_reader_${n}_max_ms`,
  ]),
];

describe("npm run bench:client -- --quick", () => {
  it("produces every client figure as a finite number", { timeout: 180_000 }, async () => {
    const { code, output } = await runBenchScript(
      "bench/client/run.ts",
      ["--quick", `--out=${path.join(out, "figures.json")}`],
      170_000,
    );
    expect(code, output).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, "figures.json"), "utf8")) as {
      figures: Array<{ key: string; value: number }>;
    };
    const values = new Map(report.figures.map((f) => [f.key, f.value]));
    const missing = EXPECTED.filter((k) => !Number.isFinite(values.get(k)));
    expect(missing, output).toEqual([]);
  });
});
