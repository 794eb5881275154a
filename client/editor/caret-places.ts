/**
 * The text alternative of the other people's carets: for each person, the words where their caret is ("in
 * “The signatories support open…”"), read by screen readers with their avatar in the presence list. The caret
 * widgets themselves are hidden from screen readers (they would be read in the middle of a sentence).
 */
import { useCallback, useRef, useSyncExternalStore } from "react";
import type { Editor } from "@tiptap/core";
import type { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";

const WORDS = 6;

/** "in “first words of the block…”" for the block around document position `pos`. */
function placeAt(editor: Editor, pos: number): string | null {
  const { doc } = editor.state;
  const $pos = doc.resolve(Math.max(0, Math.min(pos, doc.content.size)));
  const block = $pos.parent.isTextblock ? $pos.parent : null;
  const words = (block?.textContent ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "in an empty line";
  const excerpt = words.slice(0, WORDS).join(" ");
  return `in “${excerpt}${words.length > WORDS ? "…" : ""}”`;
}

/** User id → where their caret is, for everyone else with a caret in the text. */
function readPlaces(editor: Editor | null, provider: WebsocketProvider | null): Map<string, string> {
  const places = new Map<string, string>();
  if (!editor || editor.isDestroyed || !provider) return places;
  const ystate = ySyncPluginKey.getState(editor.state) as
    { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<unknown, unknown> } | null } | undefined;
  if (!ystate?.binding) return places;
  for (const [clientId, state] of provider.awareness.getStates()) {
    if (clientId === provider.awareness.clientID) continue;
    const s = state as { user?: { id?: unknown }; cursor?: { head?: unknown } };
    if (typeof s.user?.id !== "string" || !s.cursor?.head) continue;
    const head = relativePositionToAbsolutePosition(
      ystate.doc,
      ystate.type,
      Y.createRelativePositionFromJSON(s.cursor.head),
      ystate.binding.mapping as never,
    );
    const place = head === null ? null : placeAt(editor, head);
    if (place) places.set(s.user.id, place);
  }
  return places;
}

/** Live {@link readPlaces}: follows awareness changes and edits (which move the words under a caret). */
export function useCaretPlaces(editor: Editor | null, provider: WebsocketProvider | null): Map<string, string> {
  const cache = useRef<{ key: string; value: Map<string, string> }>({ key: "", value: new Map() });
  const subscribe = useCallback(
    (onChange: () => void) => {
      provider?.awareness.on("change", onChange);
      editor?.on("update", onChange);
      return () => {
        provider?.awareness.off("change", onChange);
        editor?.off("update", onChange);
      };
    },
    [editor, provider],
  );
  const read = () => {
    const value = readPlaces(editor, provider);
    const key = [...value].map(([id, place]) => `${id}:${place}`).join("\n");
    if (key !== cache.current.key) cache.current = { key, value };
    return cache.current.value;
  };
  return useSyncExternalStore(subscribe, read, read);
}
