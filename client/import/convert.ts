/**
 * Turns what people bring — a Markdown, Word or HTML file, or Markdown pasted as plain text — into HTML the
 * editor's schema reads, and says what could not come along. The parsers (marked, mammoth) are loaded on first
 * use, so neither is part of the pages that never import anything.
 *
 * The HTML is only ever parsed into an inert document (DOMParser runs no script and loads no image) and then
 * read by the editor's own schema, which keeps what it knows (headings, paragraphs, lists, quotes, code, bold,
 * italic, strike, links) and nothing else. Before that, the parts the schema would silently lose are handled
 * here and reported: images and embedded media are dropped, tables become one paragraph per row, and links
 * other than http(s)/mailto keep their text only. The result goes into the editor like typing does, through
 * Yjs, so the server validates it as any other edit.
 */

/** What an import or a paste produced: HTML for the editor, and sentences about what was changed or dropped. */
export interface Converted {
  html: string;
  notices: string[];
  /** Characters of text, to refuse what the server would refuse as too large. */
  textLength: number;
}

/** The kinds of file that can be imported. */
export const ImportKinds = {
  md: { label: "Markdown", maxBytes: 1_000_000 },
  html: { label: "HTML", maxBytes: 2_000_000 },
  docx: { label: "Word", maxBytes: 10_000_000 },
} as const;
export type ImportKind = keyof typeof ImportKinds;

/**
 * Most text an import may bring: one Yjs update carries all of it, and the server closes a socket whose frame
 * passes `MAX_FRAME_BYTES` (1 MiB by default); 200 000 characters of text stay well below that with their markup.
 */
export const MAX_IMPORT_CHARS = 200_000;

/** The input accept list. */
export const IMPORT_ACCEPT = ".md,.markdown,.txt,.docx,.html,.htm,text/markdown,text/html";

/** Why a file cannot be imported, in words for the person who chose it. */
export class ImportRefusal extends Error {}

/** The kind of a file from its name (and type), or null. */
export function importKindOf(file: { name: string; type?: string }): ImportKind | null {
  const name = file.name.toLowerCase();
  if (/\.(md|markdown|txt)$/.test(name)) return "md";
  if (/\.docx$/.test(name)) return "docx";
  if (/\.html?$/.test(name)) return "html";
  if (file.type === "text/markdown") return "md";
  if (file.type === "text/html") return "html";
  return null;
}

let marked: typeof import("marked") | null = null;
let loading: Promise<typeof import("marked")> | null = null;

/** Starts loading marked (the paste extension calls this once an editor is focused, so a paste need not wait). */
export function preloadMarkdown(): Promise<typeof import("marked")> {
  loading ??= import("marked").then((m) => (marked = m));
  return loading;
}

/** Markdown → HTML, synchronously, once marked is loaded (null before). GitHub-flavoured. */
export function markdownToHtmlNow(markdown: string): string | null {
  if (!marked) return null;
  return marked.marked.parse(markdown, { async: false, gfm: true, breaks: false }) as string;
}

/** Markdown → HTML (raw HTML in it goes through the same cleaning as an HTML file). */
export async function markdownToHtml(markdown: string): Promise<string> {
  await preloadMarkdown();
  return markdownToHtmlNow(markdown) as string;
}

