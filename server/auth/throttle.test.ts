/** The guessing limits on their own, with a fixed clock: exact counts for bursts, delays, the LRU bound. */
import { describe, expect, it } from "vitest";
import { FailureThrottle, RateLimiter, beginAttempt, isRefusal } from "./throttle";

describe("FailureThrottle", () => {
  it("books attempts before they are checked: a burst at one instant gets exactly the free number", () => {
    const t = new FailureThrottle(5);
    const now = 1_000_000;
    const outcomes = Array.from({ length: 1000 }, () => beginAttempt([[t, "victim"]], now));
    expect(outcomes.filter((o) => !isRefusal(o))).toHaveLength(5);
  });

  it("delays double from one second after the free failures, and a success clears them", () => {
    const t = new FailureThrottle(2);
    let now = 0;
    for (let i = 0; i < 2; i++) expect(isRefusal(beginAttempt([[t, "k"]], now))).toBe(false);
    expect(beginAttempt([[t, "k"]], now)).toEqual({ retryAfterMs: 1000 });
    now += 1000;
    expect(isRefusal(beginAttempt([[t, "k"]], now))).toBe(false);
    expect(beginAttempt([[t, "k"]], now)).toEqual({ retryAfterMs: 2000 });
    now += 2000;
    const ok = beginAttempt([[t, "k"]], now);
    expect(isRefusal(ok)).toBe(false);
    if (!isRefusal(ok)) ok.succeeded();
    expect(t.waitMs("k", now)).toBe(0);
  });

  it("caps the delay at five minutes", () => {
    const t = new FailureThrottle(0);
    let now = 0;
    for (let i = 0; i < 40; i++) {
      now += t.waitMs("k", now);
      t.book("k", now);
    }
    expect(t.waitMs("k", now)).toBe(5 * 60 * 1000);
  });

  it("one refusal among several keys refuses the attempt and books none", () => {
    const account = new FailureThrottle(1);
    const pair = new FailureThrottle(10);
    beginAttempt(
      [
        [account, "a"],
        [pair, "p"],
      ],
      0,
    );
    expect(
      isRefusal(
        beginAttempt(
          [
            [account, "a"],
            [pair, "p"],
          ],
          0,
        ),
      ),
    ).toBe(true);
    expect(pair.waitMs("p", 0)).toBe(0);
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then refills at the rate; a correct login gives its token back", () => {
    const r = new RateLimiter(3, 60);
    for (let i = 0; i < 3; i++) expect(r.take("office", 0)).toBeNull();
    expect(r.take("office", 0)).toEqual({ retryAfterMs: 1000 });
    expect(r.take("office", 1000)).toBeNull();
    r.giveBack("office", 1000);
    expect(r.take("office", 1000)).toBeNull();
    expect(r.take("elsewhere", 1000)).toBeNull();
  });
});
