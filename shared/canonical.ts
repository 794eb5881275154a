/**
 * Canonical text and hash of a statement.
 *
 * One function turns the Yjs document (the Y.XmlFragment that Tiptap's Collaboration extension edits) into
 * canonical Markdown, on the client and on the server alike, so that anyone can check an exported file with
 * `sha256sum`:
 * - one block per clause (top-level node), one blank line between blocks, a final newline;
 * - headings `#`…`######`, bullet items `- `, ordered items `1. ` (numbered from the list's start),
 *   nested items indented by the width of their parent's marker, blockquotes `> `, code blocks fenced;
 * - marks `**bold**`, `*italic*`, `~~strike~~`, `` `code` ``, links `[text](href)`;
 * - Markdown punctuation in text is backslash-escaped so that text can never read as a mark or a block;
 * - Unicode NFC, `\n` line ends, no trailing spaces.
 *
 * Clauses: every top-level block is a clause, except a list, whose top-level items are each a clause (a
 * coalition's "risks" list is three separate commitments). An item's clause text is its Markdown without its
 * marker (`- `, `2. `), so numbering an item differently never makes a position on it stale. The document text is
 * rendered block by block as before — how clauses are cut never changes a byte of it, so the hash of a locked
 * statement stays what it was.
 *
 * Lists written before items carried ids (the list itself carries the `clauseId`, no item does) stay one clause
 * under the list's id, so positions and threads on them stay valid and their hash unchanged. The editor migrates
 * such a list when a drafter first edits it (client/editor/extensions/clause-id.ts): the list's id moves to its
 * first item and the other items get new ids. A position given on the whole list then shows stale on the first
 * item, with the whole list it approved as its "then" text; threads on it stay on the first item.
 */
import * as Y from "yjs";

/** The name of the Y.XmlFragment that holds the document (Tiptap Collaboration's `field`). */
export const DOCUMENT_FIELD = "default";

/** The attribute that carries a clause's stable id on every top-level block. */
export const CLAUSE_ID_ATTR = "clauseId";

/** One clause of the canonical text. */
export interface CanonicalClause {
  clauseId: string | null;
  /**
   * The clause's node type: a top-level paragraph, heading, blockquote, codeBlock…, a `listItem` of a top-level
   * list, or a whole bulletList/orderedList written before items carried ids.
   */
  type: string;
  markdown: string;
}

/** Node types whose top-level instances hold their clauses in their items. */
export const LIST_NODES: readonly string[] = ["bulletList", "orderedList"];

/** One clause's element in the Yjs document: a top-level block or an item of a top-level list. */
export interface ClauseElement {
  clauseId: string | null;
  element: Y.XmlElement;
  /** The top-level block it is, or is in. */
  top: Y.XmlElement;
}

function idOf(el: Y.XmlElement): string | null {
  const id = el.getAttribute(CLAUSE_ID_ATTR);
  return typeof id === "string" && id !== "" ? id : null;
}

/** Whether a top-level list is still one clause: it carries an id and none of its items does (see the header). */
export function isWholeListClause(list: Y.XmlElement): boolean {
  if (!LIST_NODES.includes(list.nodeName) || idOf(list) === null) return false;
  return !list.toArray().some((item) => item instanceof Y.XmlElement && idOf(item) !== null);
}

/** The clause elements of a document, in document order (see the header for what a clause is). */
export function clauseElements(fragment: Y.XmlFragment): ClauseElement[] {
  const out: ClauseElement[] = [];
  for (const node of fragment.toArray()) {
    if (!(node instanceof Y.XmlElement)) continue;
    if (!LIST_NODES.includes(node.nodeName) || isWholeListClause(node)) {
      out.push({ clauseId: idOf(node), element: node, top: node });
      continue;
    }
    for (const item of node.toArray()) {
      if (item instanceof Y.XmlElement) out.push({ clauseId: idOf(item), element: item, top: node });
    }
  }
  return out;
}

type Delta = { insert: string | object; attributes?: Record<string, unknown> };

const MARK_ORDER = ["link", "bold", "italic", "strike", "code"] as const;
type MarkName = (typeof MARK_ORDER)[number];

function markOpen(mark: MarkName): string {
  switch (mark) {
    case "bold":
      return "**";
    case "italic":
      return "*";
    case "strike":
      return "~~";
    case "code":
      return "`";
    case "link":
      return "[";
  }
}

function markClose(mark: MarkName, attrs: Record<string, unknown>): string {
  if (mark === "link") {
    const href = (attrs.link as { href?: unknown } | undefined)?.href;
    return `](${typeof href === "string" ? href.replace(/[()\s]/g, encodeURIComponent) : ""})`;
  }
  return markOpen(mark);
}

