/**
 * One widget per clause — each top-level block, or each item of a top-level list (clause-id.ts
 * `forEachClauseNode`) — such as a gutter chip or a comment mark, kept at a cost proportional to the clauses
 * a transaction changed, never to the document's size.
 *
 * Widgets are ProseMirror widget decorations placed at the very start of their clause's content and positioned
 * by CSS (`position: absolute` in the text column's margin, at the top of the clause's first line), so nothing
 * is ever measured: no layout reads, no forced layouts, nothing to recompute on resize. Inside the clause, and
 * not between clauses, because ProseMirror looks up the decorations of each top-level node among the
 * top-level ones on every view update: a thousand widgets there would cost a thousand checks per clause.
 *
 * A document change — a local keystroke, or a remote update, which the Yjs binding applies as a replacement of
 * the whole document — is diffed against the previous document (`findDiffStart`/`findDiffEnd`, which skip
 * shared nodes by identity and compare the rest without touching the DOM); the widgets outside the changed
 * span are shifted, those of the clauses inside it are rebuilt. When the feature's data changes
 * ({@link refreshClauseWidgets}), the feature names the clauses whose widget changed and only those are
 * rebuilt; ProseMirror keeps the DOM of every widget whose key did not change.
 */
import { Plugin } from "@tiptap/pm/state";
import type { EditorState, PluginKey, Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { Mapping, StepMap } from "@tiptap/pm/transform";
import type { EditorView } from "@tiptap/pm/view";
import type { Node as PMNode } from "@tiptap/pm/model";
import { CLAUSE_ID_ATTR, LIST_NODES } from "../../../shared/canonical";
import { isWholeListClause } from "./clause-id";
import "./clause-widgets.css";

/** The widget of one clause: a key that changes whenever its content would, and how to draw it. */
export interface ClauseWidget {
  key: string;
  render: () => HTMLElement;
}

/** Options of {@link clauseWidgetsPlugin}. */
export interface ClauseWidgetsOptions {
  key: PluginKey<DecorationSet>;
  /** The widget of a clause, or null for none. Called only for clauses that changed (or on a refresh). */
  widgetFor: (clauseId: string, node: PMNode) => ClauseWidget | null;
  /**
   * Subscribes to the feature's data; call `refresh` when it changed, with the ids of the clauses whose widget
   * may have changed (or nothing when any may have). Returns unsubscribe.
   */
  subscribe: (refresh: (clauseIds?: ReadonlySet<string>) => void) => () => void;
}

function clauseIdOf(node: PMNode): string | null {
  const id = node.attrs[CLAUSE_ID_ATTR] as unknown;
  return typeof id === "string" && id !== "" ? id : null;
}

function widgetAt(opts: ClauseWidgetsOptions, node: PMNode, pos: number, seen: Set<string> | null): Decoration | null {
  const id = clauseIdOf(node);
  if (!id || seen?.has(id)) return null;
  seen?.add(id);
  const widget = opts.widgetFor(id, node);
  if (!widget) return null;
  const render = () => {
    const el = widget.render();
    el.classList.add("clause-widget");
    return el;
  };
  return Decoration.widget(pos + 1, render, {
    side: -1,
    key: widget.key,
    ignoreSelection: true,
    clauseId: id,
    // Clicks and keys on the widget's buttons belong to the widget, not to the editor.
    stopEvent: () => true,
  });
}

/** The clauses of one top-level node at `offset`: the node itself, or the items of a list split into clauses. */
function clausesOf(node: PMNode, offset: number, fn: (clause: PMNode, pos: number) => void): void {
  if (!LIST_NODES.includes(node.type.name) || isWholeListClause(node)) fn(node, offset);
  else node.forEach((item, itemOffset) => fn(item, offset + 1 + itemOffset));
}

/** Widgets for every clause (the first of duplicate ids only, as a copy keeps its id until ClauseId fixes it). */
function buildAll(opts: ClauseWidgetsOptions, doc: PMNode): DecorationSet {
  const decorations: Decoration[] = [];
  const seen = new Set<string>();
  doc.forEach((node, offset) =>
    clausesOf(node, offset, (clause, pos) => {
      const d = widgetAt(opts, clause, pos, seen);
      if (d) decorations.push(d);
    }),
  );
  return DecorationSet.create(doc, decorations);
}

/** Shifts the widgets of unchanged clauses and rebuilds those of the clauses in the changed span. */
function applyDocChange(opts: ClauseWidgetsOptions, old: DecorationSet, oldDoc: PMNode, doc: PMNode): DecorationSet {
  const start = oldDoc.content.findDiffStart(doc.content);
  if (start === null) return old.map(new Mapping(), doc);
  const end = oldDoc.content.findDiffEnd(doc.content)!;
  let endA = end.a;
  let endB = end.b;
  // As ProseMirror's own DOM diff does: with repeated content the two ends may cross the start.
  const overlap = start - Math.min(endA, endB);
  if (overlap > 0) {
    endA += overlap;
    endB += overlap;
  }
  const shifted = old.map(new Mapping([new StepMap([start, endA - start, endB - start])]), doc);
  // The whole top-level clauses the change touches, in the new document.
  const $from = doc.resolve(start);
  const $to = doc.resolve(endB);
  const from = $from.depth > 0 ? $from.before(1) : start;
  const to = $to.depth > 0 ? $to.after(1) : endB;
  const added: Decoration[] = [];
  // The clause starting where the span ends keeps its widget, but the old one may have been mapped into the span.
  const stale = shifted.find(from, to + 1);
  const ids = new Set<string>();
  doc.nodesBetween(from, Math.min(doc.content.size, to + 1), (node, pos) => {
    if (pos >= from && pos <= to)
      clausesOf(node, pos, (clause, at) => {
        const d = widgetAt(opts, clause, at, ids);
        if (d) added.push(d);
      });
    return false;
  });
  return shifted.remove(stale).add(doc, added);
}

/** Redraws the widgets of the clauses `ids` only (the others keep theirs): a walk over the clauses, no DOM. */
function refreshSome(
  opts: ClauseWidgetsOptions,
  set: DecorationSet,
  doc: PMNode,
  ids: ReadonlySet<string>,
): DecorationSet {
  const stale: Decoration[] = [];
  const added: Decoration[] = [];
  const seen = new Set<string>();
  doc.forEach((node, offset) =>
    clausesOf(node, offset, (clause, pos) => {
      const id = clauseIdOf(clause);
      if (!id || seen.has(id)) return;
      seen.add(id);
      if (!ids.has(id)) return;
      stale.push(...set.find(pos + 1, pos + 1, (spec) => spec.clauseId === id));
      const d = widgetAt(opts, clause, pos, null);
      if (d) added.push(d);
    }),
  );
  return stale.length === 0 && added.length === 0 ? set : set.remove(stale).add(doc, added);
}

/** The plugin that keeps one widget per clause (see the module comment). */
export function clauseWidgetsPlugin(opts: ClauseWidgetsOptions): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: opts.key,
    state: {
      init: (_, state: EditorState) => buildAll(opts, state.doc),
      apply: (tr: Transaction, old: DecorationSet, oldState: EditorState, newState: EditorState) => {
        const mapped = tr.docChanged ? applyDocChange(opts, old, oldState.doc, newState.doc) : old;
        const refresh = tr.getMeta(opts.key) as Refresh | undefined;
        if (!refresh) return mapped;
        return refresh.ids ? refreshSome(opts, mapped, newState.doc, refresh.ids) : buildAll(opts, newState.doc);
      },
    },
    props: {
      decorations(state) {
        return opts.key.getState(state);
      },
    },
    view: (view: EditorView) => ({ destroy: opts.subscribe((ids) => refreshClauseWidgets(view, opts.key, ids)) }),
  });
}

/** A refresh of the widgets: of the clauses `ids`, or of all. */
interface Refresh {
  ids: ReadonlySet<string> | null;
}

/**
 * Recomputes the widgets of the clauses `ids` (of all without it) after the feature's data changed; widgets
 * whose key did not change keep their DOM.
 */
export function refreshClauseWidgets(view: EditorView, key: PluginKey<DecorationSet>, ids?: ReadonlySet<string>): void {
  if (view.isDestroyed || ids?.size === 0) return;
  const refresh: Refresh = { ids: ids ?? null };
  view.dispatch(view.state.tr.setMeta(key, refresh).setMeta("addToHistory", false));
}
