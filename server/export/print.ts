/**
 * The print-ready HTML export: one self-contained page that the browser's "Save as PDF" turns into the
 * statement's PDF. `@page` rules put the title in every page's header and "page N of M" in its footer; the
 * last page holds the version's date, its SHA-256 and the signatories.
 *
 * Safety: every value reaches the page through `escapeHtml` (or `cssString` inside the stylesheet), and the
 * text through the canonical Markdown renderer, which has no path for raw HTML and keeps only http(s) and
 * mailto links. The page has no script (the CSP would refuse an inline one anyway).
 */
import { escapeHtml, renderMarkdown } from "../publication/markdown";
import { formatDate } from "../publication/page";
import type { ExportDocument } from "./document";

const e = escapeHtml;

/**
 * A CSS string literal of `text`: every character outside a safe set is a CSS hex escape, so a title can end
 * neither the string nor the `<style>` element (`<` is escaped too).
 */
export function cssString(text: string): string {
  const body = [...text.replace(/[\r\n]+/g, " ")]
    .map((ch) => (/[\w .,;:!?()'&/+=-]/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `))
    .join("");
  return `"${body}"`;
}

/** The print page's HTML. */
export function renderPrintHtml(doc: ExportDocument): string {
  const date = formatDate(doc.versionAt);
  const state = doc.phase === "final" ? `Final version of ${date}` : `Draft as of ${date}`;
  const signatories =
    doc.signatories.length === 0
      ? `<p class="none">${doc.phase === "final" ? "No organization signed this version." : "No organization has signed this text yet."}</p>`
      : `<ol class="signatories">${doc.signatories
          .map(
            (s) =>
              `<li><span class="org">${e(s.name)}</span> <span class="by">signed by ${e(s.signedBy)} on ${e(formatDate(s.signedAt))}</span></li>`,
          )
          .join("")}</ol>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)}</title>
<style>
@page {
  size: A4;
  margin: 22mm 20mm 22mm 20mm;
  @top-center { content: ${cssString(doc.title)}; font: 9pt Georgia, serif; color: #555; }
  @bottom-left { content: ${cssString(state)}; font: 8pt Georgia, serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt Georgia, serif; color: #555; }
}
:root { color: #111; background: #fff; }
body { font: 11.5pt/1.5 Georgia, "Times New Roman", serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1.title { font-size: 20pt; margin: 0 0 0.3rem; }
.state { color: #444; margin: 0 0 1.6rem; }
.text h1 { font-size: 16pt; } .text h2 { font-size: 14pt; } .text h3 { font-size: 12.5pt; }
.text h1, .text h2, .text h3 { break-after: avoid; }
.text p, .text li { orphans: 3; widows: 3; }
.text blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid #999; color: #333; }
.text a { color: inherit; }
.last-page { break-before: page; }
.last-page h2 { font-size: 14pt; }
.hash { font: 9.5pt/1.4 ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.signatories { padding-left: 1.4rem; } .signatories li { margin: 0.2rem 0; }
.org { font-weight: bold; } .by { color: #444; }
.screen-hint { font: 10pt system-ui, sans-serif; background: #eef3fb; border: 1px solid #b8c9e6; padding: 0.6rem 0.8rem; border-radius: 6px; }
@media screen { .last-page { border-top: 1px solid #bbb; margin-top: 2.5rem; padding-top: 0.5rem; } }
@media print { .screen-hint { display: none; } body { margin: 0; max-width: none; padding: 0; } }
</style>
</head>
<body>
<p class="screen-hint">To make a PDF, print this page (Ctrl+P, or ⌘P on a Mac) and choose “Save as PDF”.</p>
<header>
<h1 class="title">${e(doc.title)}</h1>
<p class="state">${e(state)}</p>
</header>
<main class="text">
${renderMarkdown(doc.markdown)}
</main>
<section class="last-page" aria-labelledby="verification">
<h2 id="verification">${e(doc.title)}</h2>
<p>${e(state)}.</p>
<p>SHA-256 of the canonical text (the exported Markdown file, checked with <code>sha256sum</code>):</p>
<p class="hash" data-hash>${e(doc.hash)}</p>
<h2>Signatories</h2>
${signatories}
</section>
</body>
</html>
`;
}
