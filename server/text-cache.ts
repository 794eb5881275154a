/**
 * The text of a statement as everything derived from it needs it — canonical Markdown, per-clause hashes and
 * the document hash (`shared/signoff.ts` `signoffText`) — computed once per document state and reused by the
 * export, sign-off (matrix, positions, signatures) and every other reader, until the next accepted update.
 *
 * - **Key**: the statement's document sequence number (`RoomRegistry.documentSeq`: a loaded room's pending batch is
 *   committed first, as `withDocument` does, and nothing is decoded). Every accepted update raises it, so an
 *   entry is never served for a state it was not computed from. The text is computed from what storage holds,
 *   which after that wait is at least the keyed state (a newer one is fine: it is what the caller would have
 *   read a moment later).
 * - **Off the event loop**: a document above `inlineBytes` stored bytes is decoded and rendered in a worker
 *   thread (server/text-worker.ts), so one export of a 5 MB document (≈ 0.5 s of decoding, walking and
 *   hashing) never blocks relays or other requests; smaller ones are computed inline, where a worker's
 *   round trip would cost more than the work. Hashes use node's native SHA-256 (the same hex as the
 *   client's).
 * - **Bounded**: least recently used entries are dropped beyond `maxEntries` documents or `maxChars` of
 *   Markdown; concurrent requests for one state share one computation.
 *
 * The worker runs the TypeScript sources through tsx (a dependency of every way this server is started from a
 * checkout); where it cannot start, the text is computed inline and the cache still spares repeats.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { DocumentStore, StoredDocument } from "./storage/documents";
import { docFromStored } from "./storage/documents";
import { signoffTextWith } from "../shared/signoff";
import type { SignoffClause } from "../shared/signoff";

/** A statement's text at one document state. */
export interface DocumentText {
  /** The document sequence number this text was computed at. */
  seq: number;
  markdown: string;
  /** SHA-256 hex of `markdown`. */
  hash: string;
  /** The clauses that can carry positions (see `signoffText`). */
  clauses: SignoffClause[];
}

/** What the cache needs from the rooms: the current state's sequence number. */
export interface DocumentSeqSource {
  documentSeq(statementId: string): Promise<number>;
}

/** Tuning; the defaults suit the server. */
export interface TextCacheOptions {
  /** Stored documents larger than this are computed in the worker thread. */
  inlineBytes: number;
  maxEntries: number;
  /** Markdown characters kept across all entries. */
  maxChars: number;
  /** Use the worker at all (tests of the inline path turn it off). */
  worker: boolean;
}

const DEFAULTS: TextCacheOptions = { inlineBytes: 256 * 1024, maxEntries: 64, maxChars: 24_000_000, worker: true };

/** SHA-256 hex with node's native hash: the same hex as shared/canonical.ts `sha256Hex`, ten times faster. */
export const nativeSha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Counters, for tests and the benchmark. */
export interface TextCacheStats {
  hits: number;
  /** Computations, inline or in the worker. */
  computed: number;
  inWorker: number;
}

/** Caches each statement's text for its current document state. */
export class TextCache {
  private readonly entries = new Map<string, DocumentText>();
  private chars = 0;
  private readonly pending = new Map<string, { seq: number; promise: Promise<DocumentText> }>();
  private readonly options: TextCacheOptions;
  private worker: TextWorker | null | undefined;
  readonly stats: TextCacheStats = { hits: 0, computed: 0, inWorker: 0 };

  constructor(
    private readonly rooms: DocumentSeqSource,
    private readonly store: Pick<DocumentStore, "load">,
    options: Partial<TextCacheOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The statement's current text (cached for its document state). */
  async get(statementId: string): Promise<DocumentText> {
    const seq = await this.rooms.documentSeq(statementId);
    const hit = this.entries.get(statementId);
    if (hit && hit.seq >= seq) {
      this.stats.hits++;
      // Most recently used last.
      this.entries.delete(statementId);
      this.entries.set(statementId, hit);
      return hit;
    }
    const running = this.pending.get(statementId);
    if (running && running.seq >= seq) return running.promise;
    const promise = this.compute(statementId, seq).finally(() => {
      if (this.pending.get(statementId)?.promise === promise) this.pending.delete(statementId);
    });
    this.pending.set(statementId, { seq, promise });
    return promise;
  }

  /** The cached text if it is there, whatever its state (for tests). */
  peek(statementId: string): DocumentText | undefined {
    return this.entries.get(statementId);
  }

  private async compute(statementId: string, seq: number): Promise<DocumentText> {
    const stored = await this.store.load(statementId);
    // Storage is at least at `seq` (the room committed first); key by what was read.
    const at = Math.max(seq, stored.lastUpdateId);
    const worker = stored.bytes > this.options.inlineBytes ? this.workerOrNull() : null;
    const computed = (worker && (await worker.run(stored))) || inline(stored);
    this.stats.computed++;
    if (worker && !worker.failedLast) this.stats.inWorker++;
    const text: DocumentText = { seq: at, ...computed };
    this.remember(statementId, text);
    return text;
  }

  private remember(statementId: string, text: DocumentText): void {
    const old = this.entries.get(statementId);
    if (old && old.seq > text.seq) return;
    if (old) this.chars -= old.markdown.length;
    this.entries.delete(statementId);
    this.entries.set(statementId, text);
    this.chars += text.markdown.length;
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.chars <= this.options.maxChars) break;
      if (id === statementId) continue;
      this.entries.delete(id);
      this.chars -= e.markdown.length;
    }
  }

  private workerOrNull(): TextWorker | null {
    if (this.worker === undefined) this.worker = this.options.worker ? TextWorker.start() : null;
    return this.worker;
  }

  /** Stops the worker (it is unref'd, so this is for tests and shutdown). */
  async close(): Promise<void> {
    await this.worker?.stop();
    this.worker = undefined;
  }
}