/** Escapes Markdown punctuation so that literal text never reads as a mark. */
export function escapeInline(text: string): string {
  return text.replace(/[\\`*_~[\]]/g, (c) => `\\${c}`);
}

/** Escapes what would otherwise start a different block at the beginning of a line. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)(#{1,6}(?=\s|$)|[-+>](?=\s|$)|\d+[.)](?=\s|$))/, (_m, ws: string, mark: string) => {
    return `${ws}\\${mark}`;
  });
}

function activeMarks(attributes: Record<string, unknown> | undefined): MarkName[] {
  if (!attributes) return [];
  return MARK_ORDER.filter((m) => attributes[m] !== undefined && attributes[m] !== null && attributes[m] !== false);
}

/** Inline content of a textblock (paragraph, heading, list item paragraph) as Markdown. */
function inlineMarkdown(el: Y.XmlElement | Y.XmlText | Y.XmlFragment, code = false, depth = 1): string {
  let out = "";
  const children: Array<Y.XmlElement | Y.XmlText | Y.XmlHook> =
    el instanceof Y.XmlText ? [el] : (el.toArray() as Array<Y.XmlElement | Y.XmlText | Y.XmlHook>);
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      out += code ? deltaPlain(child.toDelta() as Delta[]) : deltaMarkdown(child.toDelta() as Delta[]);
    } else if (child instanceof Y.XmlElement) {
      if (child.nodeName === "hardBreak") out += code ? "\n" : "\\\n";
      else out += depth > MAX_RENDER_DEPTH ? flatText(child) : inlineMarkdown(child, code, depth + 1);
    }
  }
  return out;
}

function deltaPlain(delta: Delta[]): string {
  return delta.map((d) => (typeof d.insert === "string" ? d.insert : "")).join("");
}

function deltaMarkdown(delta: Delta[]): string {
  let out = "";
  let open: MarkName[] = [];
  let openAttrs: Record<string, unknown> = {};
  const closeFrom = (index: number) => {
    for (let i = open.length - 1; i >= index; i--) out += markClose(open[i], openAttrs);
    open = open.slice(0, index);
  };
  for (const op of delta) {
    if (typeof op.insert !== "string") continue;
    const want = activeMarks(op.attributes);
    const sameLink =
      JSON.stringify((op.attributes?.link as object | undefined) ?? null) ===
      JSON.stringify((openAttrs.link as object | undefined) ?? null);
    // Close the first open mark that is no longer wanted (or a link whose target changed) and all inside it.
    const firstStale = open.findIndex((m) => !want.includes(m) || (m === "link" && !sameLink));
    if (firstStale !== -1) closeFrom(firstStale);
    for (const m of want) {
      if (!open.includes(m)) {
        out += markOpen(m);
        open.push(m);
      }
    }
    openAttrs = op.attributes ?? {};
    out += open.includes("code") ? op.insert.replace(/`/g, "\\`") : escapeInline(op.insert);
  }
  closeFrom(0);
  return out;
}

function textblockLines(el: Y.XmlElement): string[] {
  return inlineMarkdown(el).split("\n").map(escapeLineStart);
}

/**
 * Deepest nesting rendered with structure. The server refuses documents deeper than its limit (32 by
 * default), so this only matters for a document stored before that check existed: below this depth its text
 * is rendered flat, without recursion, instead of overflowing the stack.
 */
export const MAX_RENDER_DEPTH = 64;

/** The text of every text node under `el`, in order, gathered without recursion. */
function flatText(el: Y.XmlElement): string {
  let out = "";
  const stack: Array<Y.XmlElement | Y.XmlText | Y.XmlHook> = [el];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof Y.XmlText) out += escapeInline(deltaPlain(node.toDelta() as Delta[]));
    else if (node instanceof Y.XmlElement) {
      const children = node.toArray() as Array<Y.XmlElement | Y.XmlText | Y.XmlHook>;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return out;
}

