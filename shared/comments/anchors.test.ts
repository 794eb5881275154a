import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD } from "../canonical";
import {
  anchorForClauseRange,
  clauseText,
  decodePosition,
  encodePosition,
  findClause,
  resolvePlacement,
  validateAnchor,
} from "./anchors";

function paragraph(clauseId: string, ...parts: Array<string | { bold: string } | "<br>">): Y.XmlElement {
  const p = new Y.XmlElement("paragraph");
  p.setAttribute(CLAUSE_ID_ATTR, clauseId);
  const children: Array<Y.XmlText | Y.XmlElement> = [];
  let text: Y.XmlText | null = null;
  // A text not yet in a document reports length 0, so its length is counted here.
  let length = 0;
  for (const part of parts) {
    if (part === "<br>") {
      children.push(new Y.XmlElement("hardBreak"));
      text = null;
      continue;
    }
    if (!text) {
      text = new Y.XmlText();
      children.push(text);
      length = 0;
    }
    const s = typeof part === "string" ? part : part.bold;
    text.insert(length, s, typeof part === "string" ? {} : { bold: true });
    length += s.length;
  }
  p.insert(0, children);
  return p;
}

function docWith(...clauses: Y.XmlElement[]): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment(DOCUMENT_FIELD).insert(0, clauses);
  return doc;
}

/** A second replica of `doc`, and a way to exchange every update both ways (a sync round). */
function replica(doc: Y.Doc): { other: Y.Doc; sync: () => void } {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  return {
    other,
    sync: () => {
      const a = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other));
      const b = Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc));
      Y.applyUpdate(other, a);
      Y.applyUpdate(doc, b);
    },
  };
}

function firstText(doc: Y.Doc, clauseId: string): Y.XmlText {
  return findClause(doc, clauseId)!.element.get(0) as Y.XmlText;
}

const SENTENCE = "We commit to an open, interoperable and secure Internet.";

