/**
 * Limits on password guessing.
 *
 * - `FailureThrottle`: per key (an account, an address + account pair, a user changing their password), a few
 *   failures are free, then each further attempt must wait, doubling from one second up to five minutes; a
 *   success clears the key. An attempt is **counted when it starts, before the password is checked** (`begin`
 *   books it as a failure; `succeeded` gives it back), so a thousand parallel guesses get exactly the free
 *   number of checks and every other one is refused without touching Argon2.
 * - `RateLimiter`: a token bucket per key (a client address) that limits the *rate* of attempts, not failures,
 *   so that an office behind one address is never locked out by one colleague's (or one attacker's) failures:
 *   once the burst is spent, attempts are refused only until tokens come back, seconds later.
 *
 * Both keep a bounded number of keys, dropping the least recently used (never everything at once: clearing
 * all records would hand an attacker a reset).
 *
 * Several instances (`ThrottleSync`, Redis when `REDIS_URL` is set): each record stays in memory so that a
 * check and its booking remain one synchronous step, and every change (a booked failure, a clear, a token
 * taken or given back) is published to the other instances, which apply it to their copy. An attacker who
 * spreads guesses over instances is counted everywhere within a message's latency; only guesses sent to
 * different instances within that same millisecond window can each be checked before the others' bookings
 * arrive, so at most (instances × free failures) are checked at once instead of the free failures.
 */
const MAX_DELAY_MS = 5 * 60 * 1000;
const FORGET_AFTER_MS = 30 * 60 * 1000;
const MAX_KEYS = 100_000;

interface FailureRecord {
  failures: number;
  nextAllowedAt: number;
  lastAt: number;
}

/** A refused attempt: how long to wait. */
export interface Refusal {
  retryAfterMs: number;
}

/** Touches `key` in a Map used as an LRU (insertion order = recency) and keeps it within `MAX_KEYS`. */
function touch<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_KEYS) map.delete(map.keys().next().value as string);
}

/** A change to one throttle record, as other instances apply it. */
export type ThrottleChange = {
  op: "book" | "clear" | "take" | "giveBack";
  throttle: ThrottleName;
  key: string;
  at: number;
};

/** The throttles of `Throttles`, by name. */
export type ThrottleName = "account" | "pair" | "address" | "passwordChange";

/** How throttle changes travel between instances (the Redis implementation is in `server/realtime/`). */
export interface ThrottleSync {
  publish(change: ThrottleChange): void;
  onChange(handler: (change: ThrottleChange) => void): void;
}

type Observer = (op: ThrottleChange["op"], key: string, at: number) => void;

/** Free failures, then exponential delays; attempts are booked before they are checked. */
export class FailureThrottle {
  private readonly records = new Map<string, FailureRecord>();
  /** Told about every local change (to publish it). */
  observer: Observer | null = null;

  /** @param freeFailures attempts that may fail without any delay (so at most this many are checked at once). */
  constructor(private readonly freeFailures: number) {}

  /** Milliseconds before `key` may try again (0: now). */
  waitMs(key: string, now = Date.now()): number {
    const r = this.records.get(key);
    if (!r) return 0;
    if (now - r.lastAt > FORGET_AFTER_MS) {
      this.records.delete(key);
      return 0;
    }
    return Math.max(0, r.nextAllowedAt - now);
  }

