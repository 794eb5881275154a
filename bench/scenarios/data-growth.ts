/**
 * Data growth (issue 19): the reads whose cost grows with the data, against Concord alone (the references
 * have no sign-off, threads or audit log), on seeded sizes:
 * - the sign-off matrix (`GET …/signoffs`) at organizations × clauses, bytes and latency per request;
 * - what one position change pushes to each connected client;
 * - `export.md` of a large document with nobody connected: the longest event-loop block in the server
 *   (`monitorEventLoopDelay`, through bench/lib/eld-probe.mjs) on the first export (once the text worker has
 *   started, on another document) and on repeats, and how much faster a repeat of an unchanged document is
 *   (served from the text cache);
 * - `GET …/threads` with many threads and nobody connected;
 * - `GET …/audit.csv` of a long log: bytes, time and the server's RSS before and at its peak while streaming.
 *
 * Users, organizations, memberships, positions, threads and audit rows are written straight into the server's
 * SQLite file (WAL lets two connections share it); documents go through a real socket as a client writes
 * them. Latencies are of sequential requests after one warm-up request, p50 and p95.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import { freePort, spawnServer, type ServerProcess } from "../lib/proc";
import { percentile } from "../lib/stats";
import { appendParagraph } from "../../server/testing/docs";
import { signoffText } from "../../shared/signoff";

/** Sizes of one run. */
export interface GrowthConfig {
  /** [organizations, clauses] of each matrix measured. */
  matrices: Array<[number, number]>;
  /** Clients connected when one position changes. */
  pushClients: number;
  /** Target size of the exported document's canonical Markdown. */
  exportBytes: number;
  threads: number;
  auditRows: number;
  /** Timed requests per figure (after one warm-up). */
  requests: number;
}

export const GROWTH_FULL: GrowthConfig = {
  matrices: [
    [5, 30],
    [15, 100],
    [30, 300],
  ],
  pushClients: 14,
  exportBytes: 5_300_000,
  threads: 2000,
  auditRows: 100_000,
  requests: 40,
};

export const GROWTH_QUICK: GrowthConfig = {
  matrices: [
    [5, 30],
    [15, 100],
  ],
  pushClients: 5,
  exportBytes: 1_000_000,
  threads: 300,
  auditRows: 10_000,
  requests: 8,
};

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  bytes: number;
}

export interface GrowthResult {
  matrix: Array<{ organizations: number; clauses: number } & Latency>;
  push: { clients: number; maxBytesPerClient: number; bytesPerClient: number[] };
  export: {
    markdownBytes: number;
    firstMs: number;
    repeat: Latency;
    /** Longest event-loop block during the first (uncached) export, and during the repeats. */
    maxBlockFirstMs: number;
    maxBlockRepeatsMs: number;
  };
  threads: { threads: number } & Latency;
  audit: { rows: number; bytes: number; ms: number; rssBeforeMb: number; rssPeakMb: number };
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const PROBE = path.join(ROOT, "bench/lib/eld-probe.mjs");
const CLAUSE_TEXT =
  "The signatories commit to an open, interoperable and secure network, governed with every stakeholder at the table";

interface Server {
  proc: ServerProcess;
  base: string;
  cookie: string;
  userId: string;
  db: Database.Database;
  eldFile: string;
  dataDir: string;
}

async function http(
  s: Server,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(s.base + p, {
    method,
    headers: { "content-type": "application/json", origin: s.base, cookie: s.cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status >= 400) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, text, ms };
}

async function start(): Promise<Server> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concord-growth-"));
  const base = `http://127.0.0.1:${port}`;
  const eldFile = path.join(dataDir, "eld.json");
  const proc = await spawnServer({
    args: [path.join(ROOT, "server/main.ts")],
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG: "0",
      ORIGIN: base,
      CLIENT_DIR: "",
      MAX_MESSAGES_PER_SECOND: "1000000",
      MAX_CONNECTIONS_PER_USER: "1000000",
      ELD_FILE: eldFile,
    },
    port,
    ready: /Concord listening on/,
    nodeFlags: ["--import", pathToFileURL(PROBE).href],
    cwd: ROOT,
  });
  const res = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({
      email: `growth-${Date.now()}@example.org`,
      password: "bench-password-not-secret-1234",
      name: "Convener",
    }),
  });
  const cookie = /concord_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`signup: ${res.status} ${await res.text()}`);
  const userId = ((await res.json()) as { user: { id: string } }).user.id;
  const db = new Database(path.join(dataDir, "concord.db"));
  db.pragma("busy_timeout = 10000");
  return { proc, base, cookie, userId, db, eldFile, dataDir };
}

