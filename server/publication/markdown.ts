/**
 * Canonical Markdown → HTML, for exactly the subset `shared/canonical.ts` writes and nothing more: headings,
 * paragraphs (with `\` hard breaks), bullet and ordered lists (nested by the parent marker's width),
 * blockquotes, fenced code, `---`, and inline `**bold**`, `*italic*`, `~~strike~~`, `` `code` `` and
 * `[text](href)`. Backslash escapes are read as the literal character.
 *
 * Safety: every character of the input reaches the output through `escapeHtml` — there is no path for raw
 * HTML — and a link keeps its `href` only for `http:`, `https:` and `mailto:` (anything else, `javascript:`
 * included, is shown as its text). It never throws: input it does not understand is shown as text.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The href to use for a link target, or null when it is not an http(s) or mailto URL. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(h)) return null;
  try {
    const url = new URL(h);
    if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "mailto:") return null;
  } catch {
    return null;
  }
  return h;
}

const LIST_ITEM = /^(- |\d{1,9}\. )/;

/** Renders a canonical Markdown document as HTML. */
export function renderMarkdown(markdown: string): string {
  return renderBlocks(markdown.replace(/\r\n?/g, "\n").split("\n"), 0);
}

const MAX_DEPTH = 64;

function renderBlocks(lines: string[], depth: number): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    if (depth > MAX_DEPTH) {
      out.push(`<p>${escapeHtml(lines.slice(i).join("\n"))}</p>`);
      break;
    }
    if (line.startsWith("```")) {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== "```") body.push(lines[i++]);
      i++;
      const lang = line.slice(3).trim();
      const cls = /^[\w+-]{1,32}$/.test(lang) ? ` class="language-${lang}"` : "";
      out.push(`<pre><code${cls}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const n = heading[1].length;
      out.push(`<h${n}>${renderInline(heading[2])}</h${n}>`);
      i++;
      continue;
    }
    if (line === "---") {
      out.push("<hr>");
      i++;
      continue;
    }
    if (line === ">" || line.startsWith("> ")) {
      const inner: string[] = [];
      while (i < lines.length && (lines[i] === ">" || lines[i].startsWith("> "))) inner.push(lines[i++].slice(2));
      out.push(`<blockquote>${renderBlocks(inner, depth + 1)}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const ordered = line[0] !== "-";
      const items: string[][] = [];
      const start = ordered ? Number(/^\d+/.exec(line)![0]) : 1;
      while (i < lines.length) {
        const m = LIST_ITEM.exec(lines[i]);
        // A list goes on while its lines are items of the same kind or indented continuations of one.
        if (!m || (m[1] === "- ") === ordered) break;
        const width = m[1].length;
        const item = [lines[i].slice(width)];
        i++;
        while (i < lines.length) {
          const l = lines[i];
          if (l.startsWith(" ".repeat(width))) item.push(l.slice(width));
          else if (l === "" && i + 1 < lines.length && lines[i + 1].startsWith(" ".repeat(width))) item.push("");
          else break;
          i++;
        }
        items.push(item);
      }
      const tag = ordered ? "ol" : "ul";
      const startAttr = ordered && start !== 1 ? ` start="${start}"` : "";
      out.push(`<${tag}${startAttr}>${items.map((it) => `<li>${renderItem(it, depth + 1)}</li>`).join("")}</${tag}>`);
      continue;
    }
    // A paragraph: up to a blank line, or a nested list that follows an item's paragraph directly.
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && (para.length === 0 || !LIST_ITEM.test(lines[i])))
      para.push(lines[i++]);
    out.push(`<p>${renderParagraph(para)}</p>`);
  }
  return out.join("\n");
}

/** A list item: a lone paragraph (and nested lists) without `<p>`, as a tight list reads. */
function renderItem(lines: string[], depth: number): string {
  const html = renderBlocks(lines, depth);
  const m = /^<p>([\s\S]*?)<\/p>(\n(<ul|<ol)[\s\S]*)?$/.exec(html);
  if (m && !m[1].includes("<p>")) return m[1] + (m[2] ?? "");
  return html;
}

