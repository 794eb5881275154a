/**
 * ProseMirror ↔ Yjs for comment anchors, through y-tiptap's binding mapping: a selection becomes a
 * {@link Draft} (clause id + relative positions + quote), and a stored anchor becomes a live ProseMirror
 * range to highlight. Relative positions follow concurrent edits, so highlights stay on their words.
 */
import type { EditorState } from "@tiptap/pm/state";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD, LIST_NODES } from "../../shared/canonical";
import { isWholeListClause } from "../editor/extensions/clause-id";
import { CommentLimits } from "../../shared/comments/schemas";
import { decodePosition, encodePosition, withAssoc } from "../../shared/comments/anchors";
import type { AnchorInput } from "../../shared/comments/schemas";
import type { Draft } from "./store";

interface Binding {
  mapping: Map<unknown, unknown>;
}

function bindingOf(state: EditorState): Binding | null {
  const s = ySyncPluginKey.getState(state) as { binding?: Binding | null } | undefined;
  return s?.binding ?? null;
}

/**
 * The clause around the selection start — its top-level block, or the item of a top-level list
 * (shared/canonical.ts) — its id and range, or null.
 */
export function clauseAtSelection(state: EditorState): { clauseId: string; start: number; end: number } | null {
  const $from = state.selection.$from;
  if ($from.depth < 1) return null;
  const depth =
    $from.depth >= 2 && !isWholeListClause($from.node(1)) && LIST_NODES.includes($from.node(1).type.name) ? 2 : 1;
  const node = $from.node(depth);
  const id = node.attrs[CLAUSE_ID_ATTR] as unknown;
  if (typeof id !== "string" || id === "") return null;
  const start = $from.before(depth);
  return { clauseId: id, start, end: start + node.nodeSize };
}

/**
 * What "Comment" on the current selection would anchor to. A selection that runs past its clause is cut at
 * the clause's end; an empty selection comments on the whole clause. Null when no clause is there.
 */
export function draftFromSelection(state: EditorState, ydoc: Y.Doc): Draft | null {
  const clause = clauseAtSelection(state);
  if (!clause) return null;
  const { from, empty } = state.selection;
  if (empty) return { clauseId: clause.clauseId, anchor: null };
  const to = Math.min(state.selection.to, clause.end - 1);
  const quote = state.doc.textBetween(from, to, "\n").trim();
  const binding = bindingOf(state);
  if (!quote || !binding) return { clauseId: clause.clauseId, anchor: null };
  const fragment = ydoc.getXmlFragment(DOCUMENT_FIELD);
  const relFrom = absolutePositionToRelativePosition(from, fragment, binding.mapping as never) as Y.RelativePosition;
  const relTo = absolutePositionToRelativePosition(to, fragment, binding.mapping as never) as Y.RelativePosition;
  // The canonical associations (shared/comments/anchors.ts): `from` sticks to the first quoted character.
  const anchor: AnchorInput = {
    from: encodePosition(withAssoc(ydoc, relFrom, 0) ?? relFrom),
    to: encodePosition(withAssoc(ydoc, relTo, -1) ?? relTo),
    quote: quote.slice(0, CommentLimits.quoteMax),
  };
  return { clauseId: clause.clauseId, anchor };
}

/** Where an anchor lies in the editor now, or null when its words are gone (or not rendered yet). */
export function rangeOfAnchor(
  state: EditorState,
  ydoc: Y.Doc,
  anchor: AnchorInput,
): { from: number; to: number } | null {
  const binding = bindingOf(state);
  if (!binding) return null;
  const fragment = ydoc.getXmlFragment(DOCUMENT_FIELD);
  const a = decodePosition(anchor.from);
  const b = decodePosition(anchor.to);
  if (!a || !b) return null;
  let from: number | null;
  let to: number | null;
  try {
    from = relativePositionToAbsolutePosition(ydoc, fragment, a, binding.mapping as never);
    to = relativePositionToAbsolutePosition(ydoc, fragment, b, binding.mapping as never);
  } catch {
    return null;
  }
  if (from === null || to === null || to <= from) return null;
  const size = state.doc.content.size;
  if (from < 0 || to > size) return null;
  return { from, to };
}
