/**
 * The drafting record through a real server, real y-websocket clients and a real SQLite file: versions at the
 * right moments (signatures, lock, unlock, one checkpoint per burst), the clause-aware diff of a 30-clause
 * statement, restore as a new attributed change, "changes since my organization signed / since its positions",
 * and who may do what.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { makeConfig } from "../config";
import { startServer } from "../server";
import type { RunningServer } from "../server";
import { connectProvider, eventually, signUp, synced, tempDataDir, TEST_ARGON2 } from "../testing/harness";
import type { ApiClient } from "../testing/harness";
import { appendParagraph } from "../testing/docs";
import { canonicalMarkdownOfDoc, DOCUMENT_FIELD, sha256Hex } from "../../shared/canonical";
import type { HistoryVersionDto } from "../../shared/history";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import { checkpointsOf } from "./checkpoints";
import { exportText, lockNow, signNow, twoOrganizations } from "./testing";

const IDLE = 300_000;
const BURST = 1_800_000;

/** Waits until the stored text (the export) is `expected`. */
const storedText = (c: ApiClient, id: string, expected: string) =>
  eventually(async () => (await exportText(c, id)) === expected, 5000, `stored text ${JSON.stringify(expected)}`);

const versionsOf = async (c: ApiClient, id: string): Promise<HistoryVersionDto[]> =>
  (await c.api.historyVersions(id)).versions;

/** The text node of the clause whose id is `clauseId`. */
function textOf(doc: Y.Doc, clauseId: string): Y.XmlText {
  const el = doc
    .getXmlFragment(DOCUMENT_FIELD)
    .toArray()
    .find((n) => n instanceof Y.XmlElement && n.getAttribute("clauseId") === clauseId) as Y.XmlElement;
  return el.get(0) as Y.XmlText;
}

const pgUrl = await postgresForTests();
/** Every storage the server runs on: SQLite always, PostgreSQL when one is reachable. */
const STORAGES: Array<[string, string | null]> = [
  ["SQLite", null],
  ...(pgUrl ? [["PostgreSQL", pgUrl] as [string, string]] : []),
];

