/**
 * Configuration, read and validated once at start. Modules receive a `Config`; none reads `process.env`.
 *
 * | variable      | default            | meaning                                                           |
 * |---------------|--------------------|-------------------------------------------------------------------|
 * | PORT          | 8787               | HTTP port (0 picks a free one)                                    |
 * | HOST          | 127.0.0.1          | interface to listen on                                            |
 * | DATA_DIR      | ./data             | where the SQLite database lives                                   |
 * | ORIGIN        | http://localhost:PORT,http://127.0.0.1:PORT | allowed browser origins, comma separated |
 * | MAX_FRAME_BYTES, MAX_DOCUMENT_BYTES | 1 MiB, 16 MiB | realtime limits                          |
 * | SESSION_IDLE_DAYS | 14             | a session unused this long expires                                |
 * | CLIENT_DIR    | ./dist/client      | the built client to serve (absent: API only)                      |
 */
import path from "node:path";
import { z } from "zod";
import { Limits } from "../shared/validation";

/** Everything the server needs to know to start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Exact origins allowed for browser requests and WebSocket upgrades. */
  origins: string[];
  maxFrameBytes: number;
  maxDocumentBytes: number;
  maxMessagesPerSecond: number;
  sessionIdleMs: number;
  clientDir: string | null;
  /** Log requests and lifecycle events. */
  log: boolean;
  /** Argon2 cost; tests may lower it, production never does. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** Compact a document's update log into a snapshot after this many updates. */
  compactAfterUpdates: number;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  ORIGIN: z.string().optional(),
  MAX_FRAME_BYTES: z.coerce.number().int().positive().default(Limits.maxFrameBytes),
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(Limits.maxDocumentBytes),
  MAX_MESSAGES_PER_SECOND: z.coerce.number().int().positive().default(Limits.maxMessagesPerSecond),
  SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
  CLIENT_DIR: z.string().default("./dist/client"),
  LOG: z.enum(["0", "1"]).default("1"),
});

/** Argon2id as OWASP recommends it: m=19456 KiB, t=2, p=1. */
export const ARGON2_DEFAULTS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Parses the environment; throws with every problem listed so that a bad deploy fails fast. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return makeConfig({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    origins: e.ORIGIN ? e.ORIGIN.split(",").map((o) => o.trim()).filter(Boolean) : [],
    maxFrameBytes: e.MAX_FRAME_BYTES,
    maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
    maxMessagesPerSecond: e.MAX_MESSAGES_PER_SECOND,
    sessionIdleMs: e.SESSION_IDLE_DAYS * 24 * 3600 * 1000,
    clientDir: e.CLIENT_DIR ? path.resolve(e.CLIENT_DIR) : null,
    log: e.LOG === "1",
  });
}

/** Fills defaults once; tests pass only what they change. */
export function makeConfig(partial: Partial<Config> & { dataDir: string }): Config {
  return {
    port: 8787,
    host: "127.0.0.1",
    origins: [],
    maxFrameBytes: Limits.maxFrameBytes,
    maxDocumentBytes: Limits.maxDocumentBytes,
    maxMessagesPerSecond: Limits.maxMessagesPerSecond,
    sessionIdleMs: 14 * 24 * 3600 * 1000,
    clientDir: null,
    log: false,
    argon2: { ...ARGON2_DEFAULTS },
    compactAfterUpdates: 500,
    ...partial,
  };
}

/** The allowed origins once the port is known (defaults follow the actual port). */
export function resolveOrigins(config: Config, port: number): string[] {
  if (config.origins.length > 0) return config.origins;
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
