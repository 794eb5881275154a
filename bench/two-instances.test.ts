/**
 * Runs the two-instance benchmark in quick mode and checks only that both targets produced every figure and
 * that no update was lost — never how fast anything was. Skipped (saying why) without PostgreSQL or Redis.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { redisForTests } from "../server/realtime/test-targets";
import { afterAll, describe, expect, it } from "vitest";
import { postgresForTests } from "../server/storage/test-targets";
import { runBenchScript } from "./lib/run-script";

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concord-two-bench-")), "two-instances.json");
afterAll(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

const ready = (await postgresForTests()) !== null && (await redisForTests("Two-instance benchmark")) !== null;

describe.skipIf(!ready)("npm run bench:two-instances -- --quick", () => {
  it("measures both targets on two instances each and loses no update", async () => {
    const { code, output } = await runBenchScript("bench/two-instances.ts", ["--quick", `--out=${out}`], 180_000);
    expect(code, output.slice(-2000)).toBe(0);
    const result = JSON.parse(fs.readFileSync(out, "utf8")) as {
      summary: Array<{ target: string; p50Ms: number; p99Ms: number; lost: number; cpuUsPerDelivered: number }>;
    };
    expect(result.summary).toHaveLength(2);
    for (const s of result.summary) {
      // Our own losses must be none; a reference's are its own (extension-redis is lossy by design) and reported.
      if (s.target.startsWith("Concord")) expect(s.lost, s.target).toBe(0);
      else expect(Number.isInteger(s.lost), s.target).toBe(true);
      for (const v of [s.p50Ms, s.p99Ms, s.cpuUsPerDelivered]) expect(Number.isFinite(v) && v > 0, s.target).toBe(true);
    }
  });
});
