/**
 * Gutter chips: next to each clause of the editor, one small square per participating organization, coloured
 * by its position (approve, object, abstain, stale, pending), with who and when in the tooltip. Drawn as
 * ProseMirror widget decorations from the shared sign-off store, so they never touch the document.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { Node as PMNode } from "@tiptap/pm/model";
import { CLAUSE_ID_ATTR } from "../../shared/canonical";
import { cellState, positionIndex, positionKey } from "../../shared/signoff";
import type { CellState, SignoffMatrixDto } from "../../shared/signoff";
import type { SignoffStore } from "./store";
import { CELL_LABEL } from "./labels";
import { SignoffTestId } from "./testids";

const key = new PluginKey<DecorationSet>("signoffGutter");

function chipsFor(m: SignoffMatrixDto, clauseId: string): HTMLElement {
  const index = positionIndex(m.positions);
  const wrap = document.createElement("span");
  wrap.className = "signoff-chips";
  wrap.contentEditable = "false";
  wrap.setAttribute("data-testid", SignoffTestId.gutterChips);
  wrap.setAttribute("data-clause-id", clauseId);
  const counts: Partial<Record<CellState, number>> = {};
  for (const o of m.organizations) {
    const p = index.get(positionKey(clauseId, o.id));
    const state = cellState(p);
    counts[state] = (counts[state] ?? 0) + 1;
    const chip = document.createElement("span");
    chip.className = `signoff-chip cell-${state}`;
    chip.setAttribute("data-org-id", o.id);
    chip.setAttribute("data-state", state);
    chip.title = p
      ? `${o.shortName}: ${CELL_LABEL[state]}${p.stale ? ` (was ${p.position})` : ""} — ${p.userName}, ${new Date(p.at).toLocaleString()}${p.reason ? `\n“${p.reason}”` : ""}`
      : `${o.shortName}: pending`;
    wrap.append(chip);
  }
  wrap.setAttribute(
    "aria-label",
    Object.entries(counts)
      .map(([s, n]) => `${n} ${CELL_LABEL[s as CellState]}`)
      .join(", "),
  );
  return wrap;
}

function build(doc: PMNode, m: SignoffMatrixDto | null): DecorationSet {
  if (!m || m.organizations.length === 0) return DecorationSet.empty;
  const known = new Set(m.clauses.map((c) => c.clauseId));
  const decorations: Decoration[] = [];
  doc.forEach((node, offset) => {
    const id = node.attrs[CLAUSE_ID_ATTR] as unknown;
    if (typeof id !== "string" || !known.has(id)) return;
    // A key that changes with the content of the chips lets ProseMirror reuse unchanged widgets.
    const sig = m.organizations.map((o) => cellState(positionIndex(m.positions).get(positionKey(id, o.id)))).join("");
    decorations.push(
      Decoration.widget(offset, () => chipsFor(m, id), { side: -1, key: `${id}:${sig}`, ignoreSelection: true }),
    );
  });
  return DecorationSet.create(doc, decorations);
}

/** The Tiptap extension for one editor, fed by `store`. */
export function signoffGutter(store: SignoffStore) {
  return Extension.create({
    name: "signoffGutter",
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key,
          state: {
            init: (_, state) => build(state.doc, store.getSnapshot().matrix),
            apply: (tr, old, _oldState, newState) =>
              tr.getMeta(key) || tr.docChanged ? build(newState.doc, store.getSnapshot().matrix) : old,
          },
          props: {
            decorations: (state) => key.getState(state),
          },
          view: (view) => {
            const unsubscribe = store.subscribe(() => {
              if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(key, true).setMeta("addToHistory", false));
            });
            return { destroy: unsubscribe };
          },
        }),
      ];
    },
  });
}
