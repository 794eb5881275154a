/**
 * The worker thread of server/text-cache.ts: decodes a stored document (snapshot and log, as
 * `docFromStored` does) and computes its sign-off text (canonical Markdown, per-clause hashes, document
 * hash) off the event loop. One job at a time; each message is `{ job, snapshot, updates }`, each answer
 * `{ job, text }` or `{ job, error }`.
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
    parentPort!.postMessage({ job: m.job, text: signoffTextWith(doc, nativeSha256Hex) });
  } catch (err) {
    parentPort!.postMessage({ job: m.job, error: err instanceof Error ? err.message : String(err) });
  } finally {
    doc.destroy();
  }
});
