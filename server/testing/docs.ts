/** Tiptap-shaped edits on a Y.Doc, for tests that play a client without a browser. */
import * as Y from "yjs";
import { DOCUMENT_FIELD } from "../../shared/canonical";

/** Appends a paragraph clause with the given text. */
export function appendParagraph(
  doc: Y.Doc,
  content: string,
  clauseId = `c${Math.random().toString(36).slice(2, 10)}`,
): Y.XmlElement {
  const p = new Y.XmlElement("paragraph");
  p.setAttribute("clauseId", clauseId);
  const t = new Y.XmlText();
  t.insert(0, content);
  p.insert(0, [t]);
  const frag = doc.getXmlFragment(DOCUMENT_FIELD);
  frag.insert(frag.length, [p]);
  return p;
}

/** Inserts text into the first text node of the clause at `index`. */
export function typeInto(doc: Y.Doc, index: number, at: number, content: string): void {
  const el = doc.getXmlFragment(DOCUMENT_FIELD).get(index) as Y.XmlElement;
  const t = el.get(0) as Y.XmlText;
  t.insert(at, content);
}

/** Plain text of every clause, for quick equality checks. */
export function plainText(doc: Y.Doc): string {
  return doc
    .getXmlFragment(DOCUMENT_FIELD)
    .toArray()
    .map((el) =>
      el instanceof Y.XmlElement
        ? el
            .toArray()
            .map((t) => (t instanceof Y.XmlText ? t.toString() : ""))
            .join("")
        : "",
    )
    .join("\n");
}

/** Nests `depth` blockquotes in one another with a paragraph of `text` inside, one level at a time. */
export function nestQuotes(doc: Y.Doc, depth: number, text: string): void {
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(DOCUMENT_FIELD);
    for (let i = 0; i < depth; i++) {
      const quote = new Y.XmlElement("blockquote");
      parent.insert(parent.length, [quote]);
      parent = quote;
    }
    const p = new Y.XmlElement("paragraph");
    parent.insert(0, [p]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    t.insert(0, text);
  });
}
