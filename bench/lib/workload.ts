/**
 * Documents the bench builds: typing-like text made of many small inserts, and numbered markers. Both are
 * shaped like the editor's documents (paragraphs in the `default` XML fragment), since Concord refuses any
 * update outside its schema; the reference servers get exactly the same content.
 */
import * as Y from "yjs";
import { DOCUMENT_FIELD } from "../../shared/canonical";

/** The text node of the document's first paragraph (created on first use). */
export function benchText(doc: Y.Doc): Y.XmlText {
  const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
  const first = fragment.get(0);
  if (first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText) return first.get(0) as Y.XmlText;
  const p = new Y.XmlElement("paragraph");
  const t = new Y.XmlText();
  p.insert(0, [t]);
  fragment.insert(0, [p]);
  return t;
}

/** Appends marker `n`: a paragraph whose clause id is `m<n>` (read back by {@link markersIn}). */
export function pushMarker(doc: Y.Doc, n: number): void {
  const p = new Y.XmlElement("paragraph");
  p.setAttribute("clauseId", `m${n}`);
  const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
  fragment.insert(fragment.length, [p]);
}

/** The marker numbers among inserted nodes (a `Y.YXmlEvent`'s delta inserts). */
export function markersIn(inserted: unknown[]): number[] {
  const out: number[] = [];
  for (const node of inserted) {
    const id = node instanceof Y.XmlElement ? node.getAttribute("clauseId") : undefined;
    if (typeof id === "string" && id.startsWith("m")) out.push(Number(id.slice(1)));
  }
  return out;
}

/** How many markers a document holds. */
export function markerCount(doc: Y.Doc): number {
  return markersIn(doc.getXmlFragment(DOCUMENT_FIELD).toArray()).length;
}

export interface BuiltDoc {
  /** The document's updates in order, one per `insertsPerUpdate` inserts. */
  updates: Uint8Array[];
  /** The whole state as one update. */
  state: Uint8Array;
  /** Length of the text (to check a join received everything). */
  textLength: number;
  inserts: number;
}

/**
 * `inserts` small inserts (1–8 characters) into one paragraph's text, typed at a cursor that jumps to a random
 * place 5% of the time — 100,000 of them make ~530 KB. Deterministic (seeded).
 */
export function buildTypedDoc(inserts: number, insertsPerUpdate = 1000, seed = 1): BuiltDoc {
  const doc = new Y.Doc();
  doc.clientID = 4242 + seed;
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const text = benchText(doc);
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = "abcdefghijklmnopqrstuvwxyz ";
  let cursor = 0;
  for (let i = 0; i < inserts; i += insertsPerUpdate) {
    doc.transact(() => {
      for (let j = 0; j < insertsPerUpdate && i + j < inserts; j++) {
        if (rnd() < 0.05) cursor = Math.floor(rnd() * (text.length + 1));
        const n = 1 + Math.floor(rnd() * 8);
        let str = "";
        for (let k = 0; k < n; k++) str += alphabet[Math.floor(rnd() * alphabet.length)];
        text.insert(cursor, str);
        cursor += n;
      }
    });
  }
  const built = { updates, state: Y.encodeStateAsUpdate(doc), textLength: text.length, inserts };
  doc.destroy();
  return built;
}
