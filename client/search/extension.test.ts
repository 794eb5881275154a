/** The search's matching on a real document of the editor's schema: case and accents folded, per block. */
import { describe, expect, it } from "vitest";
import { getSchema } from "@tiptap/core";
import { statementStarterKit } from "../editor/extensions/starter-kit";
import { findMatches, fold } from "./extension";

const schema = getSchema([statementStarterKit]);
const p = (...content: Parameters<typeof schema.text>[0][]) =>
  schema.node(
    "paragraph",
    null,
    content.map((t) => schema.text(t)),
  );

describe("statement search matching", () => {
  it("folds case and accents without changing offsets", () => {
    expect(fold("Élan ÇA")).toBe("elan ca");
    expect(fold("Straße")).toHaveLength("Straße".length);
  });

  it("finds every match in document order, across marks, and never across blocks", () => {
    const bold = schema.marks.bold.create();
    const doc = schema.node("doc", null, [
      p("Multistakeholder governance"),
      schema.node("paragraph", null, [schema.text("multi"), schema.text("stakeholder", [bold]), schema.text(" model")]),
      schema.node("bulletList", null, [schema.node("listItem", null, [p("a résumé of multi")])]),
      p("stakeholder"),
    ]);
    const matches = findMatches(doc, "multistakeholder");
    expect(matches.map((m) => doc.textBetween(m.from, m.to))).toEqual(["Multistakeholder", "multistakeholder"]);
    // The second one spans a bold and a plain text node.
    expect(matches[1].to - matches[1].from).toBe("multistakeholder".length);
    expect(findMatches(doc, "resume").map((m) => doc.textBetween(m.from, m.to))).toEqual(["résumé"]);
    expect(findMatches(doc, "   ")).toEqual([]);
    expect(findMatches(doc, "absent")).toEqual([]);
  });
});