  /** Books one attempt as a failure (it stays one unless `succeeded` is called). */
  book(key: string, now = Date.now()): void {
    const r = this.records.get(key) ?? { failures: 0, nextAllowedAt: 0, lastAt: 0 };
    r.failures += 1;
    r.lastAt = now;
    // After the last free failure the next attempt waits 1 s, then 2 s, 4 s, … up to five minutes.
    const over = r.failures - this.freeFailures;
    r.nextAllowedAt = over >= 0 ? now + Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(over, 20)) : now;
    touch(this.records, key, r);
    this.observer?.("book", key, now);
  }

  /** Forgets every failure of `key` (a correct password). */
  clear(key: string): void {
    this.records.delete(key);
    this.observer?.("clear", key, Date.now());
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key: `burst` attempts at once, refilled at `perMinute`. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Told about every local change (to publish it). */
  observer: Observer | null = null;

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
  ) {}

  private refill(key: string, now: number): Bucket {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    touch(this.buckets, key, b);
    return b;
  }

  /** Takes a token, or says how long until one is back. */
  take(key: string, now = Date.now()): Refusal | null {
    const b = this.refill(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.observer?.("take", key, now);
      return null;
    }
    return { retryAfterMs: Math.ceil(((1 - b.tokens) / this.perMinute) * 60_000) };
  }

  /** Gives a token back (the attempt turned out to be a correct login). */
  giveBack(key: string, now = Date.now()): void {
    const b = this.refill(key, now);
    b.tokens = Math.min(this.burst, b.tokens + 1);
    this.observer?.("giveBack", key, now);
  }
}

/** One booked attempt against several failure throttles; settle it with `succeeded()` or leave it failed. */
export interface Attempt {
  succeeded(): void;
}

/**
 * Books an attempt against every (throttle, key) pair at once, or refuses with the longest wait among them.
 * Checking and booking happen in the same synchronous step, so parallel requests cannot slip between them.
 */
export function beginAttempt(pairs: Array<[FailureThrottle, string]>, now = Date.now()): Attempt | Refusal {
  const wait = Math.max(0, ...pairs.map(([t, k]) => t.waitMs(k, now)));
  if (wait > 0) return { retryAfterMs: wait };
  for (const [t, k] of pairs) t.book(k, now);
  return {
    succeeded: () => {
      for (const [t, k] of pairs) t.clear(k);
    },
  };
}

/** Type guard: was the attempt refused? */
export function isRefusal(x: Attempt | Refusal): x is Refusal {
  return "retryAfterMs" in x;
}

/**
 * Every guessing limit of the server, built once from the config: logins per account, per (address,
 * account) and per address (rate), and password changes per user.
 */
export class Throttles {
  readonly account: FailureThrottle;
  readonly pair: FailureThrottle;
  readonly address: RateLimiter;
  readonly passwordChange: FailureThrottle;

  constructor(
    cfg: {
      accountFreeFailures: number;
      pairFreeFailures: number;
      addressBurst: number;
      addressPerMinute: number;
      passwordChangeFreeFailures: number;
    },
    sync?: ThrottleSync,
  ) {
    this.account = new FailureThrottle(cfg.accountFreeFailures);
    this.pair = new FailureThrottle(cfg.pairFreeFailures);
    this.address = new RateLimiter(cfg.addressBurst, cfg.addressPerMinute);
    this.passwordChange = new FailureThrottle(cfg.passwordChangeFreeFailures);
    if (sync) this.share(sync);
  }

  /** Publishes every local change and applies the other instances' ones (without publishing them again). */
  private share(sync: ThrottleSync): void {
    const byName = {
      account: this.account,
      pair: this.pair,
      address: this.address,
      passwordChange: this.passwordChange,
    };
    for (const [name, t] of Object.entries(byName) as Array<[ThrottleName, FailureThrottle | RateLimiter]>) {
      t.observer = (op, key, at) => sync.publish({ op, throttle: name, key, at });
    }
    sync.onChange((c) => {
      const t = byName[c.throttle];
      if (!t || typeof c.key !== "string") return;
      const observer = t.observer;
      t.observer = null;
      try {
        // The sender's clock, bounded by ours: a skewed or forged time cannot set a record in the future.
        const at = Math.min(Number(c.at) || Date.now(), Date.now());
        if (t instanceof FailureThrottle) {
          if (c.op === "book") t.book(c.key, at);
          else if (c.op === "clear") t.clear(c.key);
        } else if (c.op === "take") t.take(c.key, at);
        else if (c.op === "giveBack") t.giveBack(c.key, at);
      } finally {
        t.observer = observer;
      }
    });
  }
}