describe.each(STORAGES)("history (%s)", (_name, postgres) => {
  let server: RunningServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  let admin: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    database = postgres ? await createTestDatabase(postgres) : null;
    // Checkpoints are polled by the test with chosen clocks (the timer never fires during it).
    server = await startServer(
      makeConfig({
        dataDir: tempDataDir(),
        port: 0,
        argon2: TEST_ARGON2,
        ...(database ? { databaseUrl: database.url } : {}),
      }),
      { history: { idleMs: IDLE, maxBurstMs: BURST, pollMs: 3_600_000 } },
    );
    admin = await signUp(server.url, "Admin");
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop().catch(() => {});
  });

  it("records a version at each signature, the lock and the unlock, and one checkpoint per burst of editing", async () => {
    const { convener, statementId, alice, bob, orgA, orgB } = await twoOrganizations(server.url);
    const checkpoints = checkpointsOf(server.services)!;
    const a = connectProvider(server.url, statementId, alice);
    await synced(a.provider);
    appendParagraph(a.doc, "First clause.", "c1");
    appendParagraph(a.doc, "Second clause.", "c2");
    await storedText(convener, statementId, "First clause.\n\nSecond clause.\n");

    // A burst: nothing while it goes on, one checkpoint once it has been idle, and no second one after.
    const t = Date.now();
    await checkpoints.poll(t);
    expect(await versionsOf(convener, statementId)).toEqual([]);
    await checkpoints.poll(t + IDLE + 1);
    await checkpoints.poll(t + 3 * IDLE);
    let versions = await versionsOf(convener, statementId);
    expect(versions.map((v) => v.kind)).toEqual(["checkpoint"]);
    expect(versions[0].createdBy).toBeNull();

    // Continuous editing: a burst that started 30 minutes ago gets one checkpoint though the last edit is fresh.
    textOf(a.doc, "c1").insert(0, "Really the ");
    await storedText(convener, statementId, "Really the First clause.\n\nSecond clause.\n");
    await checkpoints.poll(Date.now() - BURST);
    expect(await versionsOf(convener, statementId)).toHaveLength(1);
    await checkpoints.poll(Date.now());
    await checkpoints.poll(Date.now());
    versions = await versionsOf(convener, statementId);
    expect(versions.map((v) => v.kind)).toEqual(["checkpoint", "checkpoint"]);

    // Each signature, the lock and the unlock, named after who did it.
    expect((await signNow(alice, statementId, orgA)).status).toBe(201);
    expect((await signNow(bob, statementId, orgB)).status).toBe(201);
    expect((await lockNow(convener, statementId)).status).toBe(200);
    expect((await admin.post(`/api/statements/${statementId}/unlock`, { reason: "One more look" })).status).toBe(200);
    // Nothing was edited since: no checkpoint is due, however long we wait.
    await checkpoints.poll(Date.now() + 10 * IDLE);
    versions = await versionsOf(convener, statementId);
    expect(versions.map((v) => [v.kind, v.organizationId, v.createdByName])).toEqual([
      ["unlock", null, "Admin"],
      ["lock", null, "Convener"],
      ["signature", orgB, "Bob"],
      ["signature", orgA, "Alice"],
      ["checkpoint", null, null],
      ["checkpoint", null, null],
    ]);
    const signed = "Really the First clause.\n\nSecond clause.\n";
    expect(new Set(versions.slice(0, 4).map((v) => v.hash))).toEqual(new Set([sha256Hex(signed)]));
    const opened = await convener.api.historyVersion(statementId, versions[1].id);
    expect(opened.version.markdown).toBe(signed);
    a.destroy();
  });

  it("diffs two versions of a 30-clause statement clause by clause: exactly the clauses that changed", async () => {
    const { convener, statementId, alice, bob } = await twoOrganizations(server.url);
    const a = connectProvider(server.url, statementId, alice);
    const b = connectProvider(server.url, statementId, bob);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    const clause = (n: number) => `Clause ${n} commits the coalition to goal number ${n}.`;
    a.doc.transact(() => {
      for (let n = 1; n <= 30; n++) appendParagraph(a.doc, clause(n), `c${n}`);
    });
    const before = Array.from({ length: 30 }, (_, i) => clause(i + 1)).join("\n\n") + "\n";
    await storedText(convener, statementId, before);
    const v1 = (await alice.api.nameVersion(statementId, { name: "Draft sent to members" })).version;
    expect(v1).toMatchObject({ kind: "named", name: "Draft sent to members", createdByName: "Alice" });

    // Two people at once: Alice changes clause 5 and removes 20; Bob changes 12, adds one after 25, moves 3.
    await eventually(() => b.doc.getXmlFragment(DOCUMENT_FIELD).length === 30, 5000, "Bob has every clause");
    textOf(a.doc, "c5").insert(clause(5).length - 1, " and to publish its results");
    const fa = a.doc.getXmlFragment(DOCUMENT_FIELD);
    fa.delete(19, 1);
    textOf(b.doc, "c12").delete("Clause 12 ".length, "commits ".length);
    textOf(b.doc, "c12").insert("Clause 12 ".length, "binds ");
    const fb = b.doc.getXmlFragment(DOCUMENT_FIELD);
    b.doc.transact(() => {
      const added = new Y.XmlElement("paragraph");
      added.setAttribute("clauseId", "c-new");
      const t = new Y.XmlText();
      t.insert(0, "A new clause on funding.");
      added.insert(0, [t]);
      fb.insert(25, [added]);
      const moved = (fb.get(2) as Y.XmlElement).clone();
      fb.delete(2, 1);
      fb.insert(27, [moved]);
    });
    await eventually(
      async () => {
        const text = await exportText(convener, statementId);
        return (
          text.includes("and to publish its results") &&
          text.includes("Clause 12 binds") &&
          !text.includes(clause(20)) &&
          text.includes("funding")
        );
      },
      5000,
      "both people's changes stored",
    );
    const v2 = (await bob.api.nameVersion(statementId, { name: "After the call" })).version;

    const { diff } = await convener.api.historyDiff(statementId, v1.id, v2.id);
    expect(Object.fromEntries(diff.changes.map((c) => [c.clauseId, c.status]))).toEqual({
      c3: "moved",
      c5: "changed",
      c12: "changed",
      c20: "removed",
      "c-new": "added",
    });
    expect(diff.unchanged).toBe(26);
    const c5 = diff.changes.find((c) => c.clauseId === "c5")!;
    expect(c5.diff.filter((p) => p.op !== "equal")).toEqual([{ op: "insert", text: " and to publish its results" }]);
    const c12 = diff.changes.find((c) => c.clauseId === "c12")!;
    expect(c12.diff.filter((p) => p.op !== "equal")).toEqual([
      { op: "delete", text: "commits" },
      { op: "insert", text: "binds" },
    ]);
    // The live text is one side too, and the reverse diff mirrors it.
    const toCurrent = (await convener.api.historyDiff(statementId, v1.id, "current")).diff;
    expect(toCurrent.changes.map((c) => [c.clauseId, c.status])).toEqual(
      diff.changes.map((c) => [c.clauseId, c.status]),
    );
    const back = (await convener.api.historyDiff(statementId, v2.id, v1.id)).diff;
    expect(Object.fromEntries(back.changes.map((c) => [c.clauseId, c.status]))).toMatchObject({
      c20: "added",
      "c-new": "removed",
    });

    // Restore the first version: a new change, attributed to Bob; nothing of the record is erased.
    const restored = (await bob.api.restoreVersion(statementId, v1.id, {})).version;
    expect(restored).toMatchObject({ kind: "restore", restoredFrom: v1.id, createdByName: "Bob" });
    const restoredText = (await convener.api.historyVersion(statementId, restored.id)).version.markdown;
    expect(restoredText).toBe(before);
    expect(await exportText(convener, statementId)).toBe(before);
    expect((await versionsOf(convener, statementId)).map((v) => v.id)).toEqual([restored.id, v2.id, v1.id]);
    // Every connected editor got it.
    await eventually(
      () => (a.doc.getXmlFragment(DOCUMENT_FIELD).get(19) as Y.XmlElement)?.toString().includes(clause(20)),
      5000,
      "Alice receives the restored clause",
    );
    // Clauses already as the version has them kept their authors; the ones brought back are Bob's.
    const { attribution } = await convener.api.historyAttribution(statementId, "current");
    const authorsOf = (id: string) =>
      new Set(
        attribution.clauses.find((c) => c.clauseId === id)!.runs.map((r) => attribution.authors[r.author].userName),
      );
    expect(authorsOf("c1")).toEqual(new Set(["Alice"]));
    expect(authorsOf("c20")).toEqual(new Set(["Bob"]));
    // Reworded in place: Alice's words stay hers; the word brought back is Bob's (the space after it was his
    // already, typed with "binds ").
    expect(authorsOf("c5")).toEqual(new Set(["Alice"]));
    const c12Runs = attribution.clauses.find((c) => c.clauseId === "c12")!.runs;
    expect(c12Runs.filter((r) => attribution.authors[r.author].userName === "Bob").map((r) => r.text)).toEqual([
      "commits ",
    ]);
    expect((await convener.api.historyDiff(statementId, v1.id, "current")).diff.changes).toEqual([]);
    a.destroy();
    b.destroy();
  });

  it("stores versions as chains of differences, and every version reopens to exactly its own text", async () => {
    const { convener, statementId, alice } = await twoOrganizations(server.url);
    const a = connectProvider(server.url, statementId, alice);
    await synced(a.provider);
    appendParagraph(a.doc, "Alpha.", "c1");
    appendParagraph(a.doc, "Beta.", "c2");
    const texts = new Map<number, string>();
    // 23 versions: past two whole snapshots, with typing, deleting and a removed clause along the way.
    for (let i = 1; i <= 23; i++) {
      const t = textOf(a.doc, i % 2 === 0 ? "c1" : i > 12 ? "c3" : "c2");
      if (i % 3 === 0) t.delete(0, 2);
      else t.insert(t.length - 1, ` w${i}`);
      if (i === 12) {
        a.doc.getXmlFragment(DOCUMENT_FIELD).delete(1, 1);
        appendParagraph(a.doc, "Gamma.", "c3");
      }
      const expected = canonicalMarkdownOfDoc(a.doc);
      await storedText(convener, statementId, expected);
      const v = (await alice.api.nameVersion(statementId, { name: `v${i}` })).version;
      texts.set(v.id, await exportText(convener, statementId));
    }
    const stored = server.services.db
      .selectFrom("history_snapshots")
      .select(["base_seq"])
      .where("statement_id", "=", statementId);
    const rows = await stored.execute();
    expect(rows.filter((r) => r.base_seq === null)).toHaveLength(3);
    for (const [id, text] of texts) {
      const { version } = await convener.api.historyVersion(statementId, id);
      expect(version.markdown).toBe(text);
      expect(version.hash).toBe(sha256Hex(text));
    }
    a.destroy();
  });

  it("restores while another drafter types in the same statement: everyone converges on the restored clause", async () => {
    const { convener, statementId, alice, bob } = await twoOrganizations(server.url);
    const a = connectProvider(server.url, statementId, alice);
    const b = connectProvider(server.url, statementId, bob);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "One.", "c1");
    appendParagraph(a.doc, "Two.", "c2");
    await storedText(convener, statementId, "One.\n\nTwo.\n");
    const v1 = (await alice.api.nameVersion(statementId, { name: "Before" })).version;
    await eventually(() => b.doc.getXmlFragment(DOCUMENT_FIELD).length === 2, 5000, "Bob has both clauses");
    textOf(b.doc, "c2").insert(3, " changed");
    await storedText(convener, statementId, "One.\n\nTwo changed.\n");

    // Alice types into clause 1 while Bob restores the first version, at the same moment.
    const typing = (async () => {
      for (let k = 0; k < 20; k++) {
        const t = textOf(a.doc, "c1");
        t.insert(t.length - 1, ` a${k}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const restored = await bob.api.restoreVersion(statementId, v1.id, {});
    await typing;
    expect(restored.version.kind).toBe("restore");
    // Typed after the restore: kept whatever the order of the rest.
    const t = textOf(a.doc, "c1");
    t.insert(t.length - 1, " done");
    await eventually(
      async () => {
        const text = await exportText(convener, statementId);
        return (
          text.endsWith("done.\n\nTwo.\n") &&
          canonicalMarkdownOfDoc(a.doc) === text &&
          canonicalMarkdownOfDoc(b.doc) === text
        );
      },
      5000,
      "all three agree on the restored clause 2 and Alice's last words",
    );
    a.destroy();
    b.destroy();
  });

  it("shows what changed since my organization signed and since its position on a clause", async () => {
    const { convener, statementId, alice, bob, orgA } = await twoOrganizations(server.url);
    const a = connectProvider(server.url, statementId, alice);
    await synced(a.provider);
    appendParagraph(a.doc, "We support open standards.", "c1");
    appendParagraph(a.doc, "We meet yearly.", "c2");
    await storedText(convener, statementId, "We support open standards.\n\nWe meet yearly.\n");
    const shown = { clauseHash: sha256Hex("We support open standards."), clauseText: "We support open standards." };
    const put = await alice.request("PUT", `/api/statements/${statementId}/signoffs`, {
      clauseId: "c1",
      organizationId: orgA,
      position: "approve",
      ...shown,
    });
    expect(put.status).toBe(200);
    expect((await signNow(alice, statementId, orgA)).status).toBe(201);
    expect((await alice.api.historySincePositions(statementId)).changes).toEqual([]);
    expect((await alice.api.historySinceSignature(statementId)).diff?.changes).toEqual([]);

    // Bob (another organization) edits the approved clause.
    const b = connectProvider(server.url, statementId, bob);
    await synced(b.provider);
    textOf(b.doc, "c1").insert("We support ".length, "royalty-free ");
    await storedText(convener, statementId, "We support royalty-free open standards.\n\nWe meet yearly.\n");

    const since = await alice.api.historySincePositions(statementId);
    expect(since.organizationId).toBe(orgA);
    expect(since.changes).toHaveLength(1);
    expect(since.changes[0]).toMatchObject({
      clauseId: "c1",
      position: "approve",
      before: "We support open standards.",
      after: "We support royalty-free open standards.",
    });
    expect(since.changes[0].diff.filter((p) => p.op !== "equal")).toEqual([{ op: "insert", text: "royalty-free " }]);
    const signedDiff = (await alice.api.historySinceSignature(statementId)).diff!;
    expect(signedDiff.changes.map((c) => [c.clauseId, c.status])).toEqual([["c1", "changed"]]);
    // Bob's organization never signed nor positioned: nothing to show, no error.
    expect((await bob.api.historySinceSignature(statementId)).diff).toBeNull();
    expect((await bob.api.historySincePositions(statementId)).changes).toEqual([]);
    a.destroy();
    b.destroy();
  });

  it("lets drafters and the convener name and restore versions while drafting, and only the convener read the summary", async () => {
    const { convener, statementId, alice, others } = await twoOrganizations(server.url, ["reviewer", "observer"]);
    const [reviewer, observer] = others;
    const a = connectProvider(server.url, statementId, alice);
    await synced(a.provider);
    appendParagraph(a.doc, "Only clause.", "c1");
    await storedText(convener, statementId, "Only clause.\n");
    const named = { name: "Mine" };
    for (const who of [reviewer, observer]) {
      expect((await who.post(`/api/statements/${statementId}/history`, named)).status).toBe(403);
      expect((await who.get(`/api/statements/${statementId}/history`)).status).toBe(200);
      expect((await who.get(`/api/statements/${statementId}/history/summary`)).status).toBe(403);
    }
    expect((await alice.post(`/api/statements/${statementId}/history`, { name: "  " })).status).toBe(400);
    const byConvener = await convener.post(`/api/statements/${statementId}/history`, named);
    expect(byConvener.status).toBe(201);
    const vid = byConvener.json.version.id as number;
    for (const who of [reviewer, observer])
      expect((await who.post(`/api/statements/${statementId}/history/${vid}/restore`, {})).status).toBe(403);
    expect((await alice.get(`/api/statements/${statementId}/history/summary`)).status).toBe(403);
    expect((await convener.get(`/api/statements/${statementId}/history/summary`)).status).toBe(200);
    expect((await alice.get(`/api/statements/${statementId}/history/diff/${vid}/nope`)).status).toBe(400);
    // Refused after the lock: nothing restored, nothing named.
    expect((await lockNow(convener, statementId)).status).toBe(200);
    const count = (await versionsOf(convener, statementId)).length;
    expect((await alice.post(`/api/statements/${statementId}/history/${vid}/restore`, {})).status).toBe(409);
    expect((await convener.post(`/api/statements/${statementId}/history`, named)).status).toBe(409);
    expect(await versionsOf(convener, statementId)).toHaveLength(count);
    a.destroy();
  });
});