const MEDIA = "img, picture, video, audio, iframe, object, embed, canvas, svg, math";
const DROPPED = "script, style, template, noscript, link, meta, head, title, form, input, button, select, textarea";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Cleans HTML for the editor (see the module comment) and lists what was dropped or converted. */
export function prepareHtml(html: string): Converted {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const body = doc.body;
  const notices: string[] = [];

  body.querySelectorAll(DROPPED).forEach((el) => el.remove());
  const media = body.querySelectorAll(MEDIA);
  if (media.length > 0) {
    const images = body.querySelectorAll("img, picture, svg").length;
    notices.push(
      images === media.length
        ? `${plural(images, "image was", "images were")} dropped: a statement holds text only.`
        : `${plural(media.length, "image or embedded item was", "images and embedded items were")} dropped: a statement holds text only.`,
    );
    media.forEach((el) => el.remove());
    // A paragraph that held only an image would stay behind as an empty line.
    body.querySelectorAll("p").forEach((p) => {
      if ((p.textContent ?? "").trim() === "" && !p.querySelector(":not(br)")) p.remove();
    });
  }

  const tables = [...body.querySelectorAll("table")].filter((t) => !t.parentElement?.closest("table"));
  for (const table of tables) {
    // One paragraph per row, cells separated by " | ": the words stay, the grid does not.
    const rows = [...table.querySelectorAll("tr")].map((tr) =>
      [...tr.querySelectorAll("th, td")].map((cell) => (cell.textContent ?? "").replace(/\s+/g, " ").trim()),
    );
    const replacement = doc.createDocumentFragment();
    for (const cells of rows) {
      if (cells.every((c) => c === "")) continue;
      const p = doc.createElement("p");
      p.textContent = cells.join(" | ");
      replacement.append(p);
    }
    table.replaceWith(replacement);
  }
  if (tables.length > 0) {
    notices.push(`${plural(tables.length, "table was", "tables were")} turned into text, one paragraph per row.`);
  }

  let unsafeLinks = 0;
  body.querySelectorAll("a").forEach((a) => {
    const href = (a.getAttribute("href") ?? "").trim();
    if (/^(https?:|mailto:)/i.test(href)) {
      // Only the address: no target, rel, class or title comes along from elsewhere.
      for (const attr of [...a.attributes]) if (attr.name !== "href") a.removeAttribute(attr.name);
      return;
    }
    if (href !== "" && !href.startsWith("#")) unsafeLinks++;
    a.replaceWith(...a.childNodes);
  });
  if (unsafeLinks > 0) {
    notices.push(
      `${plural(unsafeLinks, "link was", "links were")} kept as plain text: only web and email addresses can be links.`,
    );
  }
  // Markdown parsers end a code block's text with a newline that is not part of the code.
  body.querySelectorAll("pre").forEach((pre) => {
    const walker = doc.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    let last: Text | null = null;
    while (walker.nextNode()) last = walker.currentNode as Text;
    if (last?.data.endsWith("\n")) last.data = last.data.slice(0, -1);
  });
  // Headings deeper than the editor's are kept as bold paragraphs rather than lost.
  body.querySelectorAll("h4, h5, h6").forEach((h) => {
    const p = doc.createElement("p");
    const strong = doc.createElement("strong");
    strong.append(...h.childNodes);
    p.append(strong);
    h.replaceWith(p);
  });
  // Attributes such as data-clause-id from another statement must not come along (ids are ours to give).
  body.querySelectorAll("*").forEach((el) => {
    for (const attr of [...el.attributes]) {
      if (!(el.tagName === "A" && attr.name === "href") && !(el.tagName === "OL" && attr.name === "start")) {
        el.removeAttribute(attr.name);
      }
    }
  });
  return { html: body.innerHTML, notices, textLength: (body.textContent ?? "").length };
}

/** Markdown text → editor HTML. */
export async function convertMarkdown(markdown: string): Promise<Converted> {
  return prepareHtml(await markdownToHtml(markdown));
}

interface MammothMessage {
  type: string;
  message: string;
}
interface Mammoth {
  convertToHtml(
    input: { arrayBuffer: ArrayBuffer },
    options?: { convertImage?: unknown; ignoreEmptyParagraphs?: boolean },
  ): Promise<{ value: string; messages: MammothMessage[] }>;
}

/** A Word file → editor HTML. */
export async function convertDocx(data: ArrayBuffer): Promise<Converted> {
  const mod = (await import("mammoth")) as unknown as Mammoth & { default?: Mammoth };
  const mammoth = mod.default ?? mod;
  let result: { value: string; messages: MammothMessage[] };
  try {
    result = await mammoth.convertToHtml({ arrayBuffer: data }, { ignoreEmptyParagraphs: true });
  } catch {
    throw new ImportRefusal("This Word file could not be read. It may be damaged, or not a .docx file.");
  }
  return prepareHtml(result.value);
}

/** Reads and converts a chosen file, or throws an {@link ImportRefusal} saying why not. */
export async function convertFile(file: File): Promise<Converted> {
  const kind = importKindOf(file);
  if (!kind) throw new ImportRefusal(`“${file.name}” cannot be imported: choose a .md, .docx or .html file.`);
  const { maxBytes, label } = ImportKinds[kind];
  if (file.size > maxBytes) {
    throw new ImportRefusal(
      `“${file.name}” is ${(file.size / 1_000_000).toFixed(1)} MB; a ${label} file can be at most ${maxBytes / 1_000_000} MB.`,
    );
  }
  if (file.size === 0) throw new ImportRefusal(`“${file.name}” is empty.`);
  let converted: Converted;
  if (kind === "docx") {
    converted = await convertDocx(await file.arrayBuffer());
  } else {
    const text = await file.text();
    if (text.includes("\u0000")) {
      throw new ImportRefusal(`“${file.name}” is not a text file.`);
    }
    converted = kind === "md" ? await convertMarkdown(text) : prepareHtml(text);
  }
  if (converted.textLength === 0) throw new ImportRefusal(`“${file.name}” has no text to import.`);
  if (converted.textLength > MAX_IMPORT_CHARS) {
    throw new ImportRefusal(
      `“${file.name}” has ${converted.textLength.toLocaleString("en")} characters of text; an import can bring at most ${MAX_IMPORT_CHARS.toLocaleString("en")}.`,
    );
  }
  return converted;
}

/** Whether pasted plain text reads as Markdown (block markers, or bold/links), rather than ordinary prose. */
export function looksLikeMarkdown(text: string): boolean {
  const lines = text.split(/\r?\n/);
  const block = lines.filter((l) => /^\s{0,3}(#{1,6}\s+\S|[-*+]\s+\S|\d{1,9}[.)]\s+\S|>\s?|```)/.test(l)).length;
  if (block > 0 && (lines.length > 1 || /^#{1,6}\s/.test(text))) return true;
  return /\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\]\n]+\]\((https?:|mailto:)[^)\s]+\)/.test(text);
}
