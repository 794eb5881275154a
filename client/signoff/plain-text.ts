/**
 * A clause's canonical Markdown (shared/canonical.ts) read as plain text, for labels and excerpts: block
 * markers (`# `, `- `, `1. `, `> `, code fences), marks (`**`, `*`, `~~`, `` ` ``) and link targets go, escaped
 * punctuation (`\#`, `\*`) stays as the character it stands for, whitespace collapses to single spaces.
 */

const BLOCK_MARKERS = /^\s*(?:(?:#{1,6}|>|[-+]|\d+[.)])(?:\s+|$))+/;

/** Inline Markdown without its marks; `\x` is the character x. */
function inlinePlain(line: string): string {
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length) {
      out += line[++i];
    } else if (c === "]" && line[i + 1] === "(") {
      // The end of a link's text: its target is not read.
      const close = line.indexOf(")", i + 2);
      if (close < 0) out += c;
      else i = close;
    } else if (c !== "*" && c !== "~" && c !== "`" && c !== "[" && c !== "\\") {
      out += c;
    }
  }
  return out;
}

/** The clause as plain text on one line. */
export function clausePlainText(markdown: string): string {
  return markdown
    .split("\n")
    .filter((line) => !/^\s*```/.test(line) && line.trim() !== "---")
    .map((line) => inlinePlain(line.replace(BLOCK_MARKERS, "")))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The first `max` characters of a clause's plain text, with an ellipsis when cut. */
export function clauseExcerpt(markdown: string, max = 90): string {
  const flat = clausePlainText(markdown);
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
