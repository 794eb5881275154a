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
 * | MAX_DOCUMENT_DEPTH | 32            | deepest nesting of blocks in a statement                          |
 * | SESSION_IDLE_DAYS | 14             | a session unused this long expires                                |
 * | CLIENT_DIR    | ./dist/client      | the built client to serve (absent: API only)                      |
 * | TRUST_PROXY   | (none)             | proxy addresses/CIDRs whose X-Forwarded-For/-Proto are believed   |
 * | MAX_BODY_BYTES | 262144            | largest HTTP request body (larger: 413 before it is read)         |
 * | MAX_CONNECTIONS_PER_USER | 20      | open realtime connections one user may hold                       |
 * | DATABASE_URL  | (none: SQLite)     | `postgres://…` keeps everything in PostgreSQL (several instances)  |
 * | REDIS_URL     | (none)             | `redis://…` fans updates, awareness and events out between instances |
 * | REDIS_PREFIX  | concord:           | prefix of this deployment's Redis channels and keys               |
 * | INSTANCE_ID   | host:pid           | this instance's name in fan-out messages and log lines            |
 * | SMTP_URL      | (none)             | where mail goes (smtp:// or smtps://); unset: the in-app outbox   |
 * | MAIL_FROM     | Concord <concord@localhost> | the From of every message                              |
 */
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { Limits } from "../shared/validation";
import { DEFAULT_MAX_DOCUMENT_DEPTH } from "../shared/schema";

/** Everything the server needs to know to start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Exact origins allowed for browser requests and WebSocket upgrades. */
  origins: string[];
  maxFrameBytes: number;
  maxDocumentBytes: number;
  /** Deepest nesting of elements (blocks inside blocks) a statement may reach. */
  maxDocumentDepth: number;
  maxMessagesPerSecond: number;
  sessionIdleMs: number;
  clientDir: string | null;
  /** Log requests and lifecycle events. */
  log: boolean;
  /** Argon2 cost; tests may lower it, production never does. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** Compact a document's update log into a snapshot after this many updates. */
  compactAfterUpdates: number;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
   * Empty: the socket's peer is the client and the scheme is the connection's own.
   */
  trustProxy: string[];
  /** Largest request body on any route (route-specific limits may be lower). */
  maxBodyBytes: number;
  /** Realtime connections one user may hold open at once (every tab of every device). */
  maxConnectionsPerUser: number;
  /** Guessing limits for passwords and the per-address login rate: see `server/auth/throttle.ts`. */
  throttle: ThrottleConfig;
  /** PostgreSQL URL (`postgres://…`); null: SQLite under `dataDir`. */
  databaseUrl: string | null;
  /** Redis URL for the fan-out between instances; null: this process is the only one. */
  redisUrl: string | null;
  /** Prefix of every Redis channel and key this deployment uses. */
  redisPrefix: string;
  /** This instance's name in fan-out messages and logs. */
  instanceId: string;
  /** SMTP server for outgoing mail (`smtp://user:pass@host:587`); null: messages go to the outbox table. */
  smtpUrl: string | null;
  /** The From address of outgoing mail. */
  mailFrom: string;
}

/** Limits against password guessing (defaults in `THROTTLE_DEFAULTS`). */
export interface ThrottleConfig {
  /** Failed logins per account (from anywhere) before each further attempt must wait, doubling from 1 s. */
  accountFreeFailures: number;
  /** Failed logins per (client address, account) before delays start. */
  pairFreeFailures: number;
  /** Login attempts one address may burst; refilled at `addressPerMinute` (correct logins give theirs back). */
  addressBurst: number;
  addressPerMinute: number;
  /** Wrong current passwords on a password change per user before delays start. */
  passwordChangeFreeFailures: number;
}

