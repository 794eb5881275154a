/**
 * SearchHighlight: the matches of the statement search, drawn as decorations (never marks: nothing is written
 * to the document, so nothing reaches Yjs or the others). The query and the current match live in the plugin's
 * state; the matches are found again after every change of the text, so they follow live edits by anyone.
 *
 * Matching is case-insensitive and ignores accents (`é` finds `e`), within one block at a time.
 */
import { Extension } from "@tiptap/core";
import type { Node as PMNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorState, Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";

/** One match: a document range. */
export interface SearchMatch {
  from: number;
  to: number;
}

/** The search's state. */
export interface SearchState {
  query: string;
  matches: SearchMatch[];
  /** Index into `matches`, or -1 when there is none. */
  current: number;
}

/** The plugin's key: read the state with `searchKey.getState(editor.state)`. */
export const searchKey = new PluginKey<SearchState & { decorations: DecorationSet }>("statementSearch");

type Meta = { query?: string; current?: number };

/** Folds case and accents, one output character per input character (so offsets stay valid). */
export function fold(text: string): string {
  let out = "";
  for (const ch of text) {
    const base = ch
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    // Keep the length: a character whose folded form is not one UTF-16 unit stays as it is, lower-cased.
    out += base.length === ch.length ? base : ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch;
  }
  return out;
}

/** Every match of `query` in the document's text blocks, in document order. */
export function findMatches(doc: PMNode, query: string): SearchMatch[] {
  const needle = fold(query);
  if (needle.trim() === "") return [];
  const matches: SearchMatch[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    // The block's text with the document position of each character (a hard break reads as a space).
    let text = "";
    const positions: number[] = [];
    node.forEach((child, offset) => {
      const start = pos + 1 + offset;
      if (child.isText) {
        const t = child.text ?? "";
        for (let i = 0; i < t.length; i++) positions.push(start + i);
        text += t;
      } else {
        positions.push(start);
        text += " ";
      }
    });
    const hay = fold(text);
    let at = hay.indexOf(needle);
    while (at !== -1) {
      matches.push({ from: positions[at], to: positions[at + needle.length - 1] + 1 });
      at = hay.indexOf(needle, at + needle.length);
    }
    return false;
  });
  return matches;
}

function decorate(doc: PMNode, matches: SearchMatch[], current: number): DecorationSet {
  if (matches.length === 0) return DecorationSet.empty;
  return DecorationSet.create(
    doc,
    matches.map((m, i) =>
      Decoration.inline(m.from, m.to, {
        class: i === current ? "search-match search-match-current" : "search-match",
        ...(i === current ? { "data-search-current": "true" } : {}),
      }),
    ),
  );
}

/** Sets the query (empty clears the search). */
export function setSearchQuery(tr: Transaction, query: string): Transaction {
  return tr.setMeta(searchKey, { query } satisfies Meta);
}

/** Makes match `index` the current one. */
export function setSearchCurrent(tr: Transaction, index: number): Transaction {
  return tr.setMeta(searchKey, { current: index } satisfies Meta);
}

/** The search state of an editor state (empty when the extension is absent). */
export function searchState(state: EditorState): SearchState {
  return searchKey.getState(state) ?? { query: "", matches: [], current: -1 };
}

/** The extension (see the module comment). */
export const SearchHighlight = Extension.create({
  name: "statementSearch",

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: searchKey,
        state: {
          init: (): SearchState & { decorations: DecorationSet } => ({
            query: "",
            matches: [],
            current: -1,
            decorations: DecorationSet.empty,
          }),
          apply(tr, prev, _old, state) {
            const meta = tr.getMeta(searchKey) as Meta | undefined;
            if (!meta && !tr.docChanged) return prev;
            const query = meta?.query ?? prev.query;
            const matches = meta?.query !== undefined || tr.docChanged ? findMatches(state.doc, query) : prev.matches;
            let current = meta?.current ?? prev.current;
            if (meta?.query !== undefined) {
              // A new query starts at the first match after the caret, as a browser's find does.
              const head = state.selection.from;
              const next = matches.findIndex((m) => m.from >= head);
              current = matches.length === 0 ? -1 : next === -1 ? 0 : next;
            } else if (matches.length === 0) current = -1;
            else current = Math.min(Math.max(current, 0), matches.length - 1);
            return { query, matches, current, decorations: decorate(state.doc, matches, current) };
          },
        },
        props: {
          decorations: (state) => searchKey.getState(state)?.decorations ?? DecorationSet.empty,
        },
      }),
    ];
  },
});
