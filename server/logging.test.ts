/** The log limiter on its own, with a fixed clock. */
import { describe, expect, it } from "vitest";
import { createLog, logKey } from "./logging";

describe("createLog", () => {
  it("writes each kind of line a bounded number of times per interval, then one 'suppressed N' summary", () => {
    let now = 0;
    const lines: string[] = [];
    const log = createLog({
      enabled: true,
      limits: { perKey: 3, total: 100, intervalMs: 1000 },
      write: (m) => lines.push(m),
      now: () => now,
    });
    for (let i = 0; i < 1000; i++) log(`room abcdefghijklmnopqrstuvwxyz${i}: relay failed`, new Error("boom"));
    log("something else");
    expect(lines).toHaveLength(4);
    now = 1000;
    log("after the interval");
    expect(lines).toContain(
      'log: suppressed 997 more like "room abcdefghijklmnopqrstuvwxyz0: relay failed" in the last 1 s',
    );
    expect(lines.at(-1)).toBe("after the interval");
  });

  it("caps all kinds together, so varying the message does not escape", () => {
    const lines: string[] = [];
    const log = createLog({
      enabled: true,
      limits: { perKey: 1000, total: 10, intervalMs: 60_000 },
      write: (m) => lines.push(m),
      now: () => 0,
    });
    for (let i = 0; i < 500; i++) log(`kind ${"x".repeat(i % 7)} ${i}`);
    expect(lines).toHaveLength(10);
  });

  it("with logging off keeps only lines that carry an error", () => {
    const lines: string[] = [];
    const log = createLog({ enabled: false, write: (m) => lines.push(m) });
    log("lifecycle");
    log("failure", new Error("x"));
    expect(lines).toEqual(["failure"]);
  });

  it("keys blank out ids and numbers", () => {
    expect(logKey("room 01hx7k2m9q8v5w3e4r6t7y8u9i: relay failed")).toBe(
      logKey("room zzzzzzzzzzzzzzzzzzzzzzzzzz: relay failed"),
    );
    expect(logKey("statement 12 failed")).toBe(logKey("statement 345 failed"));
  });
});