/** Asks the probe in the server for the event-loop delay since the last ask (and resets it). */
async function eventLoopMaxMs(s: Server): Promise<number> {
  const before = fs.existsSync(s.eldFile) ? fs.readFileSync(s.eldFile, "utf8") : "";
  process.kill(s.proc.pid, "SIGUSR2");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = fs.existsSync(s.eldFile) ? fs.readFileSync(s.eldFile, "utf8") : "";
    if (now !== before && now !== "") return (JSON.parse(now) as { maxMs: number }).maxMs;
    if (Date.now() > deadline) throw new Error("event-loop probe did not answer");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function newStatement(s: Server, title: string): Promise<string> {
  return (JSON.parse((await http(s, "POST", "/api/statements", { title })).text) as { statement: { id: string } })
    .statement.id;
}

/** Organizations represented by one new drafter each on a statement (written straight into storage). */
function seedOrganizations(s: Server, statementId: string, n: number): Array<{ orgId: string; userId: string }> {
  const now = Date.now();
  const out: Array<{ orgId: string; userId: string }> = [];
  const tx = s.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const orgId = randomUUID();
      const userId = randomUUID();
      s.db
        .prepare(
          "insert into organizations (id, name, short_name, stakeholder_group, sort_key, created_by, created_at) values (?, ?, ?, ?, null, ?, ?)",
        )
        .run(orgId, `Organization ${statementId.slice(0, 6)} ${i}`, `Org ${i}`, "civil-society", s.userId, now);
      s.db
        .prepare("insert into users (id, email, name, password_hash, is_admin, created_at) values (?, ?, ?, 'x', 0, ?)")
        .run(userId, `rep-${userId}@example.org`, `Representative ${i}`, now);
      s.db
        .prepare(
          "insert into members (statement_id, user_id, role, organization_id, added_by, added_at) values (?, ?, 'drafter', ?, ?, ?)",
        )
        .run(statementId, userId, orgId, s.userId, now);
      out.push({ orgId, userId });
    }
  });
  tx();
  return out;
}

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0);
  encoding.writeVarUint(enc, 2);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

