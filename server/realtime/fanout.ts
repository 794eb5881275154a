/**
 * Fan-out between instances: what one instance tells the others about the statements they serve together.
 *
 * A message travels on the statement's channel (or the instance-wide one for events that concern no single
 * statement), tagged with the sending instance so that an instance ignores its own. Delivery is a hint, never
 * the truth: updates carry their sequence numbers, and a receiver that misses one reads it back from storage
 * (`server/sync/room.ts`). The Redis implementation is `redis.ts`; without Redis there is nobody to tell.
 */
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { ServerEvent } from "../events";
import type { ThrottleChange, ThrottleSync } from "../auth/throttle";

/** What instances say to each other. */
export type FanoutMessage =
  /** Updates stored under the sequence numbers `first`, `first + 1`, … */
  | { kind: "updates"; first: number; updates: Uint8Array[] }
  /** An awareness update from the sender's connections. */
  | { kind: "awareness"; payload: Uint8Array }
  /** "Who is here?": an instance that just started holding a statement asks for everyone's awareness. */
  | { kind: "awareness.query" }
  /** A server event (membership, phase, app event, revoked sessions) to apply to local connections. */
  | { kind: "event"; event: ServerEvent }
  /** A change to a login throttle record (instance-wide channel). */
  | { kind: "throttle"; change: ThrottleChange };

/** A message as received: which statement (null: instance-wide) and which instance sent it. */
export interface Delivery {
  statementId: string | null;
  from: string;
  message: FanoutMessage;
}

/** The fan-out transport. */
export interface Fanout {
  readonly instanceId: string;
  /** Starts receiving a statement's channel; resolves once subscribed. */
  subscribe(statementId: string): Promise<void>;
  unsubscribe(statementId: string): Promise<void>;
  /** Sends to every other instance (best effort: never throws, never waits for delivery). */
  publish(statementId: string | null, message: FanoutMessage): void;
  /** Receives other instances' messages. */
  onMessage(handler: (delivery: Delivery) => void): void;
  /** Called after the transport came back from an outage (subscriptions restored): messages may be lost. */
  onRecovered(handler: () => void): void;
  /** Resolves when the transport answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const KIND = { updates: 1, awareness: 2, query: 3, event: 4, throttle: 5 } as const;

/** Encodes a message with its sender (binary: updates are sent as they are stored). */
export function encodeMessage(from: string, m: FanoutMessage): Uint8Array {
  const enc = encoding.createEncoder();
  switch (m.kind) {
    case "updates":
      encoding.writeVarUint(enc, KIND.updates);
      encoding.writeVarString(enc, from);
      encoding.writeVarUint(enc, m.first);
      encoding.writeVarUint(enc, m.updates.length);
      for (const u of m.updates) encoding.writeVarUint8Array(enc, u);
      break;
    case "awareness":
      encoding.writeVarUint(enc, KIND.awareness);
      encoding.writeVarString(enc, from);
      encoding.writeVarUint8Array(enc, m.payload);
      break;
    case "awareness.query":
      encoding.writeVarUint(enc, KIND.query);
      encoding.writeVarString(enc, from);
      break;
    case "event":
      encoding.writeVarUint(enc, KIND.event);
      encoding.writeVarString(enc, from);
      encoding.writeVarString(enc, JSON.stringify(m.event));
      break;
    case "throttle":
      encoding.writeVarUint(enc, KIND.throttle);
      encoding.writeVarString(enc, from);
      encoding.writeVarString(enc, JSON.stringify(m.change));
      break;
  }
  return encoding.toUint8Array(enc);
}

/** Decodes a message; null for bytes that are not one (another deployment's traffic, a newer version). */
export function decodeMessage(bytes: Uint8Array): { from: string; message: FanoutMessage } | null {
  try {
    const dec = decoding.createDecoder(bytes);
    const kind = decoding.readVarUint(dec);
    const from = decoding.readVarString(dec);
    switch (kind) {
      case KIND.updates: {
        const first = decoding.readVarUint(dec);
        const n = decoding.readVarUint(dec);
        const updates: Uint8Array[] = [];
        for (let i = 0; i < n; i++) updates.push(decoding.readVarUint8Array(dec));
        return { from, message: { kind: "updates", first, updates } };
      }
      case KIND.awareness:
        return { from, message: { kind: "awareness", payload: decoding.readVarUint8Array(dec) } };
      case KIND.query:
        return { from, message: { kind: "awareness.query" } };
      case KIND.event:
        return { from, message: { kind: "event", event: JSON.parse(decoding.readVarString(dec)) as ServerEvent } };
      case KIND.throttle:
        return {
          from,
          message: { kind: "throttle", change: JSON.parse(decoding.readVarString(dec)) as ThrottleChange },
        };
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** Login throttles shared through the fan-out's instance-wide channel (`server/auth/throttle.ts`). */
export function throttleSyncOver(fanout: Fanout): ThrottleSync {
  return {
    publish: (change) => fanout.publish(null, { kind: "throttle", change }),
    onChange: (handler) =>
      fanout.onMessage(({ statementId, message }) => {
        if (statementId === null && message.kind === "throttle") handler(message.change);
      }),
  };
}