describe("anchors on a Y.Doc", () => {
  it("keeps a range on the same words through concurrent inserts before, at the edges of, and inside it", () => {
    const a = docWith(paragraph("c1", "Preamble."), paragraph("c2", SENTENCE));
    const start = SENTENCE.indexOf("open");
    const end = SENTENCE.indexOf(" and");
    const anchor = anchorForClauseRange(a, "c2", start, end);
    expect(anchor.quote).toBe("open, interoperable");
    const { other: b, sync } = replica(a);

    // Concurrently: A types at the start of the clause and right before the first quoted word;
    // B types inside the range and right after its last word; someone adds a clause above.
    firstText(a, "c2").insert(0, "Together, ");
    firstText(a, "c2").insert("Together, ".length + start, "fully ");
    firstText(b, "c2").insert(end, " still");
    firstText(b, "c2").insert(SENTENCE.indexOf(", interoperable") + 1, " truly");
    b.getXmlFragment(DOCUMENT_FIELD).insert(0, [paragraph("c0", "Title")]);
    sync();

    for (const doc of [a, b]) {
      const text = clauseText(findClause(doc, "c2")!.element).text;
      expect(text).toBe("Together, We commit to an fully open, truly interoperable still and secure Internet.");
      const placed = resolvePlacement(doc, { clauseId: "c2", anchor });
      expect(placed).toMatchObject({
        kind: "range",
        clauseIndex: 2,
        text: "open, truly interoperable",
        quote: "edited",
      });
    }
  });

  it("an untouched range reads as intact, across marks and a hard break", () => {
    const doc = docWith(paragraph("c1", "Access is ", { bold: "universal" }, " and", "<br>", "affordable for all."));
    const ct = clauseText(findClause(doc, "c1")!.element);
    expect(ct.text).toBe("Access is universal and\naffordable for all.");
    const start = ct.text.indexOf("universal");
    const end = ct.text.indexOf(" for");
    const anchor = anchorForClauseRange(doc, "c1", start, end);
    expect(anchor.quote).toBe("universal and\naffordable");
    // A change elsewhere in the clause moves nothing.
    (findClause(doc, "c1")!.element.get(2) as Y.XmlText).insert("affordable for all".length, ", everywhere");
    expect(resolvePlacement(doc, { clauseId: "c1", anchor })).toMatchObject({
      kind: "range",
      text: "universal and\naffordable",
      quote: "intact",
    });
  });

  it("when the quoted words are deleted the thread stays on its clause with the quote marked removed", () => {
    const doc = docWith(paragraph("c1", SENTENCE));
    const start = SENTENCE.indexOf("interoperable");
    const anchor = anchorForClauseRange(doc, "c1", start, start + "interoperable".length);
    const { other, sync } = replica(doc);
    // Deleted on another replica, together with a word before it.
    firstText(other, "c1").delete(start - 5, "open, interoperable".length);
    sync();
    const placed = resolvePlacement(doc, { clauseId: "c1", anchor });
    expect(placed).toMatchObject({ kind: "range", clauseIndex: 0, quote: "removed", text: "" });
    // Partly deleted: still there, but edited.
    const anchor2 = anchorForClauseRange(doc, "c1", 0, "We commit".length);
    firstText(doc, "c1").delete(0, 3);
    expect(resolvePlacement(doc, { clauseId: "c1", anchor: anchor2 })).toMatchObject({
      quote: "edited",
      text: "commit",
    });
  });

  it("when the whole clause is deleted the thread is on removed text, with or without a range", () => {
    const doc = docWith(paragraph("c1", "Keep me."), paragraph("c2", SENTENCE));
    const anchor = anchorForClauseRange(doc, "c2", 3, 9);
    expect(resolvePlacement(doc, { clauseId: "c2", anchor: null })).toEqual({ kind: "clause", clauseIndex: 1 });
    const { other, sync } = replica(doc);
    other.getXmlFragment(DOCUMENT_FIELD).delete(1, 1);
    sync();
    expect(resolvePlacement(doc, { clauseId: "c2", anchor })).toEqual({ kind: "removed" });
    expect(resolvePlacement(doc, { clauseId: "c2", anchor: null })).toEqual({ kind: "removed" });
    expect(resolvePlacement(doc, { clauseId: "c1", anchor: null })).toEqual({ kind: "clause", clauseIndex: 0 });
  });

  it("a clause emptied and retyped keeps its threads, with the old quote removed", () => {
    const doc = docWith(paragraph("c1", SENTENCE));
    const anchor = anchorForClauseRange(doc, "c1", 0, 9);
    const el = findClause(doc, "c1")!.element;
    doc.transact(() => {
      el.delete(0, el.length);
      const t = new Y.XmlText();
      t.insert(0, "We commit to something else.");
      el.insert(0, [t]);
    });
    expect(resolvePlacement(doc, { clauseId: "c1", anchor })).toMatchObject({ kind: "range", quote: "removed" });
  });

  it("validates new anchors: the range must lie in the named clause, in order, as real positions", () => {
    const doc = docWith(paragraph("c1", "First clause."), paragraph("c2", "Second clause."));
    const good = anchorForClauseRange(doc, "c1", 0, 5);
    expect(validateAnchor(doc, "c1", good)).toMatchObject({ ok: true });
    expect(validateAnchor(doc, "c2", good)).toMatchObject({ ok: false, reason: expect.stringMatching(/not inside/) });
    expect(validateAnchor(doc, "nope", good)).toMatchObject({ ok: false, reason: expect.stringMatching(/clause/) });
    expect(validateAnchor(doc, "c1", { ...good, from: good.to, to: good.from })).toMatchObject({ ok: false });
    expect(validateAnchor(doc, "c1", { ...good, from: "AAAA" })).toMatchObject({ ok: false });
    // Positions from a document this one has never seen.
    const stranger = docWith(paragraph("c1", "First clause."));
    expect(validateAnchor(doc, "c1", anchorForClauseRange(stranger, "c1", 0, 5))).toMatchObject({ ok: false });
  });

  it("re-bases a client's left-associated start so that text typed right before the range stays outside", () => {
    const doc = docWith(paragraph("c1", "alpha beta gamma"));
    const t = firstText(doc, "c1");
    // What y-tiptap's absolutePositionToRelativePosition produces: both ends associated to the left.
    const clientAnchor = {
      from: encodePosition(Y.createRelativePositionFromTypeIndex(t, 6, -1)),
      to: encodePosition(Y.createRelativePositionFromTypeIndex(t, 10, -1)),
      quote: "beta",
    };
    const checked = validateAnchor(doc, "c1", clientAnchor);
    if (!checked.ok) throw new Error(checked.reason);
    t.insert(6, "new ");
    expect(resolvePlacement(doc, { clauseId: "c1", anchor: checked.anchor })).toMatchObject({
      text: "beta",
      quote: "intact",
    });
    // Without the re-basing, the insert would have been swallowed by the range.
    expect(resolvePlacement(doc, { clauseId: "c1", anchor: clientAnchor })).toMatchObject({ text: "new beta" });
    expect(decodePosition("!!")).toBeNull();
  });

  it("maps ranges inside nested blocks of a list clause", () => {
    const list = new Y.XmlElement("bulletList");
    list.setAttribute(CLAUSE_ID_ATTR, "l1");
    const items = ["first item", "second item"].map((s) => {
      const li = new Y.XmlElement("listItem");
      const p = new Y.XmlElement("paragraph");
      const t = new Y.XmlText();
      t.insert(0, s);
      p.insert(0, [t]);
      li.insert(0, [p]);
      return li;
    });
    list.insert(0, items);
    const doc = docWith(list);
    const ct = clauseText(findClause(doc, "l1")!.element);
    expect(ct.text).toBe("first item\nsecond item");
    const anchor = anchorForClauseRange(doc, "l1", ct.text.indexOf("item"), ct.text.indexOf(" item", 6));
    expect(anchor.quote).toBe("item\nsecond");
    expect(resolvePlacement(doc, { clauseId: "l1", anchor })).toMatchObject({ kind: "range", quote: "intact" });
  });
});
