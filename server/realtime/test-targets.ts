/**
 * The Redis the tests use: `TEST_REDIS_URL`, else `REDIS_URL`, else the one this machine and CI run on
 * 127.0.0.1. Tests that need it skip (and say so) when it is not reachable, as the PostgreSQL ones do.
 */
import { Redis } from "ioredis";

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL || process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** The test Redis URL when it answers a PING; null (with a warning naming `what` is skipped) when not. */
export async function redisForTests(what: string): Promise<string | null> {
  const r = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return REDIS_TEST_URL;
  } catch (err) {
    console.warn(`${what} skipped: Redis at ${REDIS_TEST_URL} is not reachable (${(err as Error).message})`);
    return null;
  } finally {
    r.disconnect();
  }
}
