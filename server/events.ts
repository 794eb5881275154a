/**
 * In-process server events: how the HTTP side tells the realtime side that something changed (a session was
 * revoked, a membership changed, an app event must reach every connected member). The realtime fan-out
 * subscribes here; a multi-instance deployment relays these between instances (`bridge`: every event emitted
 * here is also handed to the fan-out, and other instances' events are `deliver`ed to local listeners only).
 */
import type { AppEvent } from "../shared/protocol";
import type { NotificationEvent } from "../shared/notifications";

/** Everything that crosses from the API to open connections. */
export type ServerEvent =
  | { kind: "sessions.revoked"; sessionIds: string[] }
  | { kind: "member.changed"; statementId: string; userId: string }
  | { kind: "statement.phase"; statementId: string }
  | { kind: "app"; statementId: string; event: AppEvent }
  /** Addressed to one person, wherever their event stream is open (server/notifications/stream.ts). */
  | { kind: "user"; userId: string; event: NotificationEvent };

type Listener = (event: ServerEvent) => void;

/** A tiny synchronous bus; listeners must not throw (errors are logged, never propagated to the emitter). */
export class ServerEvents {
  private readonly listeners = new Set<Listener>();
  private relay: Listener | null = null;

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ServerEvent): void {
    this.deliver(event);
    if (this.relay) {
      try {
        this.relay(event);
      } catch (err) {
        console.error("server event relay failed", err);
      }
    }
  }

  /** Sends every event emitted from now on to other instances too (null: stop). */
  bridge(relay: Listener | null): void {
    this.relay = relay;
  }

  /** Hands an event to this process's listeners only (one that another instance emitted). */
  deliver(event: ServerEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        console.error("server event listener failed", err);
      }
    }
  }

  /** Shorthand for pushing an app event to a statement's connected members. */
  app(statementId: string, event: AppEvent): void {
    this.emit({ kind: "app", statementId, event });
  }
}
