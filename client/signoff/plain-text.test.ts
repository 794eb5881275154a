import { describe, expect, it } from "vitest";
import { clauseExcerpt, clausePlainText } from "./plain-text";

describe("clause excerpts in plain text", () => {
  it("drops block markers, marks and link targets", () => {
    expect(clausePlainText("# A technical **community** view")).toBe("A technical community view");
    expect(clausePlainText("- We *support* [open standards](https://example.org/x)")).toBe("We support open standards");
    expect(clausePlainText("12. Keep ~~old~~ `code`")).toBe("Keep old code");
    expect(clausePlainText("> quoted\n>\n> - nested item")).toBe("quoted nested item");
    expect(clausePlainText("```js\nlet x = 1;\n```")).toBe("let x = 1;");
  });

  it("keeps escaped punctuation as the character it stands for", () => {
    expect(clausePlainText("\\# not a heading, 2 \\* 3 \\[x\\] a\\_b")).toBe("# not a heading, 2 * 3 [x] a_b");
    expect(clausePlainText("line one\\\nline two")).toBe("line one line two");
  });

  it("cuts long clauses with an ellipsis", () => {
    expect(clauseExcerpt("# " + "word ".repeat(40), 20)).toBe("word word word word…");
    expect(clauseExcerpt("Short.", 20)).toBe("Short.");
  });
});
