import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { renderInline, renderMarkdown, safeHref } from "./markdown";
import { canonicalMarkdownOfDoc, DOCUMENT_FIELD } from "../../shared/canonical";

/** A document of one paragraph whose text carries the given marks, written by the real canonical writer. */
function canonicalOf(parts: Array<[string, Record<string, unknown>?]>): string {
  const doc = new Y.Doc();
  const p = new Y.XmlElement("paragraph");
  const t = new Y.XmlText();
  p.insert(0, [t]);
  doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [p]);
  let at = 0;
  for (const [text, attrs] of parts) {
    t.insert(at, text, attrs ?? {});
    at += text.length;
  }
  return canonicalMarkdownOfDoc(doc);
}

describe("renderMarkdown (the canonical subset)", () => {
  it("renders headings, paragraphs, hard breaks, lists, nested lists, blockquotes, code and rules", () => {
    const md = [
      "# Statement of Purpose",
      "",
      "We **support** *multistakeholder* ~~nothing~~ `code` governance.\\",
      "Second line.",
      "",
      "- one",
      "- two",
      "  - nested",
      "",
      "3. three",
      "4. four",
      "",
      "> quoted",
      ">",
      "> more",
      "",
      "```ts",
      "const a = 1 < 2;",
      "```",
      "",
      "---",
      "",
    ].join("\n");
    const html = renderMarkdown(md);
    expect(html).toContain("<h1>Statement of Purpose</h1>");
    expect(html).toContain(
      "<p>We <strong>support</strong> <em>multistakeholder</em> <del>nothing</del> <code>code</code> governance.<br>\nSecond line.</p>",
    );
    expect(html).toContain("<ul><li>one</li><li>two\n<ul><li>nested</li></ul></li></ul>");
    expect(html).toContain('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(html).toContain("<blockquote><p>quoted</p>\n<p>more</p></blockquote>");
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &#60; 2;</code></pre>');
    expect(html).toContain("<hr>");
  });

  it("reads backslash escapes as text, so that escaped marks never become marks", () => {
    expect(renderInline("\\*not italic\\* and \\# \\[x\\]")).toBe("*not italic* and # [x]");
    expect(renderMarkdown("\\# not a heading\n")).toBe("<p># not a heading</p>");
    expect(renderMarkdown("\\- not a list\n")).toBe("<p>- not a list</p>");
  });

  it("renders what the canonical writer writes for nested marks and links", () => {
    const md = canonicalOf([
      ["bold ", { bold: true }],
      ["both", { bold: true, italic: true }],
      [" and ", {}],
      ["a link", { link: { href: "https://example.org/a b(c)" } }],
      [" with *stars*", {}],
    ]);
    const html = renderMarkdown(md);
    expect(html).toBe(
      '<p><strong>bold <em>both</em></strong> and <a href="https://example.org/a%20b(c)" rel="nofollow noopener noreferrer">a link</a> with *stars*</p>',
    );
  });

  it("escapes every HTML character and keeps only http(s) and mailto links", () => {
    const md = canonicalOf([
      ["<script>alert(1)</script> & \"'", {}],
      ["click", { link: { href: "javascript:alert(1)" } }],
      [" ", {}],
      ["data", { link: { href: "data:text/html,<script>alert(1)</script>" } }],
      [" ", {}],
      ["mail", { link: { href: "mailto:a@example.org" } }],
    ]);
    const html = renderMarkdown(md);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;&#39;");
    expect(html).toContain("click");
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('href="data');
    expect(html).toContain('<a href="mailto:a@example.org"');
    expect(safeHref("JAVASCRIPT:alert(1)")).toBeNull();
    expect(safeHref(" https://ok.example ")).toBe("https://ok.example");
    expect(safeHref("//evil.example")).toBeNull();
  });

  it("never throws and closes what is left open", () => {
    expect(renderInline("**open *and `tick")).toBe("<strong>open <em>and `tick</em></strong>");
    expect(renderMarkdown("```\nno end")).toBe("<pre><code>no end</code></pre>");
    expect(renderMarkdown("[x](y")).toContain("[x](y");
  });
});
