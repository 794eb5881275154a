/**
 * One WebSocket connection to a room: who is behind it, what it may do, and a send that never throws.
 * Rights (`canEdit`) are a property of the connection, refreshed in place when the membership or the phase
 * changes, and checked where messages are received.
 */
import type { WebSocket } from "ws";
import type { AwarenessUser } from "../../shared/protocol";
import type { Role } from "../../shared/roles";

/** A rate limiter: a token bucket refilled at `perSecond`, holding up to two seconds' worth. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly perSecond: number) {
    this.tokens = perSecond * 2;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class Connection {
  role: Role;
  canEdit: boolean;
  /** Awareness client ids this connection has published; it may speak only for these. */
  readonly clientIds = new Set<number>();
  alive = true;
  closed = false;
  readonly bucket: TokenBucket;

  constructor(
    readonly ws: WebSocket,
    readonly user: AwarenessUser,
    readonly sessionId: string,
    role: Role,
    canEdit: boolean,
    messagesPerSecond: number,
  ) {
    this.role = role;
    this.canEdit = canEdit;
    this.bucket = new TokenBucket(messagesPerSecond);
  }

  send(frame: Uint8Array): void {
    if (this.closed || this.ws.readyState !== 1) return;
    this.ws.send(frame, { binary: true }, (err) => {
      if (err) this.close(1011, "send failed");
    });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
  }
}
