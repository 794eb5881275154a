import { describe, expect, it, vi } from "vitest";
import { Editor, getAttributesFromExtensions } from "@tiptap/core";
import type { JSONContent } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { ClauseId, newClauseId, planClauseIds } from "./clause-id";

// Tiptap's keymap reads `navigator` (a global from Node 21 on); Node 20 needs a stand-in.
if (typeof globalThis.navigator === "undefined") {
  vi.stubGlobal("navigator", { platform: "Linux", userAgent: "node", maxTouchPoints: 0 });
}

/**
 * A headless editor (no DOM: `element: null`) with the statement schema and ClauseId. Tiptap installs the
 * extensions' ProseMirror plugins only when it mounts a view, so the state is reconfigured with them here.
 */
function makeEditor(content: JSONContent, editable = true) {
  let n = 0;
  const editor = new Editor({
    element: null,
    editable,
    extensions: [StarterKit.configure({ undoRedo: false }), ClauseId.configure({ generateId: () => `id${++n}` })],
    content,
  });
  editor.view.updateState(editor.state.reconfigure({ plugins: editor.extensionManager.plugins }));
  return editor;
}

function p(text: string, clauseId?: string | null): JSONContent {
  return {
    type: "paragraph",
    attrs: clauseId === undefined ? {} : { clauseId },
    content: text ? [{ type: "text", text }] : [],
  };
}

function topIds(editor: Editor): Array<string | null> {
  const ids: Array<string | null> = [];
  editor.state.doc.forEach((node) => ids.push((node.attrs.clauseId as string | null) ?? null));
  return ids;
}

function topTexts(editor: Editor): string[] {
  const texts: string[] = [];
  editor.state.doc.forEach((node) => texts.push(node.textContent));
  return texts;
}

/** Document position just after the first occurrence of `needle`. */
function posAfter(editor: Editor, needle: string): number {
  let found = -1;
  editor.state.doc.descendants((node, pos) => {
    if (found !== -1) return false;
    if (node.isText && node.text!.includes(needle)) found = pos + node.text!.indexOf(needle) + needle.length;
    return true;
  });
  if (found === -1) throw new Error(`text not found: ${needle}`);
  return found;
}

describe("newClauseId", () => {
  it("makes 10-character base-36 ids that do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, newClauseId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{10}$/);
  });
});