/** Renders a block as lines (without trailing blank line). */
function blockLines(el: Y.XmlElement, depth = 1): string[] {
  if (depth > MAX_RENDER_DEPTH) return [flatText(el)];
  switch (el.nodeName) {
    case "heading": {
      const level = Math.min(6, Math.max(1, Number(el.getAttribute("level") ?? 1) || 1));
      return [`${"#".repeat(level)} ${inlineMarkdown(el).replace(/\\?\n/g, " ")}`];
    }
    case "paragraph":
      return textblockLines(el);
    case "bulletList":
    case "orderedList":
      return listItemsLines(el, depth).flatMap((item) => item.lines);
    case "blockquote":
      return childBlocksLines(el, depth).map((l) => (l === "" ? ">" : `> ${l}`));
    case "codeBlock": {
      const lang = el.getAttribute("language");
      return ["```" + (typeof lang === "string" ? lang : ""), ...inlineMarkdown(el, true).split("\n"), "```"];
    }
    case "horizontalRule":
      return ["---"];
    default:
      return textblockLines(el);
  }
}

/** Each item of a list with its marker and its lines (the first starting with the marker, the others indented). */
function listItemsLines(
  el: Y.XmlElement,
  depth: number,
): Array<{ item: Y.XmlElement; marker: string; lines: string[] }> {
  const ordered = el.nodeName === "orderedList";
  let n = Number(el.getAttribute("start") ?? 1) || 1;
  const items: Array<{ item: Y.XmlElement; marker: string; lines: string[] }> = [];
  for (const item of el.toArray()) {
    if (!(item instanceof Y.XmlElement)) continue;
    const marker = ordered ? `${n++}. ` : "- ";
    const inner = childBlocksLines(item, depth + 1);
    if (inner.length === 0) inner.push("");
    const lines = inner.map((line, i) =>
      i === 0 ? marker + line : line === "" ? "" : " ".repeat(marker.length) + line,
    );
    items.push({ item, marker, lines });
  }
  return items;
}

/** Lines of the blocks inside a container (list item, blockquote): blocks separated by a blank line. */
function childBlocksLines(el: Y.XmlElement, depth: number): string[] {
  const lines: string[] = [];
  for (const child of el.toArray()) {
    if (!(child instanceof Y.XmlElement)) continue;
    const isList = child.nodeName === "bulletList" || child.nodeName === "orderedList";
    // A nested list follows its item's paragraph directly, as Markdown writes tight lists.
    if (lines.length > 0 && !isList) lines.push("");
    for (const line of blockLines(child, depth + 1)) lines.push(line);
  }
  return lines;
}

function finishBlock(lines: string[]): string {
  return lines
    .map((l) => l.replace(/[ \t]+$/g, ""))
    .join("\n")
    .normalize("NFC");
}

/** The canonical Markdown of a document and its clauses, computed in one walk. */
export function canonicalText(fragment: Y.XmlFragment): { markdown: string; clauses: CanonicalClause[] } {
  const clauses: CanonicalClause[] = [];
  const blocks: string[] = [];
  for (const node of fragment.toArray()) {
    if (!(node instanceof Y.XmlElement)) continue;
    if (!LIST_NODES.includes(node.nodeName) || isWholeListClause(node)) {
      const markdown = finishBlock(blockLines(node));
      blocks.push(markdown);
      clauses.push({ clauseId: idOf(node), type: node.nodeName, markdown });
      continue;
    }
    // The same lines blockLines gives the list, cut per item: the document text stays byte for byte the same.
    const items = listItemsLines(node, 1);
    blocks.push(finishBlock(items.flatMap((i) => i.lines)));
    for (const { item, marker, lines } of items) {
      // Without its marker; the other lines keep their indentation, so the clause is a slice of the document.
      const markdown = finishBlock([lines[0].slice(marker.length), ...lines.slice(1)]);
      clauses.push({ clauseId: idOf(item), type: item.nodeName, markdown });
    }
  }
  return { markdown: joinClauses(blocks.map((markdown) => ({ markdown }))), clauses };
}

/** The clauses of a document, each with its canonical Markdown. */
export function canonicalClauses(fragment: Y.XmlFragment): CanonicalClause[] {
  return canonicalText(fragment).clauses;
}

/** Joins clause texts into the canonical document: one blank line between blocks, one final newline. */
export function joinClauses(clauses: ReadonlyArray<{ markdown: string }>): string {
  const blocks = clauses.map((c) => c.markdown).filter((m) => m.trim() !== "");
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}

/** Canonical Markdown of a whole document fragment. */
export function canonicalMarkdown(fragment: Y.XmlFragment): string {
  return canonicalText(fragment).markdown;
}

/** Canonical Markdown of a Y.Doc (its Tiptap field). */
export function canonicalMarkdownOfDoc(doc: Y.Doc): string {
  return canonicalMarkdown(doc.getXmlFragment(DOCUMENT_FIELD));
}

/** SHA-256, hex, of the UTF-8 bytes of a text: what `sha256sum` prints for the exported file. */
export { sha256Hex } from "./sha256";
