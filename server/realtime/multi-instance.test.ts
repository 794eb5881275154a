/**
 * Two Concord processes on one PostgreSQL database and one Redis, with no sticky sessions: clients split across
 * both converge; comments, positions, the lock and awareness made on one reach members on the other; after
 * the lock on A, raw updates sent to B change nothing; faults (Redis paused and its connections dropped while
 * ten writers type, kill -9 of one instance behind a round-robin proxy, the database made unavailable) end
 * with every client converged and nothing lost or duplicated.
 *
 * Runs when PostgreSQL (`TEST_DATABASE_URL` / `DATABASE_URL` / 127.0.0.1:5432) and Redis (`TEST_REDIS_URL` /
 * `REDIS_URL` / 127.0.0.1:6379) answer; each run has its own database and its own Redis channel prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import path from "node:path";
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import pg from "pg";
import { Redis } from "ioredis";
import { redisForTests } from "./test-targets";
import { ApiClient, connectProvider, eventually, rawSocket, receivedFrames, signUp, synced } from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import { MessageType, SyncMessageType } from "../../shared/protocol";
import { sha256Hex } from "../../shared/canonical";
import { lockOverrideOf } from "../../shared/signoff";

const pgUrl = await postgresForTests();
const redisUrl = pgUrl ? await redisForTests("Multi-instance tests") : null;
if (!pgUrl) console.warn("Multi-instance tests skipped: PostgreSQL is not reachable");

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `server/main.ts` in its own process on PostgreSQL and Redis. */
async function startInstance(name: string, port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server/main.ts")], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", INSTANCE_ID: name, LOG: "1", CLIENT_DIR: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 30_000);
    const check = () => {
      const m = output.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(t);
        child.stdout!.off("data", check);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}): ${output}`)));
  });
  return {
    name,
    port,
    url,
    child,
    output: () => output,
    stop(signal = "SIGTERM") {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}

/** A TCP proxy handing each new connection to the next backend (round robin, skipping dead ones): no stickiness. */
function roundRobinProxy(port: number, backends: () => number[]): Promise<net.Server> {
  let next = 0;
  const server = net.createServer((client) => {
    const list = backends();
    const attempt = (tries: number) => {
      const target = list[next++ % list.length];
      const upstream = net.connect(target, "127.0.0.1");
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        client.pipe(upstream).pipe(client);
        upstream.once("close", () => client.destroy());
        client.once("close", () => upstream.destroy());
      });
      upstream.on("error", () => {
        upstream.destroy();
        if (connected) return;
        if (tries + 1 < list.length * 2 && !client.destroyed) attempt(tries + 1);
        else client.destroy();
      });
    };
    client.on("error", () => {});
    attempt(0);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** A client of the other instance carrying the same session (sessions live in the shared database). */
function on(url: string, c: ApiClient): ApiClient {
  const other = new ApiClient(url);
  other.cookie = c.cookie;
  return other;
}

function updateFrameOf(update: Uint8Array): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, SyncMessageType.update);
  encoding.writeVarUint8Array(enc, update);
  return Buffer.from(encoding.toUint8Array(enc));
}

/** App events a raw socket has received. */
function appEvents(ws: WebSocket): Array<{ type: string }> {
  const out: Array<{ type: string }> = [];
  for (const f of receivedFrames(ws)) {
    const dec = decoding.createDecoder(f);
    if (decoding.readVarUint(dec) === MessageType.appEvent) out.push(JSON.parse(decoding.readVarString(dec)));
  }
  return out;
}

/** Markers `tag-i` counted in a text: every one exactly once means nothing was lost or duplicated. */
function countMarkers(text: string, tag: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`${tag}-\\d+-\\d+`, "g"))) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pgUrl || !redisUrl)("two instances on PostgreSQL and Redis", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: Instance;
  let b: Instance;
  let proxy: net.Server;
  let proxyUrl: string;
  let env: Record<string, string>;
  const ports = { a: 0, b: 0, proxy: 0 };
  const live = new Set<{ destroy(): void }>();

  const track = <T extends { destroy(): void }>(x: T): T => {
    live.add(x);
    return x;
  };

  beforeAll(async () => {
    database = await createTestDatabase(pgUrl!);
    [ports.a, ports.b, ports.proxy] = await Promise.all([freePort(), freePort(), freePort()]);
    proxyUrl = `http://127.0.0.1:${ports.proxy}`;
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: `concord-test-${crypto.randomBytes(4).toString("hex")}:`,
      ORIGIN: [ports.a, ports.b, ports.proxy].map((p) => `http://127.0.0.1:${p}`).join(","),
    };
    // A first, so that the migrations run once; B finds them done.
    a = await startInstance("inst-a", ports.a, env);
    b = await startInstance("inst-b", ports.b, env);
    proxy = await roundRobinProxy(ports.proxy, () => [ports.a, ports.b]);
  }, 90_000);

  afterAll(async () => {
    for (const x of live) x.destroy();
    proxy?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop().catch(() => {});
  });

  /** A convener and `n` drafters (signed up on A), on a new statement. */
  async function team(n: number) {
    const convener = await signUp(a.url, "Convener");
    const created = await convener.post("/api/statements", { title: "Joint statement" });
    const statementId: string = created.json.statement.id;
    const drafters = [];
    for (let i = 0; i < n; i++) {
      const d = await signUp(a.url, `Drafter ${i}`);
      expect(
        (await convener.post(`/api/statements/${statementId}/members`, { email: d.email, role: "drafter" })).status,
      ).toBe(201);
      drafters.push(d);
    }
    return { convener, statementId, drafters };
  }

  it("reports health and readiness with the instance id", async () => {
    const h = await fetch(`${b.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: "ok", instance: "inst-b" });
    const r = await fetch(`${a.url}/readyz`);
    expect(await r.json()).toMatchObject({
      status: "ready",
      instance: "inst-a",
      database: "ok",
      redis: "ok",
      draining: false,
    });
  });

  it("clients split across both instances converge, and see each other's presence", async () => {
    const { statementId, drafters } = await team(4);
    const clients = drafters.map((d, i) =>
      track(connectProvider(i % 2 === 0 ? a.url : b.url, statementId, i % 2 === 0 ? d : on(b.url, d))),
    );
    await Promise.all(clients.map((c) => synced(c.provider)));
    for (let k = 0; k < 5; k++) {
      clients.forEach((c, i) => appendParagraph(c.doc, `conv-${i}-${k}`));
      await sleep(30);
    }
    const expected = 20;
    await eventually(
      () => {
        const texts = clients.map((c) => plainText(c.doc));
        return texts.every((t) => t === texts[0]) && countMarkers(texts[0], "conv").size === expected;
      },
      10_000,
      "clients on both instances to converge",
    );
    expect([...countMarkers(plainText(clients[0].doc), "conv").values()].every((n) => n === 1)).toBe(true);
    // Stored: both instances export the same text.
    const [ea, eb] = await Promise.all([
      drafters[0].get(`/api/statements/${statementId}/export.md`),
      on(b.url, drafters[1]).get(`/api/statements/${statementId}/export.md`),
    ]);
    expect(ea.text).toBe(eb.text);
    expect(countMarkers(ea.text, "conv").size).toBe(expected);

    // Presence: a caret set on B is seen on A, stamped with the B user's identity.
    clients[1].provider.awareness.setLocalStateField("cursor", { at: 1 });
    await eventually(
      () =>
        [...clients[0].provider.awareness.getStates().values()].some(
          (s) => (s as { user?: { id?: string } }).user?.id === drafters[1].userId,
        ),
      5000,
      "presence from B on A",
    );
    for (const c of clients) c.destroy();
  });

  it("comments, positions, membership and the lock made on A reach members on B; after the lock raw updates sent to B change nothing", async () => {
    const { convener, statementId, drafters } = await team(1);
    const org = await convener.post("/api/organizations", {
      name: `Org ${Date.now()}`,
      shortName: "Org",
      stakeholderGroup: "civil-society",
    });
    expect(org.status).toBe(201);
    const rep = await signUp(a.url, "Representative");
    expect(
      (
        await convener.post(`/api/statements/${statementId}/members`, {
          email: rep.email,
          role: "drafter",
          organizationId: org.json.organization.id,
        })
      ).status,
    ).toBe(201);

    // The text, written through A.
    const writer = track(connectProvider(a.url, statementId, drafters[0]));
    await synced(writer.provider);
    appendParagraph(writer.doc, "We agree on this.", "c1");
    await eventually(
      async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text.includes("We agree"),
      5000,
      "text stored",
    );

    // A drafter connected to B, listening for app events.
    const drafterOnB = on(b.url, drafters[0]);
    const ws = await rawSocket(b.url, statementId, drafterOnB.cookie);
    track({ destroy: () => ws.terminate() });
    await sleep(300);

    const thread = await convener.post(`/api/statements/${statementId}/threads`, {
      clauseId: "c1",
      body: "Is 'agree' strong enough?",
    });
    expect(thread.status).toBe(201);
    await eventually(() => appEvents(ws).some((e) => e.type === "threads.changed"), 5000, "comment event on B");

    const m = (await rep.get(`/api/statements/${statementId}/signoffs`)).json;
    const clause = m.clauses.find((c: { clauseId: string }) => c.clauseId === "c1");
    const position = await rep.request("PUT", `/api/statements/${statementId}/signoffs`, {
      clauseId: "c1",
      organizationId: org.json.organization.id,
      position: "approve",
      clauseHash: clause.hash,
      clauseText: clause.markdown,
    });
    expect(position.status).toBe(200);
    await eventually(() => appEvents(ws).some((e) => e.type === "signoffs.changed"), 5000, "position event on B");

    // A role change made on A takes the write right away from the rep's socket on B at once.
    const repWs = await rawSocket(b.url, statementId, on(b.url, rep).cookie);
    track({ destroy: () => repWs.terminate() });
    expect(
      (await convener.patch(`/api/statements/${statementId}/members`, { userId: rep.userId, role: "reviewer" })).status,
    ).toBeLessThan(300);
    await eventually(() => appEvents(ws).some((e) => e.type === "members.changed"), 5000, "membership event on B");

    // The lock, on A.
    const text = (await convener.get(`/api/statements/${statementId}/export.md`)).text;
    const readiness = (await convener.get(`/api/statements/${statementId}/signoffs`)).json.readiness;
    const locked = await convener.post(`/api/statements/${statementId}/lock`, {
      documentHash: sha256Hex(text),
      documentText: text,
      override: lockOverrideOf(readiness),
    });
    expect(locked.status).toBe(200);
    await eventually(() => appEvents(ws).some((e) => e.type === "locked"), 5000, "lock event on B");

    // Raw updates from the drafter's socket on B: a new paragraph under a fresh client id.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const seqBefore = Number(
      (await db.query("select doc_seq from statements where id = $1", [statementId])).rows[0].doc_seq,
    );
    const forged = new Y.Doc();
    const updates: Uint8Array[] = [];
    forged.on("update", (u: Uint8Array) => updates.push(u));
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(writer.doc));
    updates.length = 0;
    appendParagraph(forged, "Sneaked in after the lock.");
    for (const u of updates) ws.send(updateFrameOf(u));
    await sleep(500);
    const seqAfter = Number(
      (await db.query("select doc_seq from statements where id = $1", [statementId])).rows[0].doc_seq,
    );
    await db.end();
    expect(seqAfter).toBe(seqBefore);
    for (const client of [convener, on(b.url, convener)]) {
      expect((await client.get(`/api/statements/${statementId}/export.md`)).text).toBe(text);
    }
    expect(plainText(writer.doc)).not.toContain("Sneaked");
    writer.destroy();
  });

  it("a lock on A racing a stream of edits on B stores exactly the confirmed text, and B stores nothing after it", async () => {
    const { convener, statementId, drafters } = await team(1);
    const writer = track(connectProvider(b.url, statementId, on(b.url, drafters[0])));
    await synced(writer.provider);
    appendParagraph(writer.doc, "Words:", "c1");
    await eventually(
      async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text.includes("Words:"),
      5000,
      "clause stored",
    );
    let stop = false;
    const typing = (async () => {
      const t = (writer.doc.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText;
      for (let n = 1; !stop; n++) {
        t.insert(t.length, ` w${n}`);
        await sleep(3 + Math.floor(Math.random() * 8));
      }
    })();
    await sleep(200);
    const readiness = (await convener.get(`/api/statements/${statementId}/signoffs`)).json.readiness;
    let shown = (await convener.get(`/api/statements/${statementId}/export.md`)).text;
    let locked: Awaited<ReturnType<ApiClient["post"]>> | null = null;
    for (let attempt = 0; attempt < 300 && !locked; attempt++) {
      const r = await convener.post(`/api/statements/${statementId}/lock`, {
        documentHash: sha256Hex(shown),
        documentText: shown,
        override: lockOverrideOf(readiness),
      });
      if (r.status === 200) locked = r;
      else if (r.json?.error?.code === "text_changed") shown = r.json.error.details.currentText;
      else shown = (await convener.get(`/api/statements/${statementId}/export.md`)).text;
    }
    await sleep(300);
    stop = true;
    await typing;
    expect(locked, "the lock went through").not.toBeNull();
    const final = locked!.json.final as { markdown: string };
    expect(final.markdown).toBe(shown);
    await sleep(500);
    for (const [name, c] of [
      ["A", convener],
      ["B", on(b.url, convener)],
    ] as const) {
      const text = (await c.get(`/api/statements/${statementId}/export.md`)).text;
      expect(text.slice(-80), `the export on ${name}`).toBe(final.markdown.slice(-80));
      expect(text).toBe(final.markdown);
    }
    writer.destroy();
  });

  it("Redis paused and its connections dropped while ten writers type across both: everyone converges, nothing lost or duplicated", async () => {
    const { statementId, drafters } = await team(10);
    const clients = drafters.map((d, i) =>
      track(connectProvider(i % 2 === 0 ? a.url : b.url, statementId, i % 2 === 0 ? d : on(b.url, d))),
    );
    await Promise.all(clients.map((c) => synced(c.provider)));
    const admin = new Redis(redisUrl!);
    let typed = 0;
    const typing = (async () => {
      for (let k = 0; k < 25; k++) {
        clients.forEach((c, i) => appendParagraph(c.doc, `rds-${i}-${k}`));
        typed += clients.length;
        await sleep(250);
      }
    })();
    await sleep(800);
    // A Redis "restart" for our instances: their connections are dropped; then Redis stops answering for 5 s.
    const list = (await admin.call("CLIENT", "LIST")) as string;
    for (const line of list.split("\n")) {
      const name = /name=(\S*)/.exec(line)?.[1] ?? "";
      const id = /id=(\d+)/.exec(line)?.[1];
      if (id && /^concord-inst-[ab]-/.test(name)) await admin.call("CLIENT", "KILL", "ID", id);
    }
    await admin.call("CLIENT", "PAUSE", "5000", "ALL");
    await typing;
    admin.disconnect();
    await eventually(
      () => {
        const texts = clients.map((c) => plainText(c.doc));
        return texts.every((t) => t === texts[0]) && countMarkers(texts[0], "rds").size === typed;
      },
      20_000,
      "convergence after the Redis outage",
    );
    const counts = countMarkers(plainText(clients[0].doc), "rds");
    expect(counts.size).toBe(250);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const stored = (await drafters[0].get(`/api/statements/${statementId}/export.md`)).text;
    expect(countMarkers(stored, "rds").size).toBe(250);
    await eventually(
      async () => (await (await fetch(`${a.url}/readyz`)).json()).redis === "ok",
      10_000,
      "A ready again",
    );
    for (const c of clients) c.destroy();
  });

  it("kill -9 of one instance behind a round-robin proxy: its clients reconnect to the other and every edit anyone saw is there", async () => {
    const { statementId, drafters } = await team(4);
    // Every client goes through the proxy (no stickiness): consecutive connections alternate between A and B.
    const clients = drafters.map((d) => {
      const c = new ApiClient(proxyUrl);
      c.cookie = d.cookie;
      return track(connectProvider(proxyUrl, statementId, c));
    });
    await Promise.all(clients.map((c) => synced(c.provider)));
    const closes: string[][] = clients.map(() => []);
    clients.forEach((c, i) =>
      c.provider.on("connection-close", (e: { code: number; reason: string } | null) =>
        closes[i].push(`${e?.code} ${e?.reason}`),
      ),
    );
    for (let k = 0; k < 10; k++) {
      clients.forEach((c, i) => appendParagraph(c.doc, `kill-${i}-${k}`));
      await sleep(40);
    }
    await sleep(300);
    // What each client has seen (its own edits and everything relayed to it) at the moment of the kill.
    const seen = new Set<string>();
    for (const c of clients) for (const m of countMarkers(plainText(c.doc), "kill").keys()) seen.add(m);
    b.child.kill("SIGKILL");
    await new Promise((r) => b.child.once("exit", r));
    for (let k = 10; k < 15; k++) {
      clients.forEach((c, i) => appendParagraph(c.doc, `kill-${i}-${k}`));
      await sleep(40);
    }
    await eventually(
      () => {
        const texts = clients.map((c) => plainText(c.doc));
        return (
          clients.every((c) => c.provider.wsconnected) &&
          texts.every((t) => t === texts[0]) &&
          countMarkers(texts[0], "kill").size === 60
        );
      },
      20_000,
      "clients of the killed instance to reconnect and converge",
    ).catch((err) => {
      console.error(
        clients
          .map(
            (c, i) =>
              `connected=${c.provider.wsconnected} markers=${countMarkers(plainText(c.doc), "kill").size} closes=${closes[i].join("; ")}`,
          )
          .join("\n"),
      );
      console.error(a.output().slice(-3000));
      throw err;
    });
    const stored = countMarkers((await drafters[0].get(`/api/statements/${statementId}/export.md`)).text, "kill");
    for (const m of seen) expect(stored.get(m)).toBe(1);
    expect(stored.size).toBe(60);
    for (const c of clients) c.destroy();
    b = await startInstance("inst-b", ports.b, env);
  });

  it("the database unavailable: writes are not acknowledged while it is away (clients reconnect), and nothing acknowledged is lost", async () => {
    const { statementId, drafters } = await team(2);
    const clients = drafters.map((d, i) =>
      track(connectProvider(i === 0 ? a.url : b.url, statementId, i === 0 ? d : on(b.url, d))),
    );
    await Promise.all(clients.map((c) => synced(c.provider)));
    for (let k = 0; k < 5; k++) appendParagraph(clients[0].doc, `pg-0-${k}`);
    // Acknowledged: the other client (on the other instance) has it.
    await eventually(
      () => countMarkers(plainText(clients[1].doc), "pg").size === 5,
      5000,
      "edits relayed before the outage",
    );

    const admin = new pg.Client({ connectionString: pgUrl! });
    await admin.connect();
    await admin.query(`alter database "${database.name}" allow_connections false`);
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [database.name]);
    let disconnected = false;
    clients[0].provider.on("status", (e: { status: string }) => {
      if (e.status !== "connected") disconnected = true;
    });
    for (let k = 5; k < 10; k++) {
      appendParagraph(clients[0].doc, `pg-0-${k}`);
      await sleep(100);
    }
    await sleep(1500);
    // Nothing typed during the outage was relayed (relayed ⇒ stored), and the writer was told to reconnect.
    expect(countMarkers(plainText(clients[1].doc), "pg").size).toBe(5);
    expect(disconnected).toBe(true);
    await admin.query(`alter database "${database.name}" allow_connections true`);
    await admin.end();
    await eventually(
      () => {
        const texts = clients.map((c) => plainText(c.doc));
        return texts.every((t) => t === texts[0]) && countMarkers(texts[0], "pg").size === 10;
      },
      20_000,
      "convergence after the database is back",
    );
    const stored = countMarkers((await drafters[0].get(`/api/statements/${statementId}/export.md`)).text, "pg");
    expect(stored.size).toBe(10);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    for (const c of clients) c.destroy();
  });
  it("SIGTERM drains an instance: its sockets close with the retryable code, edits are committed, and it exits cleanly", async () => {
    const { statementId, drafters } = await team(2);
    const onB = track(connectProvider(b.url, statementId, on(b.url, drafters[0])));
    const onA = track(connectProvider(a.url, statementId, drafters[1]));
    await Promise.all([synced(onB.provider), synced(onA.provider)]);
    const closes: number[] = [];
    onB.provider.on("connection-close", (e: { code: number } | null) => closes.push(e?.code ?? 0));
    for (let k = 0; k < 5; k++) appendParagraph(onB.doc, `drain-0-${k}`);
    const exited = new Promise<number | null>((resolve) => b.child.once("exit", (code) => resolve(code)));
    b.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(closes).toContain(4503);
    await eventually(
      () => countMarkers(plainText(onA.doc), "drain").size === 5,
      5000,
      "the drained instance's edits on A",
    );
    const stored = countMarkers((await drafters[1].get(`/api/statements/${statementId}/export.md`)).text, "drain");
    expect(stored.size).toBe(5);
    onB.destroy();
    onA.destroy();
  });
});
