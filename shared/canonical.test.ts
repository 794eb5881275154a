import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  canonicalClauses,
  canonicalMarkdown,
  clauseElements,
  sha256Hex,
  DOCUMENT_FIELD,
  MAX_RENDER_DEPTH,
} from "./canonical";
import { nestQuotes } from "../server/testing/docs";

/** Builds a Tiptap-shaped Y.XmlFragment from a compact description. */
function block(name: string, attrs: Record<string, unknown>, children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const el = new Y.XmlElement(name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v as string);
  el.insert(0, children);
  return el;
}
function text(parts: Array<[string, Record<string, unknown>?]>): Y.XmlText {
  const t = new Y.XmlText();
  let at = 0;
  for (const [s, a] of parts) {
    t.insert(at, s, a ?? {});
    at += s.length;
  }
  return t;
}
function docWith(blocks: () => Y.XmlElement[]): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment(DOCUMENT_FIELD).insert(0, blocks());
  return doc;
}

describe("canonical markdown", () => {
  it("renders headings, paragraphs with marks, lists, one blank line between blocks and a final newline", () => {
    const doc = docWith(() => [
      block("heading", { level: 1, clauseId: "h" }, [text([["Statement of Purpose"]])]),
      block("paragraph", { clauseId: "p1" }, [
        text([["We, the "], ["undersigned", { bold: {} }], [" registries, "], ["agree", { italic: {} }], ["."]]),
      ]),
      block("bulletList", { clauseId: "l1" }, [
        block("listItem", {}, [block("paragraph", {}, [text([["open standards"]])])]),
        block("listItem", {}, [
          block("paragraph", {}, [text([["multistakeholder "], ["governance", { bold: {}, italic: {} }]])]),
        ]),
      ]),
      block("orderedList", { clauseId: "l2", start: 1 }, [
        block("listItem", {}, [block("paragraph", {}, [text([["first"]])])]),
        block("listItem", {}, [block("paragraph", {}, [text([["second   "]])])]),
      ]),
    ]);
    const md = canonicalMarkdown(doc.getXmlFragment(DOCUMENT_FIELD));
    expect(md).toBe(
      "# Statement of Purpose\n\n" +
        "We, the **undersigned** registries, *agree*.\n\n" +
        "- open standards\n- multistakeholder ***governance***\n\n" +
        "1. first\n2. second\n",
    );
    expect(canonicalClauses(doc.getXmlFragment(DOCUMENT_FIELD)).map((c) => c.clauseId)).toEqual([
      "h",
      "p1",
      "l1",
      "l2",
    ]);
  });

  it("normalizes to NFC, escapes Markdown punctuation and block starts, and drops trailing spaces", () => {
    const decomposed = "Re\u0301sume\u0301"; // e + combining acute
    const doc = docWith(() => [
      block("paragraph", {}, [text([[`${decomposed} costs 5*3 `]])]),
      block("paragraph", {}, [text([["# not a heading"]])]),
      block("paragraph", {}, [text([["- not a list"]])]),
    ]);
    const md = canonicalMarkdown(doc.getXmlFragment(DOCUMENT_FIELD));
    expect(md).toBe("R\u00e9sum\u00e9 costs 5\\*3\n\n\\# not a heading\n\n\\- not a list\n");
    expect(md.normalize("NFC")).toBe(md);
  });

  it("hashes the UTF-8 bytes with SHA-256 as sha256sum does", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("é\n")).toBe(sha256Hex("\u00e9\n"));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("skips empty paragraphs and gives an empty document an empty text", () => {
    const doc = docWith(() => [
      block("paragraph", {}, []),
      block("paragraph", {}, [text([["Only"]])]),
      block("paragraph", {}, []),
    ]);
    expect(canonicalMarkdown(doc.getXmlFragment(DOCUMENT_FIELD))).toBe("Only\n");
    expect(canonicalMarkdown(new Y.Doc().getXmlFragment(DOCUMENT_FIELD))).toBe("");
  });
});

describe("list items are clauses", () => {
  const risks = (ids: { list?: string; items: Array<string | undefined> }) =>
    docWith(() => [
      block("paragraph", { clauseId: "p" }, [text([["Risks:"]])]),
      block(
        "orderedList",
        { start: 9, ...(ids.list ? { clauseId: ids.list } : {}) },
        ["fragmentation", "capture by *one* group", "surveillance"].map((words, i) =>
          block("listItem", ids.items[i] ? { clauseId: ids.items[i] } : {}, [
            block("paragraph", {}, [text([[words]])]),
            ...(i === 1
              ? [
                  block("bulletList", {}, [
                    block("listItem", {}, [block("paragraph", {}, [text([["nested detail"]])])]),
                  ]),
                ]
              : []),
          ]),
        ),
      ),
    ]);
  const DOCUMENT =
    "Risks:\n\n9. fragmentation\n10. capture by \\*one\\* group\n    - nested detail\n11. surveillance\n";

  it("a 3-item list gives 3 clauses, each its item's text without the marker; the document text is unchanged", () => {
    const doc = risks({ items: ["r1", "r2", "r3"] });
    const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
    expect(canonicalMarkdown(fragment)).toBe(DOCUMENT);
    const clauses = canonicalClauses(fragment);
    expect(clauses.map((c) => [c.clauseId, c.type, c.markdown])).toEqual([
      ["p", "paragraph", "Risks:"],
      ["r1", "listItem", "fragmentation"],
      ["r2", "listItem", "capture by \\*one\\* group\n    - nested detail"],
      ["r3", "listItem", "surveillance"],
    ]);
    // Each clause is a slice of the document, in order (the text cache's worker sends offsets, not strings).
    let from = 0;
    for (const c of clauses) {
      const at = DOCUMENT.indexOf(c.markdown, from);
      expect(at).toBeGreaterThanOrEqual(from);
      from = at + c.markdown.length;
    }
    expect(clauseElements(fragment).map((c) => [c.clauseId, c.element.nodeName])).toEqual([
      ["p", "paragraph"],
      ["r1", "listItem"],
      ["r2", "listItem"],
      ["r3", "listItem"],
    ]);
  });

  it("a list written before items carried ids stays one clause with the same text and hash", () => {
    const legacy = canonicalClauses(risks({ list: "old-list", items: [] }).getXmlFragment(DOCUMENT_FIELD));
    expect(legacy.map((c) => [c.clauseId, c.type])).toEqual([
      ["p", "paragraph"],
      ["old-list", "orderedList"],
    ]);
    expect(legacy[1].markdown).toBe(DOCUMENT.slice("Risks:\n\n".length, -1));
    // Migrated (the list's id moved to its first item): the document's text and hash do not change.
    const migrated = risks({ items: ["old-list", "n2", "n3"] }).getXmlFragment(DOCUMENT_FIELD);
    expect(sha256Hex(canonicalMarkdown(migrated))).toBe(sha256Hex(DOCUMENT));
    expect(canonicalClauses(migrated)[1]).toEqual({
      clauseId: "old-list",
      type: "listItem",
      markdown: "fragmentation",
    });
  });
});

describe("canonical text of a document nested far deeper than the server allows", () => {
  it("renders without overflowing the stack (a nesting bomb stored before the depth check)", () => {
    const doc = new Y.Doc();
    nestQuotes(doc, 20_000, "BOMB");
    const md = canonicalMarkdown(doc.getXmlFragment(DOCUMENT_FIELD));
    expect(md).toBe(`${"> ".repeat(MAX_RENDER_DEPTH)}BOMB\n`);
  });
});