function openSocket(s: Server, statementId: string, onFrame?: (data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.base.replace("http", "ws")}/ws/${statementId}`, {
      headers: { cookie: s.cookie, origin: s.base },
      perMessageDeflate: false,
    });
    ws.on("message", (d: Buffer) => onFrame?.(d));
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/**
 * Writes a document of `clauses` paragraphs (or of about `bytes` of Markdown) as a client would, in updates
 * under the frame limit, waits until all are stored, and disconnects (the room then unloads).
 */
async function writeDocument(
  s: Server,
  statementId: string,
  opts: { clauses?: number; bytes?: number },
): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const total = opts.clauses ?? Math.ceil((opts.bytes ?? 0) / (CLAUSE_TEXT.length * 4 + 12));
  const perUpdate = 600; // ≈ 280 KB an update, under the 1 MiB frame limit
  for (let i = 0; i < total; i += perUpdate) {
    doc.transact(() => {
      for (let k = i; k < Math.min(total, i + perUpdate); k++) {
        const text = opts.bytes
          ? `${k}. ${CLAUSE_TEXT}. ${CLAUSE_TEXT}. ${CLAUSE_TEXT}. ${CLAUSE_TEXT}.`
          : `${k + 1}. ${CLAUSE_TEXT}.`;
        appendParagraph(doc, text, `c${String(k).padStart(5, "0")}`);
      }
    });
  }
  const ws = await openSocket(s, statementId);
  const seq0 = Number(
    (s.db.prepare("select doc_seq from statements where id = ?").get(statementId) as { doc_seq: number }).doc_seq,
  );
  for (const u of updates) ws.send(syncUpdateFrame(u));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seq = Number(
      (s.db.prepare("select doc_seq from statements where id = ?").get(statementId) as { doc_seq: number }).doc_seq,
    );
    if (seq >= seq0 + updates.length) break;
    if (Date.now() > deadline) throw new Error(`document not stored (${seq - seq0} of ${updates.length} updates)`);
    await new Promise((r) => setTimeout(r, 25));
  }
  ws.close();
  // Let the room unload (commit, compact into a snapshot: seconds of work for a large document) before
  // measuring reads with nobody connected, so that no measurement overlaps it.
  const folded = Date.now() + 60_000;
  while (
    (s.db.prepare("select count(*) as n from doc_updates where statement_id = ?").get(statementId) as { n: number }).n >
    0
  ) {
    if (Date.now() > folded) throw new Error("the document was not compacted after its room unloaded");
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return doc;
}

/** Sequential requests after one warm-up: p50, p95 and the body size. */
async function timed(s: Server, p: string, n: number): Promise<Latency> {
  const warm = await http(s, "GET", p);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push((await http(s, "GET", p)).ms);
  ms.sort((a, b) => a - b);
  return { p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), bytes: Buffer.byteLength(warm.text) };
}

async function matrixRun(s: Server, orgs: number, clauses: number, requests: number) {
  const id = await newStatement(s, `Matrix ${orgs}x${clauses}`);
  const doc = await writeDocument(s, id, { clauses });
  const reps = seedOrganizations(s, id, orgs);
  const text = signoffText(doc);
  const old = "An earlier wording of this clause.";
  const oldHash = signoffText(
    (() => {
      const d = new Y.Doc();
      appendParagraph(d, old, "x");
      return d;
    })(),
  ).clauses[0].hash;
  const insert = s.db.prepare(
    "insert into clause_positions (statement_id, clause_id, organization_id, position, reason, clause_hash, clause_text, user_id, at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  let k = 0;
  s.db.transaction(() => {
    for (const c of text.clauses) {
      for (const r of reps) {
        k++;
        // Mostly approvals; some abstentions, objections with a reason, and positions given on an older wording.
        const stale = k % 29 === 0;
        const position = k % 17 === 0 ? "object" : k % 7 === 0 ? "abstain" : "approve";
        insert.run(
          id,
          c.clauseId,
          r.orgId,
          position,
          position === "object" ? "Name who reports, and to whom." : null,
          stale ? oldHash : c.hash,
          stale ? old : c.markdown,
          r.userId,
          Date.now() - k,
        );
      }
    }
  })();
  return { id, reps, text, latency: await timed(s, `/api/statements/${id}/signoffs`, requests) };
}

async function pushRun(s: Server, run: Awaited<ReturnType<typeof matrixRun>>, clients: number) {
  const bytes = Array.from({ length: clients }, () => 0);
  const events = Array.from({ length: clients }, () => 0);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < clients; i++) {
    sockets.push(
      await openSocket(s, run.id, (d) => {
        if (d[0] === 100) {
          bytes[i] += d.byteLength;
          events[i]++;
        }
      }),
    );
  }
  // The convener speaks for the first organization (written into storage) and approves one clause again.
  s.db
    .prepare("update members set organization_id = ? where statement_id = ? and user_id = ?")
    .run(run.reps[0].orgId, run.id, s.userId);
  const clause = run.text.clauses[1];
  await new Promise((r) => setTimeout(r, 200));
  await http(s, "PUT", `/api/statements/${run.id}/signoffs`, {
    clauseId: clause.clauseId,
    organizationId: run.reps[0].orgId,
    position: "object",
    reason: "Say who reports.",
    clauseHash: clause.hash,
    clauseText: clause.markdown,
  });
  const deadline = Date.now() + 10_000;
  while (events.some((e) => e === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ws of sockets) ws.close();
  if (events.some((e) => e === 0)) throw new Error("not every client received the change");
  return { clients, maxBytesPerClient: Math.max(...bytes), bytesPerClient: bytes };
}

async function exportRun(s: Server, bytes: number, requests: number) {
  // The text worker starts with the first large document the server sees: start it on another one first, so
  // that what is measured is one export, not the worker's start.
  const warm = await newStatement(s, "Warm-up export");
  await writeDocument(s, warm, { bytes: 400_000 });
  await http(s, "GET", `/api/statements/${warm}/export.md`);
  const id = await newStatement(s, "Large export");
  await writeDocument(s, id, { bytes });
  const p = `/api/statements/${id}/export.md`;
  await eventLoopMaxMs(s); // reset
  const first = await http(s, "GET", p);
  const maxBlockFirstMs = await eventLoopMaxMs(s);
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) ms.push((await http(s, "GET", p)).ms);
  const maxBlockRepeatsMs = await eventLoopMaxMs(s);
  ms.sort((a, b) => a - b);
  return {
    markdownBytes: Buffer.byteLength(first.text),
    firstMs: first.ms,
    repeat: { p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), bytes: Buffer.byteLength(first.text) },
    maxBlockFirstMs,
    maxBlockRepeatsMs,
  };
}

async function threadsRun(s: Server, n: number, requests: number) {
  const id = await newStatement(s, "Many threads");
  const doc = await writeDocument(s, id, { clauses: 100 });
  const clauses = signoffText(doc).clauses;
  const now = Date.now();
  const thread = s.db.prepare(
    "insert into comment_threads (id, statement_id, clause_id, anchor_from, anchor_to, quote, status, created_by, organization_id, created_at, updated_at, resolved_by, resolved_at) values (?, ?, ?, null, null, null, ?, ?, null, ?, ?, null, null)",
  );
  const comment = s.db.prepare(
    "insert into comments (id, thread_id, statement_id, author_id, organization_id, body, mentions, created_at, edited_at, deleted_at, hidden_at, hidden_by, hidden_reason) values (?, ?, ?, ?, null, ?, '[]', ?, null, null, null, null, null)",
  );
  s.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const tid = randomUUID();
      thread.run(
        tid,
        id,
        clauses[i % clauses.length].clauseId,
        i % 4 === 0 ? "resolved" : "open",
        s.userId,
        now + i,
        now + i,
      );
      comment.run(
        randomUUID(),
        tid,
        id,
        s.userId,
        `Comment ${i}: should this clause name who reports, and to whom? ${CLAUSE_TEXT}.`,
        now + i,
      );
    }
  })();
  return { threads: n, ...(await timed(s, `/api/statements/${id}/threads`, requests)) };
}

async function auditRun(s: Server, rows: number) {
  const id = await newStatement(s, "Long audit log");
  const orgs = seedOrganizations(s, id, 10);
  const insert = s.db.prepare(
    "insert into audit_log (statement_id, actor_id, action, detail, hash, at) values (?, ?, 'position.set', ?, ?, ?)",
  );
  const hash = "a".repeat(64);
  s.db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const detail = {
        clauseId: `c${i % 300}`,
        clauseNumber: (i % 300) + 1,
        organizationId: orgs[i % orgs.length].orgId,
        position: "approve",
        reason: null,
        previous: null,
      };
      insert.run(id, s.userId, JSON.stringify(detail), hash, Date.now());
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const rssBefore = s.proc.rssBytes();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, s.proc.rssBytes())), 20);
  const t0 = performance.now();
  const res = await fetch(`${s.base}/api/statements/${id}/audit.csv`, {
    headers: { cookie: s.cookie, origin: s.base },
  });
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, s.proc.rssBytes());
  return { rows, bytes, ms, rssBeforeMb: rssBefore / 2 ** 20, rssPeakMb: peak / 2 ** 20 };
}

/** Runs every data-growth measurement on one fresh server. */
export async function runDataGrowth(cfg: GrowthConfig, log: (line: string) => void = () => {}): Promise<GrowthResult> {
  const s = await start();
  try {
    const matrix: GrowthResult["matrix"] = [];
    let largest: Awaited<ReturnType<typeof matrixRun>> | null = null;
    for (const [orgs, clauses] of cfg.matrices) {
      const run = await matrixRun(s, orgs, clauses, cfg.requests);
      matrix.push({ organizations: orgs, clauses, ...run.latency });
      log(
        `  matrix ${orgs} × ${clauses}: ${(run.latency.bytes / 1024).toFixed(1)} KB, p50 ${run.latency.p50Ms.toFixed(1)} ms, p95 ${run.latency.p95Ms.toFixed(1)} ms`,
      );
      if (orgs * clauses <= 15 * 100 || !largest) largest = run;
    }
    const push = await pushRun(s, largest!, cfg.pushClients);
    log(`  position change: ${push.maxBytesPerClient} bytes pushed to each of ${push.clients} clients`);
    const exp = await exportRun(s, cfg.exportBytes, cfg.requests);
    log(
      `  export.md ${(exp.markdownBytes / 2 ** 20).toFixed(1)} MB: first ${exp.firstMs.toFixed(0)} ms (longest block ${exp.maxBlockFirstMs.toFixed(1)} ms), ` +
        `repeats p50 ${exp.repeat.p50Ms.toFixed(1)} ms (longest block ${exp.maxBlockRepeatsMs.toFixed(1)} ms)`,
    );
    const threads = await threadsRun(s, cfg.threads, cfg.requests);
    log(
      `  threads ${threads.threads}: ${(threads.bytes / 1024).toFixed(0)} KB, p50 ${threads.p50Ms.toFixed(1)} ms, p95 ${threads.p95Ms.toFixed(1)} ms`,
    );
    const audit = await auditRun(s, cfg.auditRows);
    log(
      `  audit.csv ${audit.rows} rows: ${(audit.bytes / 2 ** 20).toFixed(1)} MB in ${audit.ms.toFixed(0)} ms, server RSS ${audit.rssBeforeMb.toFixed(0)} → peak ${audit.rssPeakMb.toFixed(0)} MB`,
    );
    return { matrix, push, export: exp, threads, audit };
  } finally {
    s.db.close();
    await s.proc.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
}
