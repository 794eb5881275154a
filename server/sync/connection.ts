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

/**
 * A server frame encoded once as WebSocket bytes (FIN, binary opcode, no mask: RFC 6455 §5.2), so that a
 * broadcast costs one socket write per connection instead of one framing per connection.
 */
export class Frame {
  private constructor(
    /** The bytes on the wire: one or more whole WebSocket frames. */
    readonly wire: Buffer,
    /** The message payloads those frames carry, for the slow path (ws's own sender). */
    readonly payloads: readonly Uint8Array[],
  ) {}

  /** One binary message as a WebSocket frame. */
  static of(payload: Uint8Array): Frame {
    const n = payload.byteLength;
    const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
    const wire = Buffer.allocUnsafe(headerLength + n);
    wire[0] = 0x82;
    if (n < 126) wire[1] = n;
    else if (n < 65536) {
      wire[1] = 126;
      wire.writeUInt16BE(n, 2);
    } else {
      wire[1] = 127;
      wire.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
      wire.writeUInt32BE(n >>> 0, 6);
    }
    wire.set(payload, headerLength);
    return new Frame(wire, [payload]);
  }

  /** Several messages back to back, sent in one socket write. */
  static concat(frames: Frame[]): Frame {
    return new Frame(
      Buffer.concat(frames.map((f) => f.wire)),
      frames.flatMap((f) => f.payloads),
    );
  }
}

/** A client that lets this much pile up unread is dropped rather than allowed to grow the server's memory. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** The parts of `ws` internals the fast path relies on (ws 8.x, pinned in package.json). */
interface WsInternals {
  _socket?: { write(b: Buffer): boolean; writable: boolean; writableLength: number };
  _sender?: { _state: number };
  _extensions?: Record<string, unknown>;
}

export class Connection {
  role: Role;
  /** The organization the user represents on this statement (recorded with the client ids it introduces). */
  organizationId: string | null = null;
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

  /** Sends one frame; never throws (a failed socket reports itself through its close event). */
  send(frame: Uint8Array | Frame): void {
    if (this.closed || this.ws.readyState !== 1) return;
    const internals = this.ws as unknown as WsInternals;
    const socket = internals._socket;
    if (socket && socket.writableLength > MAX_BUFFERED_BYTES) {
      this.close(1008, "client too slow");
      return;
    }
    // Fast path: nothing queued in ws's sender and no compression, so our bytes may go straight to the socket.
    if (
      frame instanceof Frame &&
      socket?.writable &&
      internals._sender?._state === 0 &&
      !internals._extensions?.["permessage-deflate"]
    ) {
      socket.write(frame.wire);
      return;
    }
    if (!(frame instanceof Frame)) this.ws.send(frame, { binary: true });
    else for (const payload of frame.payloads) this.ws.send(payload, { binary: true });
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
