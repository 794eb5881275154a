import { describe, expect, it } from "vitest";
import { diffWords, isUnchanged, wordTokens } from "./diff";
import type { DiffPart } from "./diff";

const side = (parts: DiffPart[], keep: "delete" | "insert") =>
  parts
    .filter((p) => p.op === "equal" || p.op === keep)
    .map((p) => p.text)
    .join("");

describe("wordTokens", () => {
  it("splits words, punctuation and white space, and joins back to the input", () => {
    const text = "We, the undersigned — 15 organizations — agree:\n\n**open** standards.";
    expect(wordTokens(text).join("")).toBe(text);
    expect(wordTokens("Hello, world!")).toEqual(["Hello", ",", " ", "world", "!"]);
    expect(wordTokens("Zürich's café")).toEqual(["Zürich's", " ", "café"]);
  });
});

describe("diffWords", () => {
  it("finds a replaced word and keeps the rest equal", () => {
    const d = diffWords("We support open standards.", "We support interoperable standards.");
    expect(d).toEqual([
      { op: "equal", text: "We support " },
      { op: "delete", text: "open" },
      { op: "insert", text: "interoperable" },
      { op: "equal", text: " standards." },
    ]);
  });

  it("reports insertions and deletions at either end", () => {
    expect(diffWords("standards", "open standards")).toEqual([
      { op: "insert", text: "open " },
      { op: "equal", text: "standards" },
    ]);
    expect(diffWords("open standards now", "open standards")).toEqual([
      { op: "equal", text: "open standards" },
      { op: "delete", text: " now" },
    ]);
    expect(diffWords("", "new")).toEqual([{ op: "insert", text: "new" }]);
    expect(diffWords("old", "")).toEqual([{ op: "delete", text: "old" }]);
  });

  it("joins neighbouring changes separated by one space into one change", () => {
    const d = diffWords("a quick brown fox", "a slow red fox");
    expect(d).toEqual([
      { op: "equal", text: "a " },
      { op: "delete", text: "quick brown" },
      { op: "insert", text: "slow red" },
      { op: "equal", text: " fox" },
    ]);
  });

  it("always rebuilds both texts, also for scattered edits", () => {
    const before = "The members agree to publish, review and maintain the registry in the open, every year.";
    const after = "All members agree to review, publish and maintain a registry openly, every second year!";
    const d = diffWords(before, after);
    expect(side(d, "delete")).toBe(before);
    expect(side(d, "insert")).toBe(after);
    expect(isUnchanged(d)).toBe(false);
    // Words both texts share in order stay equal.
    const equalText = d
      .filter((p) => p.op === "equal")
      .map((p) => p.text)
      .join("");
    for (const w of ["members agree to", "and maintain", "every"]) expect(equalText).toContain(w);
  });

  it("says unchanged for equal texts", () => {
    expect(isUnchanged(diffWords("Same text.", "Same text."))).toBe(true);
    expect(diffWords("Same text.", "Same text.")).toEqual([{ op: "equal", text: "Same text." }]);
    expect(diffWords("", "")).toEqual([]);
  });

  it("falls back to one deletion and one insertion for huge rewrites, and still rebuilds both texts", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `a${i}`).join(" ");
    const after = Array.from({ length: 3000 }, (_, i) => `b${i}`).join(" ");
    const d = diffWords(`start ${before} end`, `start ${after} end`);
    expect(side(d, "delete")).toBe(`start ${before} end`);
    expect(side(d, "insert")).toBe(`start ${after} end`);
    expect(d.filter((p) => p.op !== "equal")).toHaveLength(2);
  });
});
