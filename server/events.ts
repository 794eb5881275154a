/**
 * In-process server events: how the HTTP side tells the realtime side that something changed (a session was
 * revoked, a membership changed, an app event must reach every connected member). The realtime fan-out
 * subscribes here; a multi-instance deployment relays these between instances.
 */
import type { AppEvent } from "../shared/protocol";

/** Everything that crosses from the API to open connections. */
export type ServerEvent =
  | { kind: "sessions.revoked"; sessionIds: string[] }
  | { kind: "member.changed"; statementId: string; userId: string }
  | { kind: "statement.phase"; statementId: string }
  | { kind: "app"; statementId: string; event: AppEvent };

type Listener = (event: ServerEvent) => void;

/** A tiny synchronous bus; listeners must not throw (errors are logged, never propagated to the emitter). */
export class ServerEvents {
  private readonly listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ServerEvent): void {
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
