/**
 * Sessions as the Lucia guide describes them (lucia-auth.com, "Basic session implementation"), built with
 * @oslojs/crypto and @oslojs/encoding:
 * - the token is `<id>.<secret>`; only the SHA-256 of the secret is stored, so a database leak yields no
 *   usable token; validation compares hashes in constant time;
 * - a session expires after a period of inactivity; its last-use time is refreshed at most hourly so that
 *   validation is not a write on every request;
 * - a password change invalidates every session of the user.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import type { DB } from "../storage/database";
import { newSecret } from "../ids";

/** A validated session. */
export interface Session {
  id: string;
  userId: string;
  createdAt: number;
  lastVerifiedAt: number;
}

/** Name of the session cookie over http (local and test setups). */
export const SESSION_COOKIE = "concord_session";
/**
 * Name of the session cookie over https: the `__Host-` prefix makes the browser refuse it unless it is
 * `Secure`, `Path=/` and has no `Domain`, so a sibling subdomain cannot plant or shadow it.
 */
export const SECURE_SESSION_COOKIE = "__Host-concord_session";

/** A session as its owner sees it in "your sessions". */
export interface SessionInfo {
  id: string;
  createdAt: number;
  /** Refreshed at most hourly (validation is not a write on every request). */
  lastUsedAt: number;
  userAgent: string | null;
}

const USER_AGENT_MAX = 256;

const ACTIVITY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Session storage and validation. */
export class SessionStore {
  constructor(
    private readonly db: DB,
    private readonly idleMs: number,
  ) {}

  /** Creates a session for a user; returns the token to put in the cookie (never stored). */
  async create(userId: string, userAgent: string | null = null): Promise<{ token: string; session: Session }> {
    const id = newSecret(15);
    const secret = newSecret(20);
    const now = Date.now();
    await this.db
      .insertInto("sessions")
      .values({
        id,
        user_id: userId,
        secret_hash: hashSecret(secret),
        created_at: now,
        last_verified_at: now,
        user_agent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null,
      })
      .execute();
    return { token: `${id}.${secret}`, session: { id, userId, createdAt: now, lastVerifiedAt: now } };
  }

  /** Returns the session a token names, or null when it is unknown, wrong or expired. */
  async validate(token: string): Promise<Session | null> {
    const parts = token.split(".");
    if (parts.length !== 2 || parts[0].length === 0 || parts[0].length > 64 || parts[1].length > 128) return null;
    const [id, secret] = parts;
    const row = await this.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return null;
    const stored = row.secret_hash instanceof Uint8Array ? row.secret_hash : new Uint8Array(row.secret_hash);
    if (!constantTimeEqual(hashSecret(secret), new Uint8Array(stored))) return null;
    const now = Date.now();
    const last = Number(row.last_verified_at);
    if (now - last >= this.idleMs) {
      await this.invalidate(id);
      return null;
    }
    if (now - last >= ACTIVITY_CHECK_INTERVAL_MS) {
      await this.db.updateTable("sessions").set({ last_verified_at: now }).where("id", "=", id).execute();
    }
    return {
      id,
      userId: row.user_id,
      createdAt: Number(row.created_at),
      lastVerifiedAt: Math.max(last, now - ACTIVITY_CHECK_INTERVAL_MS),
    };
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", sessionId).execute();
  }

  /** The live sessions of a user, most recently used first. */
  async listOfUser(userId: string): Promise<SessionInfo[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .select(["id", "created_at", "last_verified_at", "user_agent"])
      .where("user_id", "=", userId)
      .where("last_verified_at", ">", Date.now() - this.idleMs)
      .orderBy("last_verified_at", "desc")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdAt: Number(r.created_at),
      lastUsedAt: Number(r.last_verified_at),
      userAgent: r.user_agent,
    }));
  }

  /** Ends one session of a user (none of anyone else's); returns whether it existed. */
  async invalidateOfUser(userId: string, sessionId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom("sessions")
      .where("id", "=", sessionId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Ends every session of a user but `keep`; returns the ended ids so that their sockets can be closed. */
  async invalidateOthersOfUser(userId: string, keep: string): Promise<string[]> {
    // One statement (DELETE … RETURNING): a session created meanwhile is either listed or kept, never lost.
    const rows = await this.db
      .deleteFrom("sessions")
      .where("user_id", "=", userId)
      .where("id", "!=", keep)
      .returning("id")
      .execute();
    return rows.map((r) => r.id);
  }

  /** Ends every session of a user; returns their ids so that their sockets can be closed. */
  async invalidateAllOfUser(userId: string): Promise<string[]> {
    const rows = await this.db.deleteFrom("sessions").where("user_id", "=", userId).returning("id").execute();
    return rows.map((r) => r.id);
  }
}
