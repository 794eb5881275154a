/**
 * The `.docx` export, built on the server from the canonical Markdown (the exact text the hash covers), read
 * with marked's lexer: headings, paragraphs with hard breaks, bullet and numbered lists (nested, numbered from
 * their start), blockquotes (indented), code, rules, and bold, italic, strike, code and links (http(s) and
 * mailto only). A header repeats the title, a footer counts pages, and the last page gives the version's date,
 * its SHA-256 and the signatories.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  TextRun,
} from "docx";
import type { ILevelsOptions, INumberingOptions, IParagraphOptions, ParagraphChild } from "docx";
import { Lexer } from "marked";
import type { Token, Tokens } from "marked";
import { safeHref } from "../publication/markdown";
import { formatDate } from "../publication/page";
import type { ExportDocument } from "./document";

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  code?: boolean;
}

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

/** Word's deepest list level is 9. */
const MAX_LIST_LEVEL = 8;

function run(text: string, style: RunStyle): TextRun {
  return new TextRun({
    text,
    bold: style.bold,
    italics: style.italics,
    strike: style.strike,
    ...(style.code ? { font: "Consolas" } : {}),
  });
}

/** Inline tokens as runs (links as hyperlinks). */
function inlineRuns(tokens: readonly Token[] | undefined, style: RunStyle = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "strong":
        out.push(...inlineRuns((t as Tokens.Strong).tokens, { ...style, bold: true }));
        break;
      case "em":
        out.push(...inlineRuns((t as Tokens.Em).tokens, { ...style, italics: true }));
        break;
      case "del":
        out.push(...inlineRuns((t as Tokens.Del).tokens, { ...style, strike: true }));
        break;
      case "codespan":
        out.push(run((t as Tokens.Codespan).text, { ...style, code: true }));
        break;
      case "br":
        out.push(new TextRun({ break: 1 }));
        break;
      case "link": {
        const link = t as Tokens.Link;
        const href = safeHref(link.href);
        const children = inlineRuns(link.tokens, style);
        if (href) out.push(new ExternalHyperlink({ link: href, children: children as TextRun[] }));
        else out.push(...children);
        break;
      }
      case "text": {
        const text = t as Tokens.Text;
        if (text.tokens && text.tokens.length > 0) out.push(...inlineRuns(text.tokens, style));
        else out.push(run(text.text, style));
        break;
      }
      default:
        // escape, html and anything else the canonical text can hold is literal text.
        if ("text" in t && typeof t.text === "string") out.push(run(t.text, style));
    }
  }
  return out;
}

/**
 * Turns block tokens into paragraph options (built into Paragraphs at the end, so that a list can still add
 * its marker or indent to the paragraphs of an item), and one numbering definition per numbered list.
 */
class DocxWriter {
  readonly paragraphs: IParagraphOptions[] = [];
  readonly numbering: Array<INumberingOptions["config"][number]> = [];

  blocks(tokens: readonly Token[], ctx: { quote: number; listLevel: number }): void {
    for (const t of tokens) this.block(t, ctx);
  }

  private push(options: IParagraphOptions, quote: number): void {
    this.paragraphs.push({
      ...options,
      ...(quote > 0
        ? {
            indent: { left: 720 * quote },
            border: { left: { style: BorderStyle.SINGLE, size: 12, color: "999999", space: 8 } },
          }
        : {}),
    });
  }

