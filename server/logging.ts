/**
 * The server's log function, with a limiter: a client that can make the server log (a hostile frame, a
 * failing request) must not be able to fill the disk or drown real problems. Each kind of line (its message
 * with ids and numbers blanked out) may be written `perKey` times per interval, and all lines together
 * `total` times; the rest are counted and reported as one "suppressed N" line when the interval ends.
 */

/** Writes one log line (an optional error carries its stack). */
export type Log = (msg: string, err?: unknown) => void;

/** How many lines may be written per interval. */
export interface LogLimits {
  intervalMs: number;
  /** Lines per kind of message per interval. */
  perKey: number;
  /** Lines of every kind together per interval. */
  total: number;
}

export const LOG_LIMITS_DEFAULT: LogLimits = { intervalMs: 60_000, perKey: 10, total: 100 };

/** Kinds of message remembered at once; beyond that new kinds share one bucket. */
const MAX_KEYS = 1000;

/** The kind of a log line: ids (long tokens), numbers and quoted parts blanked, so `room abc: x` ≈ `room def: x`. */
export function logKey(msg: string): string {
  return msg
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/[A-Za-z0-9_-]{16,}/g, "#")
    .replace(/\d+/g, "#")
    .slice(0, 200);
}

/**
 * A rate-limited log. `write` receives each line that passes (defaults to stderr); `enabled: false` keeps
 * only lines that carry an error, as the server always did.
 */
export function createLog(opts: {
  enabled: boolean;
  limits?: Partial<LogLimits>;
  write?: (msg: string, err?: unknown) => void;
  now?: () => number;
}): Log & { flush(): void } {
  const limits = { ...LOG_LIMITS_DEFAULT, ...opts.limits };
  const write = opts.write ?? ((msg: string, err?: unknown) => console.error(msg, err ?? ""));
  const now = opts.now ?? Date.now;
  let windowStart = now();
  let totalInWindow = 0;
  const counts = new Map<string, { written: number; suppressed: number; sample: string }>();

  function flush(): void {
    let suppressedKinds = 0;
    for (const [, c] of counts) {
      if (c.suppressed === 0) continue;
      if (suppressedKinds++ < limits.perKey)
        write(
          `log: suppressed ${c.suppressed} more like "${c.sample}" in the last ${Math.round(limits.intervalMs / 1000)} s`,
        );
    }
    if (suppressedKinds > limits.perKey)
      write(`log: suppressed lines of ${suppressedKinds - limits.perKey} more kinds`);
    counts.clear();
    totalInWindow = 0;
    windowStart = now();
  }

  const log = ((msg: string, err?: unknown) => {
    if (!opts.enabled && !err) return;
    if (now() - windowStart >= limits.intervalMs) flush();
    let key = logKey(msg);
    if (!counts.has(key) && counts.size >= MAX_KEYS) key = "(other)";
    let c = counts.get(key);
    if (!c) {
      c = { written: 0, suppressed: 0, sample: msg.slice(0, 120) };
      counts.set(key, c);
    }
    if (c.written >= limits.perKey || totalInWindow >= limits.total) {
      c.suppressed++;
      return;
    }
    c.written++;
    totalInWindow++;
    write(msg, err);
  }) as Log & { flush(): void };
  log.flush = flush;
  return log;
}