function inline(stored: StoredDocument): Omit<DocumentText, "seq"> {
  const doc = docFromStored(stored);
  try {
    return signoffTextWith(doc, nativeSha256Hex);
  } finally {
    doc.destroy();
  }
}

/** The worker thread, one job at a time in order; unref'd while idle. */
class TextWorker {
  private next = 1;
  private readonly jobs = new Map<
    number,
    { resolve: (t: Omit<DocumentText, "seq">) => void; reject: (e: Error) => void }
  >();
  private failed = false;
  private warned = false;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on("message", (m: { job: number; markdown?: string; hash?: string; clauses?: string; error?: string }) => {
      const job = this.jobs.get(m.job);
      if (!job) return;
      this.jobs.delete(m.job);
      if (this.jobs.size === 0) worker.unref();
      if (m.markdown === undefined || m.hash === undefined || m.clauses === undefined)
        return job.reject(new Error(`text worker: ${m.error}`));
      const markdown = m.markdown;
      const clauses = (JSON.parse(m.clauses) as Array<[string, string, number, number, string]>).map(
        ([clauseId, type, start, end, hash], index) => ({
          clauseId,
          index,
          type,
          markdown: markdown.slice(start, end),
          hash,
        }),
      );
      job.resolve({ markdown, hash: m.hash, clauses });
    });
    const fail = (err: unknown) => {
      this.failed = true;
      for (const j of this.jobs.values()) j.reject(err instanceof Error ? err : new Error(String(err)));
      this.jobs.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`text worker exited (${code})`)));
  }

  /** Starts the worker, or null where its sources or tsx are not at hand (then texts are computed inline). */
  static start(): TextWorker | null {
    try {
      const here = path.dirname(fileURLToPath(import.meta.url));
      // From the sources (server/) or from the bundle (dist/server/ → server/).
      const script = [path.join(here, "text-worker.ts"), path.join(here, "../../server/text-worker.ts")].find((f) =>
        fs.existsSync(f),
      );
      if (!script) return null;
      // tsx's ESM API registered inside the worker, then the worker module (an `--import` flag in a worker's
      // execArgv does not reach its entry module on Node 20).
      const api = createRequire(import.meta.url)
        .resolve("tsx/esm/api")
        .replace(/\.cjs$/, ".mjs");
      const boot = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(script).href)}); });`;
      return new TextWorker(new Worker(boot, { eval: true }));
    } catch {
      return null;
    }
  }

  /** Whether the last job fell back to computing inline. */
  failedLast = false;

  /** The text computed in the worker; null when it cannot run (the caller computes inline). */
  async run(stored: StoredDocument): Promise<Omit<DocumentText, "seq"> | null> {
    this.failedLast = true;
    if (this.failed) return null;
    const job = this.next++;
    const result = new Promise<Omit<DocumentText, "seq">>((resolve, reject) => this.jobs.set(job, { resolve, reject }));
    this.worker.ref();
    this.worker.postMessage({ job, snapshot: stored.snapshot, updates: stored.updates });
    try {
      const text = await result;
      this.failedLast = false;
      return text;
    } catch (err) {
      // A worker that cannot run (or died) must not take the export down: the caller does it inline.
      if (!this.warned) console.error("text worker failed; computing texts on the main thread", err);
      this.warned = true;
      return null;
    }
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

const caches = new WeakMap<object, TextCache>();

/**
 * The text cache of a server (one per `Services`, found through its rooms so that no wiring is needed), and
 * the current text through it.
 */
export function textCacheOf(services: { rooms: DocumentSeqSource; documents: Pick<DocumentStore, "load"> }): TextCache {
  let cache = caches.get(services.rooms);
  if (!cache) {
    cache = new TextCache(services.rooms, services.documents);
    caches.set(services.rooms, cache);
  }
  return cache;
}

/** The statement's current text, from the cache. */
export function currentText(
  services: { rooms: DocumentSeqSource; documents: Pick<DocumentStore, "load"> },
  statementId: string,
): Promise<DocumentText> {
  return textCacheOf(services).get(statementId);
}