function renderParagraph(lines: string[]): string {
  return lines
    .map((l, k) => {
      // A backslash ending a line (not itself escaped) is a hard break.
      const hard = k < lines.length - 1 && /(^|[^\\])(\\\\)*\\$/.test(l);
      return hard ? `${renderInline(l.slice(0, -1))}<br>` : renderInline(l);
    })
    .join("\n");
}

type Frame = { tag: "strong" | "em" | "del" | "a" | "root"; out: string };

/** Inline Markdown → HTML; marks nest as the canonical writer nests them, unclosed ones are closed at the end. */
export function renderInline(text: string): string {
  const stack: Frame[] = [{ tag: "root", out: "" }];
  const top = () => stack[stack.length - 1];
  const emit = (s: string) => (top().out += s);
  const open = (tag: Frame["tag"]) => stack.push({ tag, out: "" });
  // A link frame closed by its `](href)` becomes a link (or its text, for an unsafe href); one left open
  // gives its `[` back.
  const wrap = (f: Frame, link?: { href: string | null }): string => {
    if (f.tag === "a") {
      if (!link) return `[${f.out}`;
      return link.href ? `<a href="${escapeHtml(link.href)}" rel="nofollow noopener noreferrer">${f.out}</a>` : f.out;
    }
    return `<${f.tag}>${f.out}</${f.tag}>`;
  };
  const close = (tag: Frame["tag"], link?: { href: string | null }) => {
    // Close frames down to `tag` (inner ones first), then `tag` itself.
    while (stack.length > 1) {
      const f = stack.pop()!;
      top().out += wrap(f, f.tag === tag ? link : undefined);
      if (f.tag === tag) return;
    }
  };
  const isOpen = (tag: Frame["tag"]) => stack.some((f) => f.tag === tag);

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1])) {
      emit(escapeHtml(text[i + 1]));
      i += 2;
      continue;
    }
    if (c === "`") {
      let j = i + 1;
      let code = "";
      while (j < text.length && text[j] !== "`") {
        if (text[j] === "\\" && text[j + 1] === "`") {
          code += "`";
          j += 2;
        } else code += text[j++];
      }
      if (j >= text.length) {
        emit(escapeHtml(text.slice(i)));
        break;
      }
      emit(`<code>${escapeHtml(code)}</code>`);
      i = j + 1;
      continue;
    }
    if (c === "*") {
      const t = top().tag;
      if (t === "em") {
        close("em");
        i += 1;
      } else if (text.startsWith("**", i) && (t === "strong" || !isOpen("strong"))) {
        if (t === "strong") close("strong");
        else open("strong");
        i += 2;
      } else if (!isOpen("em")) {
        open("em");
        i += 1;
      } else {
        close("em");
        i += 1;
      }
      continue;
    }
    if (text.startsWith("~~", i)) {
      if (isOpen("del")) close("del");
      else open("del");
      i += 2;
      continue;
    }
    if (c === "[") {
      open("a");
      i += 1;
      continue;
    }
    if (c === "]" && text[i + 1] === "(" && isOpen("a")) {
      const end = linkTargetEnd(text, i + 2);
      if (end !== -1) {
        close("a", { href: safeHref(text.slice(i + 2, end)) });
        i = end + 1;
        continue;
      }
    }
    emit(escapeHtml(c));
    i += 1;
  }
  while (stack.length > 1) close(top().tag);
  return stack[0].out;
}

/**
 * Where a link target starting at `from` ends (the index of its closing parenthesis), or -1. The canonical
 * writer percent-encodes white space but leaves parentheses as they are, so they are matched in pairs.
 */
function linkTargetEnd(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const ch = text[j];
    if (/\s/.test(ch)) return -1;
    if (ch === "(") depth++;
    else if (ch === ")") {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}
