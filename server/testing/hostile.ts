/**
 * Hostile Yjs updates and awareness payloads, as a crafted client would send them: used by the server's
 * attack tests and by the fuzz script (`npm run fuzz`). Each builder starts from the honest document the
 * attacker has synced (`base`), so that what it sends is exactly one defect away from an acceptable update.
 */
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { appendParagraph, nestQuotes } from "./docs";

/** A copy of `base` whose own client id is `clientId` (a fresh random one by default). */
export function forkDoc(base: Y.Doc, clientId?: number): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  // Set after the sync: Yjs gives a document a new id when a remote update carries its own.
  if (clientId !== undefined) doc.clientID = clientId;
  return doc;
}

/** What `edit` adds to a fork of `base` (written under `clientId` when given). */
export function updateFrom(base: Y.Doc, edit: (doc: Y.Doc) => void, clientId?: number): Uint8Array {
  const doc = forkDoc(base, clientId);
  const before = Y.encodeStateVector(doc);
  edit(doc);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

/** An honest-looking new paragraph whose last bytes (the delete set) are cut: structs decode, the rest fails. */
export function partlyBroken(base: Y.Doc, text = "PARTLY-BROKEN"): Uint8Array {
  const update = updateFrom(base, (d) => appendParagraph(d, text));
  return update.slice(0, update.byteLength - 1);
}

/**
 * Structs that start beyond the document's clock for their client: Yjs would keep them pending (uncounted
 * against the size limit) until the missing clocks arrive, which they never do.
 */
export function futureClocks(base: Y.Doc, text = "FUTURE", skip = 1): Uint8Array {
  const doc = forkDoc(base);
  appendParagraph(doc, "x".repeat(skip)); // the clocks the server never gets
  const sent = Y.encodeStateVector(doc);
  appendParagraph(doc, text);
  const update = Y.encodeStateAsUpdate(doc, sent);
  doc.destroy();
  return update;
}

/** A paragraph written under someone else's client id (contiguous with what the server has of it). */
export function foreignClient(base: Y.Doc, victimClientId: number, text = "FORGED"): Uint8Array {
  return updateFrom(base, (d) => appendParagraph(d, text), victimClientId);
}

/** A delete set naming `len` clocks of `client` from `clock`, with no structs: a delete of unknown content. */
export function deleteRange(client: number, clock: number, len: number): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0); // no struct sections
  encoding.writeVarUint(enc, 1); // one client in the delete set
  encoding.writeVarUint(enc, client);
  encoding.writeVarUint(enc, 1); // one range
  encoding.writeVarUint(enc, clock);
  encoding.writeVarUint(enc, len);
  return encoding.toUint8Array(enc);
}

/** `depth` blockquotes nested in one another (built one level at a time: no recursion on our side either). */
export function nestingBomb(base: Y.Doc, depth: number): Uint8Array {
  return updateFrom(base, (d) => nestQuotes(d, depth, "BOMB"));
}

/** Edits that decode and are contiguous but leave the editor's schema. */
export const schemaViolations: Record<string, (base: Y.Doc) => Uint8Array> = {
  "an unknown element": (base) =>
    updateFrom(base, (d) => {
      const el = new Y.XmlElement("script");
      d.getXmlFragment(DOCUMENT_FIELD).push([el]);
    }),
  "text at the top level": (base) =>
    updateFrom(base, (d) => {
      const t = new Y.XmlText();
      d.getXmlFragment(DOCUMENT_FIELD).push([t]);
      t.insert(0, "LOOSE TEXT");
    }),
  "a list item at the top level": (base) =>
    updateFrom(base, (d) => {
      d.getXmlFragment(DOCUMENT_FIELD).push([new Y.XmlElement("listItem")]);
    }),
  "another root type": (base) =>
    updateFrom(base, (d) => {
      d.getMap("evil").set("payload", "x".repeat(1000));
    }),
  "an unknown attribute": (base) =>
    updateFrom(base, (d) => {
      const p = appendParagraph(d, "ATTR");
      p.setAttribute("onclick", "alert(1)");
    }),
  "an oversized clause id": (base) =>
    updateFrom(base, (d) => {
      appendParagraph(d, "BIGID", "c".repeat(10_000));
    }),
  "an unknown mark": (base) =>
    updateFrom(base, (d) => {
      const p = appendParagraph(d, "MARKED");
      (p.get(0) as Y.XmlText).format(0, 3, { script: { src: "x" } });
    }),
  "a map inside a paragraph": (base) =>
    updateFrom(base, (d) => {
      const p = appendParagraph(d, "MAPPED");
      p.insert(0, [new Y.XmlHook("hook") as unknown as Y.XmlElement]);
    }),
  "an embed in text": (base) =>
    updateFrom(base, (d) => {
      const p = appendParagraph(d, "EMBED");
      (p.get(0) as Y.XmlText).insertEmbed(0, { image: "x" });
    }),
};

/** An awareness update (y-protocols wire format) with one raw JSON state. */
export function awarenessUpdate(clientId: number, clock: number, stateJson: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 1);
  encoding.writeVarUint(enc, clientId);
  encoding.writeVarUint(enc, clock);
  encoding.writeVarString(enc, stateJson);
  return encoding.toUint8Array(enc);
}

/** A JSON text nested `depth` levels deep. */
export function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}
