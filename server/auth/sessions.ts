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

/** Name of the session cookie. */
export const SESSION_COOKIE = "concord_session";

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
  async create(userId: string): Promise<{ token: string; session: Session }> {
    const id = newSecret(15);
    const secret = newSecret(20);
    const now = Date.now();
    await this.db
      .insertInto("sessions")
      .values({ id, user_id: userId, secret_hash: hashSecret(secret), created_at: now, last_verified_at: now })
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

  /** Ends every session of a user; returns their ids so that their sockets can be closed. */
  async invalidateAllOfUser(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
    await this.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    return rows.map((r) => r.id);
  }
}
