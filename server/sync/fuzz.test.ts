import { describe, expect, it } from "vitest";
import { runFuzz } from "../testing/fuzz";

describe("realtime fuzzing (reduced run of `npm run fuzz`)", () => {
  it("1,000 hostile frames: no crash, no garbage, honest clients converge after every batch", async () => {
    const lines: string[] = [];
    const report = await runFuzz({ frames: 1000, seed: 7, log: (l) => lines.push(l) });
    expect(report.batches, lines.join("\n")).toBe(10);
    expect(report.crashes, lines.join("\n")).toBe(0);
    expect(report.garbage, lines.join("\n")).toBe(0);
    expect(report.divergent, lines.join("\n")).toBe(0);
    // The server refused (closed) a good share of what was sent: the frames really were hostile.
    expect(report.closedSockets).toBeGreaterThan(100);
  }, 240_000);
});
