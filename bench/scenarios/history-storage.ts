/**
 * History storage (issue 8): what the drafting record costs on disk. A drafter's real y-websocket client makes
 * `edits` edits (words typed into and deleted from a 30-clause statement, one update each, as typing sends
 * them) and names a version every `edits / versions` edits; the same run without versions is the baseline.
 * Reported: the SQLite file (WAL checkpointed, after the room compacted its log), the bytes of the version
 * snapshots, the compacted document, and the canonical text.
 *
 * Run it alone: `npx tsx bench/scenarios/history-storage.ts [--quick]`.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type * as Y from "yjs";
import { makeConfig } from "../../server/config";
import { startServer } from "../../server/server";
import { connectProvider, eventually, signUp, synced, tempDataDir, TEST_ARGON2 } from "../../server/testing/harness";
import { appendParagraph } from "../../server/testing/docs";
import { canonicalMarkdownOfDoc, DOCUMENT_FIELD } from "../../shared/canonical";

/** Sizes of one run. */
export interface HistoryStorageConfig {
  edits: number;
  versions: number;
  clauses: number;
}

export const HISTORY_FULL: HistoryStorageConfig = { edits: 10_000, versions: 50, clauses: 30 };
export const HISTORY_QUICK: HistoryStorageConfig = { edits: 1_000, versions: 5, clauses: 30 };

/** What one run measured (bytes). */
export interface HistoryStorageResult {
  edits: number;
  versions: number;
  /** The SQLite file with versions, and without (the same edits, no version). */
  databaseBytes: number;
  baselineDatabaseBytes: number;
  /** Sum of the stored version snapshots, and how many there are (versions of one state share one). */
  snapshotBytes: number;
  snapshots: number;
  /** The statement's compacted document, and its canonical text. */
  documentBytes: number;
  textBytes: number;
}

const WORDS = ["open", "standards", "governance", "coalition", "members", "report", "yearly", "rights", "online"];

/** One run: the edits, with `versions` named versions spread evenly among them (0: none). */
async function run(
  cfg: HistoryStorageConfig,
  versions: number,
): Promise<{ dbBytes: number; snapshotBytes: number; snapshots: number; docBytes: number; textBytes: number }> {
  const dataDir = tempDataDir();
  const server = await startServer(
    makeConfig({ dataDir, port: 0, argon2: TEST_ARGON2, log: false, maxMessagesPerSecond: 1_000_000 }),
    // Only the versions this run names: no checkpoint fires during it.
    { history: { pollMs: 3_600_000 } },
  );
  try {
    const drafter = await signUp(server.url, "Drafter");
    const { statement } = await drafter.api.createStatement({ title: "History storage" });
    const client = connectProvider(server.url, statement.id, drafter);
    await synced(client.provider);
    client.doc.transact(() => {
      for (let c = 0; c < cfg.clauses; c++) appendParagraph(client.doc, `Clause ${c + 1}.`, `c${c + 1}`);
    });
    const stored = async () => {
      const want = canonicalMarkdownOfDoc(client.doc);
      await eventually(
        async () => (await drafter.get(`/api/statements/${statement.id}/export.md`)).text === want,
        60_000,
        "edits stored",
      );
    };
    const texts = client.doc
      .getXmlFragment(DOCUMENT_FIELD)
      .toArray()
      .map((p) => (p as Y.XmlElement).get(0) as Y.XmlText);
    const every = versions > 0 ? Math.floor(cfg.edits / versions) : Infinity;
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 1; i <= cfg.edits; i++) {
      const t = texts[Math.floor(random() * texts.length)];
      // Mostly typing a word somewhere; one edit in five deletes a few characters.
      if (random() < 0.2 && t.length > 12) t.delete(Math.floor(random() * (t.length - 6)), 5);
      else t.insert(Math.floor(random() * t.length), ` ${WORDS[Math.floor(random() * WORDS.length)]}`);
      if (i % 500 === 0 || i % every === 0) await stored();
      if (i % every === 0) await drafter.api.nameVersion(statement.id, { name: `Version ${i / every}` });
    }
    await stored();
    const textBytes = Buffer.byteLength(canonicalMarkdownOfDoc(client.doc));
    client.destroy();
    // The last client gone, the room compacts its log into the snapshot; then the server checkpoints the WAL.
    await eventually(() => !server.services.rooms.isLoaded(statement.id), 30_000, "room unloaded");
    await server.services.documents.compact(statement.id);
    await server.close();
    const file = path.join(dataDir, "concord.db");
    const db = new Database(file, { readonly: true });
    const snap = db
      .prepare("select count(*) as n, coalesce(sum(length(data)), 0) as bytes from history_snapshots")
      .get() as { n: number; bytes: number };
    const doc = db.prepare("select length(data) as bytes from doc_snapshots").get() as { bytes: number };
    db.close();
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    return {
      dbBytes: size(file) + size(`${file}-wal`),
      snapshotBytes: snap.bytes,
      snapshots: snap.n,
      docBytes: doc.bytes,
      textBytes,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Measures the database with `cfg.versions` versions over `cfg.edits` edits, and without. */
export async function runHistoryStorage(cfg: HistoryStorageConfig = HISTORY_FULL): Promise<HistoryStorageResult> {
  const withVersions = await run(cfg, cfg.versions);
  const baseline = await run(cfg, 0);
  return {
    edits: cfg.edits,
    versions: cfg.versions,
    databaseBytes: withVersions.dbBytes,
    baselineDatabaseBytes: baseline.dbBytes,
    snapshotBytes: withVersions.snapshotBytes,
    snapshots: withVersions.snapshots,
    documentBytes: withVersions.docBytes,
    textBytes: withVersions.textBytes,
  };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const cfg = process.argv.includes("--quick") ? HISTORY_QUICK : HISTORY_FULL;
  const r = await runHistoryStorage(cfg);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    [
      `${r.edits} edits, ${r.versions} named versions (${r.snapshots} snapshots)`,
      `database: ${kb(r.databaseBytes)} (without versions: ${kb(r.baselineDatabaseBytes)})`,
      `version snapshots: ${kb(r.snapshotBytes)} (${kb(r.snapshotBytes / Math.max(1, r.snapshots))} each)`,
      `compacted document: ${kb(r.documentBytes)}; canonical text: ${kb(r.textBytes)}`,
    ].join("\n"),
  );
  process.exit(0);
}
