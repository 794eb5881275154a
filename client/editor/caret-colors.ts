/**
 * Distinct caret colours for the people in a document at the same moment: whenever awareness changes, this
 * client works out its colour with `caretColorFor` (shared/colors.ts) from every state it sees, and publishes it
 * in its own awareness `user` (the server accepts a palette colour, server/sync/awareness.ts). `caretSince`, a
 * top-level awareness field, is when this client started claiming, so the earlier claim keeps a contested colour.
 * Registered as an editor extension, so it lives exactly as long as the document's editor.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { Awareness } from "y-protocols/awareness";
import { caretColorFor } from "../../shared/colors";
import type { CaretClaim } from "../../shared/colors";
import { registerEditorExtension } from "./plugins";

interface StateShape {
  user?: { id?: unknown; name?: unknown; color?: unknown };
  caretSince?: unknown;
}

function claimOf(clientId: number, state: StateShape | undefined): CaretClaim | null {
  const u = state?.user;
  if (!u || typeof u.id !== "string" || typeof u.color !== "string") return null;
  const since = typeof state?.caretSince === "number" ? state.caretSince : Number.MAX_SAFE_INTEGER;
  return { clientId, userId: u.id, color: u.color, since };
}

/** Keeps this client's awareness colour distinct from the others'; returns the stop function. */
export function keepCaretColorDistinct(awareness: Awareness): () => void {
  awareness.setLocalStateField("caretSince", Date.now());
  const settle = () => {
    const states = awareness.getStates() as Map<number, StateShape>;
    const me = claimOf(awareness.clientID, states.get(awareness.clientID));
    if (!me) return;
    const others: CaretClaim[] = [];
    for (const [id, s] of states) {
      if (id === awareness.clientID) continue;
      const c = claimOf(id, s);
      if (c) others.push(c);
    }
    const color = caretColorFor(me, others);
    if (color !== me.color) {
      const user = states.get(awareness.clientID)?.user;
      awareness.setLocalStateField("user", { ...user, color });
    }
  };
  awareness.on("change", settle);
  settle();
  return () => awareness.off("change", settle);
}

registerEditorExtension((ctx) =>
  Extension.create({
    name: "distinctCaretColor",
    addProseMirrorPlugins() {
      return [
        new Plugin({
          key: new PluginKey("distinctCaretColor"),
          view: () => ({ destroy: keepCaretColorDistinct(ctx.provider.awareness) }),
        }),
      ];
    },
  }),
);