  private block(t: Token, ctx: { quote: number; listLevel: number }): void {
    switch (t.type) {
      case "heading": {
        const h = t as Tokens.Heading;
        this.push(
          { heading: HEADINGS[Math.min(6, Math.max(1, h.depth)) - 1], children: inlineRuns(h.tokens) },
          ctx.quote,
        );
        break;
      }
      case "paragraph":
        this.push({ children: inlineRuns((t as Tokens.Paragraph).tokens) }, ctx.quote);
        break;
      case "text":
        // A tight list item's text.
        this.push({ children: inlineRuns((t as Tokens.Text).tokens ?? [t]) }, ctx.quote);
        break;
      case "blockquote":
        this.blocks((t as Tokens.Blockquote).tokens, { ...ctx, quote: ctx.quote + 1 });
        break;
      case "code":
        for (const line of (t as Tokens.Code).text.split("\n")) {
          this.push({ children: [run(line, { code: true })] }, ctx.quote);
        }
        break;
      case "hr":
        this.push(
          { children: [], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "999999", space: 1 } } },
          0,
        );
        break;
      case "list":
        this.list(t as Tokens.List, ctx);
        break;
      default:
        break;
    }
  }

  private list(list: Tokens.List, ctx: { quote: number; listLevel: number }): void {
    const level = Math.min(MAX_LIST_LEVEL, ctx.listLevel);
    let reference: string | null = null;
    if (list.ordered) {
      // One numbering per list, so each list counts from its own start.
      reference = `ordered-${this.numbering.length}`;
      const start = typeof list.start === "number" ? list.start : 1;
      const levels: ILevelsOptions[] = Array.from({ length: MAX_LIST_LEVEL + 1 }, (_, i) => ({
        level: i,
        format: LevelFormat.DECIMAL,
        text: `%${i + 1}.`,
        start: i === level ? start : 1,
        alignment: AlignmentType.START,
        style: { paragraph: { indent: { left: 720 * (i + 1), hanging: 360 } } },
      }));
      this.numbering.push({ reference, levels });
    }
    for (const item of list.items) {
      let first = true;
      for (const child of item.tokens) {
        if (child.type === "list") {
          this.list(child as Tokens.List, { ...ctx, listLevel: ctx.listLevel + 1 });
          continue;
        }
        if (child.type === "space") continue;
        const before = this.paragraphs.length;
        this.block(child, ctx);
        // The item's first paragraph carries the marker; the following ones are indented under it.
        for (let i = before; i < this.paragraphs.length; i++) {
          const p = this.paragraphs[i];
          this.paragraphs[i] = first
            ? { ...p, ...(reference ? { numbering: { reference, level } } : { bullet: { level } }) }
            : { ...p, indent: { left: 720 * (level + 1) } };
          first = false;
        }
      }
    }
  }
}

/** The `.docx` file of a statement. */
export async function renderDocx(doc: ExportDocument): Promise<Buffer> {
  const writer = new DocxWriter();
  writer.blocks(Lexer.lex(doc.markdown), { quote: 0, listLevel: 0 });
  const date = formatDate(doc.versionAt);
  const state = doc.phase === "final" ? `Final version of ${date}` : `Draft as of ${date}`;
  const lastPage: Paragraph[] = [
    new Paragraph({ children: [new PageBreak()] }),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(doc.title)] }),
    new Paragraph({ children: [new TextRun(`${state}.`)] }),
    new Paragraph({
      children: [new TextRun("SHA-256 of the canonical text (the exported Markdown file, checked with sha256sum):")],
    }),
    new Paragraph({ children: [new TextRun({ text: doc.hash, font: "Consolas" })] }),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun("Signatories")] }),
    ...(doc.signatories.length === 0
      ? [new Paragraph({ children: [new TextRun("No organization has signed this text yet.")] })]
      : doc.signatories.map(
          (s, i) =>
            new Paragraph({
              children: [
                new TextRun({ text: `${i + 1}. ${s.name}`, bold: true }),
                new TextRun(` — signed by ${s.signedBy} on ${formatDate(s.signedAt)}`),
              ],
            }),
        )),
  ];
  const document = new Document({
    title: doc.title,
    creator: "Concord",
    numbering: { config: writer.numbering },
    sections: [
      {
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ text: doc.title, size: 18 })],
              }),
            ],
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [
                  new TextRun({ text: `${state} · Page `, size: 16 }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 16 }),
                  new TextRun({ text: " of ", size: 16 }),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16 }),
                ],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(doc.title)] }),
          ...writer.paragraphs.map((options) => new Paragraph(options)),
          ...lastPage,
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
