/** The connection state next to the title: connected, connecting, reconnecting (with unsent edits), closed. */
import type { ConnectionState } from "./collaboration";
import { TestId } from "../testids";

/** Text and tone for a connection state. */
export function describeConnection(state: ConnectionState): { text: string; detail: string; tone: "ok" | "wait" | "warn" | "bad" } {
  switch (state.kind) {
    case "connected":
      return { text: "Connected", detail: "Changes are saved as you type.", tone: "ok" };
    case "connecting":
      return { text: "Connecting…", detail: "Opening the document.", tone: "wait" };
    case "offline":
      return state.unsent
        ? { text: "Offline — unsent changes", detail: "Your edits are kept in this tab and sent when the connection is back.", tone: "warn" }
        : { text: "Reconnecting…", detail: "The connection was lost; retrying.", tone: "wait" };
    case "closed":
      return { text: "Disconnected", detail: state.reason || "The server closed the connection.", tone: "bad" };
  }
}

/** A small status pill with `role="status"` so changes are announced politely. */
export function ConnectionPill({ state }: { state: ConnectionState }) {
  const d = describeConnection(state);
  return (
    <span
      className={`conn conn-${d.tone}`}
      role="status"
      aria-live="polite"
      title={d.detail}
      data-testid={TestId.connectionState}
      data-state={state.kind}
      data-unsent={String(state.unsent)}
    >
      <span className="conn-dot" aria-hidden="true" />
      {d.text}
    </span>
  );
}
