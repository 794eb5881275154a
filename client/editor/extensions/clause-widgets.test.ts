/**
 * Clause widgets cost O(changed clauses) per transaction: in a 300-clause document a local keystroke, a remote
 * keystroke applied as the Yjs binding applies it (the whole document replaced by freshly built nodes), a split
 * and a deletion each compute a bounded number of widgets, and afterwards every clause still has exactly its
 * own widget at its own position.
 */
import { describe, expect, it } from "vitest";
import { Schema, Slice } from "@tiptap/pm/model";
import type { Node as PMNode } from "@tiptap/pm/model";
import { EditorState, PluginKey } from "@tiptap/pm/state";
import type { DecorationSet } from "@tiptap/pm/view";
import { clauseWidgetsPlugin } from "./clause-widgets";

const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: { group: "block", content: "text*", attrs: { clauseId: { default: null } } },
    heading: { group: "block", content: "text*", attrs: { clauseId: { default: null }, level: { default: 2 } } },
    text: {},
  },
});

/** A freshly built document (new node objects throughout, as the binding builds on a remote update). */
function docOf(texts: Array<[id: string, text: string]>): PMNode {
  return schema.node(
    "doc",
    null,
    texts.map(([id, text], i) =>
      schema.node(i % 25 === 0 ? "heading" : "paragraph", { clauseId: id }, text ? [schema.text(text)] : []),
    ),
  );
}

function setup(n: number) {
  const texts: Array<[string, string]> = Array.from({ length: n }, (_, i) => [`c${i}`, `Clause ${i} text.`]);
  const key = new PluginKey<DecorationSet>("test-widgets");
  const calls: string[] = [];
  const plugin = clauseWidgetsPlugin({
    key,
    widgetFor: (id) => {
      calls.push(id);
      return { key: `w:${id}`, render: () => ({}) as HTMLElement };
    },
    subscribe: () => () => {},
  });
  const state = EditorState.create({ doc: docOf(texts), plugins: [plugin] });
  return { texts, key, calls, state };
}

/** Every widget sits at the start of the content of the clause it belongs to, one per clause. */
function expectOneWidgetPerClause(state: EditorState, key: PluginKey<DecorationSet>): void {
  const found = key
    .getState(state)!
    .find()
    .map((d) => ({ pos: d.from, id: (d.spec as { key: string }).key.slice(2) }));
  const expected: Array<{ pos: number; id: string }> = [];
  state.doc.forEach((node, offset) => expected.push({ pos: offset + 1, id: node.attrs.clauseId as string }));
  expect(found.sort((a, b) => a.pos - b.pos)).toEqual(expected);
}

describe("clause widgets", () => {
  it("a local keystroke recomputes the widget of its clause (and of the clause right after it) only", () => {
    const { key, calls, state } = setup(300);
    expect(calls.length).toBe(300);
    calls.length = 0;
    let pos = 0;
    state.doc.forEach((node, offset, index) => {
      if (index === 150) pos = offset + 1 + node.content.size;
    });
    const next = state.apply(state.tr.insertText("x", pos));
    expect(calls).toContain("c150");
    expect(calls.length).toBeLessThanOrEqual(2);
    expectOneWidgetPerClause(next, key);
  });

  it("a remote keystroke, applied as a replacement of the whole document, recomputes a bounded number", () => {
    const { texts, key, calls, state } = setup(300);
    calls.length = 0;
    const changed = texts.map(([id, t], i): [string, string] => [id, i === 150 ? `${t}y` : t]);
    const fresh = docOf(changed);
    const next = state.apply(state.tr.replace(0, state.doc.content.size, new Slice(fresh.content, 0, 0)));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls).toContain("c150");
    expectOneWidgetPerClause(next, key);
  });

  it("a remote update that changes nothing recomputes nothing", () => {
    const { texts, key, calls, state } = setup(300);
    calls.length = 0;
    const next = state.apply(state.tr.replace(0, state.doc.content.size, new Slice(docOf(texts).content, 0, 0)));
    expect(calls).toEqual([]);
    expectOneWidgetPerClause(next, key);
  });

  it("a change of the feature's data for one clause recomputes that clause's widget only", () => {
    const { key, calls, state } = setup(300);
    calls.length = 0;
    // What refreshClauseWidgets dispatches when the feature names the clauses that changed.
    const next = state.apply(state.tr.setMeta(key, { ids: new Set(["c42"]) }));
    expect(calls).toEqual(["c42"]);
    expectOneWidgetPerClause(next, key);
  });

  it("a split, a new clause and a deletion keep one widget per clause, at bounded cost", () => {
    const { texts, key, calls, state } = setup(300);
    calls.length = 0;
    // Split clause 10 in the middle: the second half gets a new id (as ClauseId does).
    let pos = 0;
    state.doc.forEach((_node, offset, index) => {
      if (index === 10) pos = offset + 4;
    });
    let tr = state.tr.split(pos, 1, [{ type: schema.nodes.paragraph, attrs: { clauseId: "split" } }]);
    let next = state.apply(tr);
    expect(next.doc.childCount).toBe(301);
    expect(calls.length).toBeLessThanOrEqual(3);
    expectOneWidgetPerClause(next, key);

    // A remote insertion of a clause near the start and a deletion near the end, in one update.
    calls.length = 0;
    const texts2: Array<[string, string]> = [];
    next.doc.forEach((node) => texts2.push([node.attrs.clauseId as string, node.textContent]));
    texts2.splice(3, 0, ["new", "A new clause."]);
    texts2.splice(290, 1);
    tr = next.tr.replace(0, next.doc.content.size, new Slice(docOf(texts2).content, 0, 0));
    next = next.apply(tr);
    expectOneWidgetPerClause(next, key);
    // One span from the insertion to the deletion is rebuilt: bounded by the distance, not the document.
    expect(calls.length).toBeLessThan(300);
    expect(texts.length).toBe(300);
  });
});
