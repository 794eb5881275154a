/**
 * The realtime wire protocol, in one place.
 *
 * The socket at `GET /ws/:statementId` speaks the standard y-websocket protocol (sync, awareness, auth,
 * query-awareness), so any y-websocket client can connect. Concord adds one message type, `appEvent`, that the
 * server uses to push app events (membership, comments, sign-offs, lock) as JSON; the client registers a
 * handler for it in the provider's `messageHandlers`.
 */
import type { SignoffDelta } from "./signoff";
import type { AmendmentDto } from "./amendments/schemas";

/** Top-level message types (the first varUint of every frame). */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Concord: a JSON app event pushed by the server (varString payload). Never accepted from clients. */
  appEvent: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of `MessageType.sync` (y-protocols/sync). */
export const SyncMessageType = { step1: 0, step2: 1, update: 2 } as const;

/**
 * WebSocket close codes. y-websocket's provider does not reconnect after 4400–4499 (a decision reconnecting
 * cannot fix) and does reconnect after anything else, so transient conditions use 45xx.
 */
export const CloseCode = {
  normal: 1000,
  /** Sent by the `ws` library itself when a frame exceeds the frame limit. */
  frameTooLarge: 1009,
  malformedFrame: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  documentTooLarge: 4413,
  /**
   * An update was refused (malformed, not contiguous with the document, written under someone else's client
   * id, or outside the editor's schema): nothing of it was applied, stored or relayed. Preceded by a
   * permission-denied message with `PermissionDeniedReason.invalidUpdate`. Not retried: resending the same
   * update cannot succeed; the client reloads the document from the server.
   */
  updateRefused: 4422,
  /**
   * The user already holds the most realtime connections allowed (`MAX_CONNECTIONS_PER_USER`). In the
   * no-reconnect range on purpose: retrying cannot help until the user closes another tab or device, and
   * twenty tabs retrying every few seconds would only load the server.
   */
  tooManyConnections: 4429,
  /** Membership changed (role or removal); the client reconnects and gets its new rights. */
  rightsChanged: 4500,
  rateLimited: 4529,
  serverShutdown: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Reasons carried by y-protocols' permission-denied auth message. */
export const PermissionDeniedReason = {
  readOnlyRole: "read-only role: your role on this statement does not allow editing",
  finalText: "final: the statement is locked and its text can no longer change",
  documentTooLarge: "document too large: the update was refused",
  /** Followed by the refusal's kind and detail in parentheses. */
  invalidUpdate: "invalid update: the edit was refused and not saved",
} as const;

/** The identity the server stamps on every awareness state of a connection. */
export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
}

/** App events pushed to every connected member of a statement. Tagged by `type`. */
export type AppEvent =
  | { type: "members.changed"; statementId: string }
  | { type: "statement.changed"; statementId: string }
  | { type: "threads.changed"; statementId: string; threadId: string }
  /**
   * Positions or signatures changed. With `delta` (a position change): the changed cells, to apply on top of
   * the matrix version it names; without it, or on another version, a client refetches the matrix.
   */
  | { type: "signoffs.changed"; statementId: string; delta?: SignoffDelta }
  /** A proposed amendment was made, decided, withdrawn, found outdated or closed: the amendment as it is now. */
  | { type: "amendments.changed"; statementId: string; amendment: AmendmentDto }
  | { type: "locked"; statementId: string; hash: string }
  | { type: "unlocked"; statementId: string }
  /** A version was recorded (History tab): clients refetch the list. */
  | { type: "history.changed"; statementId: string };

/** Type guard for app events decoded from JSON. */
export function isAppEvent(value: unknown): value is AppEvent {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
