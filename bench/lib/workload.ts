/** Documents the bench builds: typing-like text made of many small inserts. */
import * as Y from "yjs";

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
 * `inserts` small inserts (1–8 characters) into the Y.Text `bench`, typed at a cursor that jumps to a random
 * place 5% of the time — 100,000 of them make ~530 KB. Deterministic (seeded).
 */
export function buildTypedDoc(inserts: number, insertsPerUpdate = 1000, seed = 1): BuiltDoc {
  const doc = new Y.Doc();
  doc.clientID = 4242 + seed;
  const text = doc.getText("bench");
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
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
