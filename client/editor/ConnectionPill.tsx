/**
 * The connection state next to the title: connected (or saving), connecting, reconnecting (with unsent
 * edits), edit refused, closed. It never says "Connected" while refused edits are still on screen.
 */
import type { ConnectionState } from "./collaboration";
import { TestId } from "../testids";

/** Text and tone for a connection state. */
export function describeConnection(state: ConnectionState): {
  text: string;
  detail: string;
  tone: "ok" | "wait" | "warn" | "bad";
} {
  switch (state.kind) {
    case "connected":
      return state.saving
        ? { text: "Saving…", detail: "Your latest changes have not been confirmed by the server yet.", tone: "wait" }
        : { text: "Connected", detail: "Changes are saved as you type.", tone: "ok" };
    case "connecting":
      return { text: "Connecting…", detail: "Opening the document.", tone: "wait" };
    case "offline":
      return state.unsent
        ? {
            text: "Offline — unsent changes",
            detail: "Your edits are kept in this browser and sent when the connection is back.",
            tone: "warn",
          }
        : { text: "Reconnecting…", detail: "The connection was lost; retrying.", tone: "wait" };
    case "refused":
      return { text: "Edit not saved", detail: `The server refused your edit: ${state.reason}`, tone: "bad" };
    case "closed":
      return { text: "Disconnected", detail: state.reason || "The server closed the connection.", tone: "bad" };
  }
}

/**
 * A small status pill. Not a live region: it flips between "Saving…" and "Connected" with every keystroke;
 * changes of the connection's kind are announced once by the editor page (editor/announcements.ts).
 */
export function ConnectionPill({ state }: { state: ConnectionState }) {
  const d = describeConnection(state);
  return (
    <span
      className={`conn conn-${d.tone}`}
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
