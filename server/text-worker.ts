/**
 * The worker thread of server/text-cache.ts: decodes a stored document (snapshot and log, as
 * `docFromStored` does) and computes its sign-off text (canonical Markdown, per-clause hashes, document
 * hash) off the event loop. One job at a time; each message is `{ job, snapshot, updates }`, each answer
 * `{ job, markdown, hash, clauses }` (clauses as JSON `[clauseId, type, start, end, hash]` into the markdown) or
 * `{ job, error }`.
 */
import { parentPort } from "node:worker_threads";
import { createHash } from "node:crypto";
import * as Y from "yjs";
import { signoffTextWith } from "../shared/signoff";

/** SHA-256 hex of a text's UTF-8 bytes with node's native hash (the same hex as shared/canonical.ts `sha256Hex`). */
const nativeSha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

parentPort?.on("message", (m: { job: number; snapshot: Uint8Array | null; updates: Uint8Array[] }) => {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      if (m.snapshot) Y.applyUpdate(doc, m.snapshot);
      for (const u of m.updates) Y.applyUpdate(doc, u);
    });
    const text = signoffTextWith(doc, nativeSha256Hex);
    // The clauses as offsets into the markdown (one JSON string), not as objects: receiving thousands of
    // objects and strings costs the main thread far more (≈ 100 ms for a 1 MB document) than slicing them.
    let from = 0;
    const clauses = text.clauses.map((c) => {
      const start = text.markdown.indexOf(c.markdown, from);
      from = start + c.markdown.length;
      return [c.clauseId, c.type, start, from, c.hash];
    });
    parentPort!.postMessage({ job: m.job, markdown: text.markdown, hash: text.hash, clauses: JSON.stringify(clauses) });
  } catch (err) {
    parentPort!.postMessage({ job: m.job, error: err instanceof Error ? err.message : String(err) });
  } finally {
    doc.destroy();
  }
});