/** Defaults: generous enough for an office behind one address, strict enough that guessing gets nowhere. */
export const THROTTLE_DEFAULTS: ThrottleConfig = {
  accountFreeFailures: 10,
  pairFreeFailures: 5,
  addressBurst: 100,
  addressPerMinute: 60,
  passwordChangeFreeFailures: 5,
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  ORIGIN: z
    .string()
    .optional()
    .refine(
      (v) =>
        v === undefined ||
        v
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean)
          .every(isOrigin),
      "list origins as scheme://host[:port], comma-separated, without a path or trailing slash (a browser's Origin header never has one, so such an entry would never match)",
    ),
  MAX_FRAME_BYTES: z.coerce.number().int().positive().default(Limits.maxFrameBytes),
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(Limits.maxDocumentBytes),
  MAX_DOCUMENT_DEPTH: z.coerce.number().int().min(4).max(256).default(DEFAULT_MAX_DOCUMENT_DEPTH),
  MAX_MESSAGES_PER_SECOND: z.coerce.number().int().positive().default(Limits.maxMessagesPerSecond),
  SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
  CLIENT_DIR: z.string().default("./dist/client"),
  LOG: z.enum(["0", "1"]).default("1"),
  TRUST_PROXY: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every(isAddressOrCidr),
      "list IP addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8), comma-separated",
    ),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(20),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), "a postgres:// URL (unset for SQLite)"),
  REDIS_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^rediss?:\/\//.test(v), "a redis:// or rediss:// URL"),
  REDIS_PREFIX: z.string().min(1).default("concord:"),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _ . : - (at most 64)")
    .optional(),
  SMTP_URL: z
    .string()
    .default("")
    .refine(
      (v) => v === "" || /^smtps?:\/\/[^\s]+$/.test(v),
      "an smtp:// or smtps:// URL (e.g. smtp://user:password@mail.example.org:587)",
    ),
  MAIL_FROM: z.string().trim().min(3).default("Concord <concord@localhost>"),
});

/** Whether `entry` is exactly an origin as browsers send it: `https://example.org` or `http://host:8787`. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === entry;
  } catch {
    return false;
  }
}

/** `1.2.3.4`, `::1`, `10.0.0.0/8` or `fd00::/8`. */
function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split("/");
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

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
    origins: e.ORIGIN
      ? e.ORIGIN.split(",")
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
    maxFrameBytes: e.MAX_FRAME_BYTES,
    maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
    maxDocumentDepth: e.MAX_DOCUMENT_DEPTH,
    maxMessagesPerSecond: e.MAX_MESSAGES_PER_SECOND,
    sessionIdleMs: e.SESSION_IDLE_DAYS * 24 * 3600 * 1000,
    clientDir: e.CLIENT_DIR ? path.resolve(e.CLIENT_DIR) : null,
    log: e.LOG === "1",
    trustProxy: e.TRUST_PROXY,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
    databaseUrl: e.DATABASE_URL || null,
    redisUrl: e.REDIS_URL || null,
    redisPrefix: e.REDIS_PREFIX,
    instanceId: e.INSTANCE_ID ?? `${os.hostname()}:${process.pid}`,
    smtpUrl: e.SMTP_URL || null,
    mailFrom: e.MAIL_FROM,
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
    maxDocumentDepth: DEFAULT_MAX_DOCUMENT_DEPTH,
    maxMessagesPerSecond: Limits.maxMessagesPerSecond,
    sessionIdleMs: 14 * 24 * 3600 * 1000,
    clientDir: null,
    log: false,
    argon2: { ...ARGON2_DEFAULTS },
    compactAfterUpdates: 500,
    trustProxy: [],
    maxBodyBytes: 256 * 1024,
    maxConnectionsPerUser: 20,
    throttle: { ...THROTTLE_DEFAULTS },
    databaseUrl: null,
    redisUrl: null,
    redisPrefix: "concord:",
    instanceId: `${os.hostname()}:${process.pid}`,
    smtpUrl: null,
    mailFrom: "Concord <concord@localhost>",
    ...partial,
  };
}

/** The allowed origins once the port is known (defaults follow the actual port). */
export function resolveOrigins(config: Config, port: number): string[] {
  if (config.origins.length > 0) return config.origins;
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
