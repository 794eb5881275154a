import { describe, expect, it } from "vitest";
import { mentionQueryAt, mentionToken, parseMentions, tokenizeCommentBody } from "./mentions";

describe("comment bodies", () => {
  it("parses mentions, in order and once each", () => {
    const body = `Hi ${mentionToken("Ana Ruiz", "u1")} and ${mentionToken("Bo [x]", "u2")}, see ${mentionToken("Ana", "u1")}`;
    expect(parseMentions(body)).toEqual(["u1", "u2"]);
    expect(parseMentions("mail me at a@b.org @[x](notuser:1)")).toEqual([]);
  });

  it("tokenizes text, links and member mentions, never markup", () => {
    const members = new Map([["u1", "Ana Ruiz (now)"]]);
    const body = `See https://example.org/a?b=1, ask ${mentionToken("Ana", "u1")} or ${mentionToken("Zed", "u9")} <b>x</b>`;
    expect(tokenizeCommentBody(body, members)).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", href: "https://example.org/a?b=1", text: "https://example.org/a?b=1" },
      { kind: "text", text: ", ask " },
      { kind: "mention", userId: "u1", name: "Ana Ruiz (now)" },
      { kind: "text", text: ` or ${mentionToken("Zed", "u9")} <b>x</b>` },
    ]);
    expect(tokenizeCommentBody("javascript:alert(1) and ftp://x")).toEqual([
      { kind: "text", text: "javascript:alert(1) and ftp://x" },
    ]);
  });

  it("finds the mention being typed", () => {
    expect(mentionQueryAt("Ask @an", 7)).toEqual({ query: "an", start: 4 });
    expect(mentionQueryAt("@", 1)).toEqual({ query: "", start: 0 });
    expect(mentionQueryAt("mail a@b", 8)).toBeNull();
    expect(mentionQueryAt("Ask @an now", 11)).toBeNull();
  });
});
