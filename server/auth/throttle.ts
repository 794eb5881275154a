/**
 * Slows down repeated failed logins: after a few failures each further attempt must wait exponentially longer
 * (capped at five minutes), and a success clears the record. One instance per kind of key (account, address).
 */
const MAX_DELAY_MS = 5 * 60 * 1000;
const FORGET_AFTER_MS = 30 * 60 * 1000;

interface Record_ {
  failures: number;
  nextAllowedAt: number;
  lastFailureAt: number;
}

export class LoginThrottle {
  private readonly records = new Map<string, Record_>();

  /** @param freeFailures failures allowed before delays start (an office behind one address needs more). */
  constructor(private readonly freeFailures: number) {}

  /** Milliseconds the caller must still wait for any of these keys (0 when free to try). */
  waitMs(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const k of keys) {
      const r = this.records.get(k);
      if (!r) continue;
      if (now - r.lastFailureAt > FORGET_AFTER_MS) {
        this.records.delete(k);
        continue;
      }
      wait = Math.max(wait, r.nextAllowedAt - now);
    }
    return wait;
  }

  fail(keys: string[], now = Date.now()): void {
    for (const k of keys) {
      const r = this.records.get(k) ?? { failures: 0, nextAllowedAt: 0, lastFailureAt: 0 };
      r.failures += 1;
      r.lastFailureAt = now;
      const over = r.failures - this.freeFailures;
      r.nextAllowedAt = over > 0 ? now + Math.min(MAX_DELAY_MS, 1000 * 2 ** (over - 1)) : now;
      this.records.set(k, r);
    }
    if (this.records.size > 100_000) this.records.clear();
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.records.delete(k);
  }
}
