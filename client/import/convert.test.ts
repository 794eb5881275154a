/** Which pasted plain text reads as Markdown, and which file names can be imported. */
import { describe, expect, it } from "vitest";
import { importKindOf, looksLikeMarkdown } from "./convert";
import { normalizeHref } from "../editor/LinkPopover";

describe("Markdown detection for paste", () => {
  it("takes block markers on several lines, a heading, bold or a link as Markdown", () => {
    expect(looksLikeMarkdown("# Purpose")).toBe(true);
    expect(looksLikeMarkdown("Intro\n- one\n- two")).toBe(true);
    expect(looksLikeMarkdown("1. first\n2. second")).toBe(true);
    expect(looksLikeMarkdown("> quoted\nline")).toBe(true);
    expect(looksLikeMarkdown("We **must** act")).toBe(true);
    expect(looksLikeMarkdown("See [the charter](https://example.org/c)")).toBe(true);
  });

  it("leaves ordinary text alone", () => {
    expect(looksLikeMarkdown("Plain words - with a dash # and a hash")).toBe(false);
    expect(looksLikeMarkdown("- a single dash line")).toBe(false);
    expect(looksLikeMarkdown("2. a single numbered line")).toBe(false);
    expect(looksLikeMarkdown("5 * 3 = 15 and a_b_c")).toBe(false);
    expect(looksLikeMarkdown("[not a link](javascript:alert(1))")).toBe(false);
  });
});

describe("import kinds and link addresses", () => {
  it("knows .md, .docx and .html, and nothing else", () => {
    expect(importKindOf({ name: "Draft.MD" })).toBe("md");
    expect(importKindOf({ name: "a.docx" })).toBe("docx");
    expect(importKindOf({ name: "page.htm" })).toBe("html");
    expect(importKindOf({ name: "scan.pdf" })).toBeNull();
    expect(importKindOf({ name: "old.doc" })).toBeNull();
  });

  it("accepts only web and email addresses for links, completing bare ones", () => {
    expect(normalizeHref("example.org/x")).toEqual({ ok: true, href: "https://example.org/x" });
    expect(normalizeHref("chair@example.org")).toEqual({ ok: true, href: "mailto:chair@example.org" });
    expect(normalizeHref("http://example.org")).toEqual({ ok: true, href: "http://example.org" });
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "ftp://example.org", "", "not an address"]) {
      expect(normalizeHref(bad).ok, bad).toBe(false);
    }
  });
});