describe("ClauseId extension", () => {
  it("gives new ids to top-level blocks that lack one, on the first local change", () => {
    const editor = makeEditor({ type: "doc", content: [p("First clause."), p("Second clause.", "keep")] });
    editor.view.dispatch(editor.state.tr.insertText(" More.", posAfter(editor, "First clause.")));
    const ids = topIds(editor);
    expect(ids[0]).toMatch(/^id\d+$/);
    expect(ids[1]).toBe("keep");
    editor.destroy();
  });

  it("renders the id as data-clause-id (and nothing when there is none)", () => {
    const editor = makeEditor({ type: "doc", content: [p("One", "abc")] });
    const attr = getAttributesFromExtensions(editor.extensionManager.extensions).find(
      (a) => a.type === "paragraph" && a.name === "clauseId",
    );
    expect(attr?.attribute.renderHTML?.({ clauseId: "abc" })).toEqual({ "data-clause-id": "abc" });
    expect(attr?.attribute.renderHTML?.({ clauseId: null })).toEqual({});
    editor.destroy();
  });

  it("keeps the id on the first half of a split and gives the second half a new one", () => {
    const editor = makeEditor({ type: "doc", content: [p("Alpha beta", "c1"), p("Gamma", "c2")] });
    editor.chain().setTextSelection(posAfter(editor, "Alpha")).splitBlock().run();
    expect(topTexts(editor)).toEqual(["Alpha", " beta", "Gamma"]);
    const ids = topIds(editor);
    expect(ids[0]).toBe("c1");
    expect(ids[1]).not.toBeNull();
    expect(ids[1]).not.toBe("c1");
    expect(ids[2]).toBe("c2");
    editor.destroy();
  });

  it("gives a new id to the new block when splitting at the end of a clause", () => {
    const editor = makeEditor({ type: "doc", content: [p("Alpha", "c1")] });
    editor.chain().setTextSelection(posAfter(editor, "Alpha")).splitBlock().run();
    editor.view.dispatch(editor.state.tr.insertText("New"));
    expect(topTexts(editor)).toEqual(["Alpha", "New"]);
    const ids = topIds(editor);
    expect(ids[0]).toBe("c1");
    expect(ids[1]).toMatch(/^id\d+$/);
    editor.destroy();
  });

  it("leaves the id on the text when Enter is pressed at the start of a clause", () => {
    const editor = makeEditor({ type: "doc", content: [p("Alpha", "c1")] });
    editor.chain().setTextSelection(1).splitBlock().run();
    expect(topTexts(editor)).toEqual(["", "Alpha"]);
    const ids = topIds(editor);
    expect(ids[1]).toBe("c1");
    expect(ids[0]).not.toBe("c1");
    expect(ids[0]).not.toBeNull();
    editor.destroy();
  });

  it("repairs a pasted duplicate: the original keeps its id, the copy gets a new one", () => {
    const editor = makeEditor({ type: "doc", content: [p("Original", "c1"), p("Other", "c2")] });
    // Paste a copy of clause c1 (with its data-clause-id) after "Other".
    editor.commands.insertContentAt(editor.state.doc.content.size, p("Original", "c1"));
    expect(topTexts(editor)).toEqual(["Original", "Other", "Original"]);
    const ids = topIds(editor);
    expect(ids[0]).toBe("c1");
    expect(ids[1]).toBe("c2");
    expect(ids[2]).not.toBe("c1");
    expect(ids[2]).not.toBeNull();
    expect(new Set(ids).size).toBe(3);
    editor.destroy();
  });

  it("repairs a copy pasted before the original: the original keeps its id", () => {
    const editor = makeEditor({ type: "doc", content: [p("Intro", "c0"), p("Original", "c1")] });
    editor.commands.insertContentAt(posAfter(editor, "Intro") + 1, p("Original", "c1"));
    expect(topTexts(editor)).toEqual(["Intro", "Original", "Original"]);
    const ids = topIds(editor);
    expect(ids[2]).toBe("c1");
    expect(ids[1]).not.toBe("c1");
    editor.destroy();
  });

  /** The ids of the top-level blocks and of each top-level list's items (`[list id, ...item ids]`). */
  function clauseIds(editor: Editor): Array<string | null | Array<string | null>> {
    const out: Array<string | null | Array<string | null>> = [];
    editor.state.doc.forEach((node) => {
      const id = (node.attrs.clauseId as string | null) ?? null;
      if (!node.type.name.endsWith("List")) return out.push(id);
      const items: Array<string | null> = [id];
      node.forEach((item) => items.push((item.attrs.clauseId as string | null) ?? null));
      out.push(items);
    });
    return out;
  }
  const list = (items: JSONContent[], clauseId?: string): JSONContent => ({
    type: "bulletList",
    attrs: clauseId ? { clauseId } : {},
    content: items,
  });
  const item = (text: string, clauseId?: string): JSONContent => ({
    type: "listItem",
    attrs: clauseId ? { clauseId } : {},
    content: [p(text)],
  });

  it("gives each item of a list its own id (the list none) and takes ids found inside an item up to it", () => {
    const editor = makeEditor({
      type: "doc",
      content: [
        p("Intro", "c0"),
        list([{ type: "listItem", content: [p("Item one", "nested1")] }, item("Item two"), item("Item three")]),
      ],
    });
    editor.view.dispatch(editor.state.tr.insertText("!", posAfter(editor, "Item one")));
    const ids = clauseIds(editor);
    expect(ids[0]).toBe("c0");
    const [listId, ...itemIds] = ids[1] as Array<string | null>;
    expect(listId).toBeNull();
    expect(itemIds[0]).toBe("nested1");
    expect(itemIds[1]).toMatch(/^id\d+$/);
    expect(itemIds[2]).toMatch(/^id\d+$/);
    expect(new Set(itemIds).size).toBe(3);
    const nested: unknown[] = [];
    editor.state.doc.child(1).descendants((node) => {
      if (node.type.name === "paragraph") nested.push(node.attrs.clauseId);
    });
    expect(nested).toEqual([null, null, null]);
    editor.destroy();
  });

  it("turning a paragraph into a list keeps its id on the item (its threads and positions follow)", () => {
    const editor = makeEditor({ type: "doc", content: [p("Risks", "c-risks")] });
    editor.commands.setTextSelection(2);
    editor.commands.toggleBulletList();
    expect(clauseIds(editor)[0]).toEqual([null, "c-risks"]);
    editor.destroy();
  });

  it("leaves a list written before items had ids as one clause until it is edited, then hands its id to its first item", () => {
    const editor = makeEditor({
      type: "doc",
      content: [p("Intro", "c0"), list([item("one"), item("two"), item("three")], "old-list")],
    });
    editor.view.dispatch(editor.state.tr.insertText("!", posAfter(editor, "Intro")));
    expect(clauseIds(editor).slice(0, 2)).toEqual(["c0", ["old-list", null, null, null]]);
    editor.view.dispatch(editor.state.tr.insertText("!", posAfter(editor, "two")));
    const [listId, first, second, third] = clauseIds(editor)[1] as Array<string | null>;
    expect([listId, first]).toEqual([null, "old-list"]);
    expect(second).toMatch(/^id\d+$/);
    expect(third).toMatch(/^id\d+$/);
    expect(second).not.toBe(third);
    // Splitting an item keeps the id on its first half.
    editor.commands.setTextSelection(posAfter(editor, "tw"));
    editor.commands.splitListItem("listItem");
    const after = clauseIds(editor)[1] as Array<string | null>;
    expect(after.slice(0, 3)).toEqual([null, "old-list", second]);
    expect(new Set(after.slice(1)).size).toBe(4);
    editor.destroy();
  });

  it("does not write anything on a read-only editor", () => {
    const editor = makeEditor({ type: "doc", content: [p("No id")] }, false);
    editor.view.dispatch(editor.state.tr.insertText("x", 1));
    expect(topIds(editor)).toEqual([null]);
    editor.destroy();
  });

  it("skips transactions that y-tiptap dispatched for remote changes", () => {
    const editor = makeEditor({ type: "doc", content: [p("Remote")] });
    editor.view.dispatch(editor.state.tr.insertText("x", 1).setMeta("y-sync$", { isChangeOrigin: true }));
    expect(topIds(editor)).toEqual([null]);
    editor.destroy();
  });
});

describe("planClauseIds", () => {
  it("returns nothing for a valid document", () => {
    const editor = makeEditor({ type: "doc", content: [p("A", "a"), p("B", "b")] });
    expect(planClauseIds(editor.state.doc)).toEqual([]);
    editor.destroy();
  });
});
