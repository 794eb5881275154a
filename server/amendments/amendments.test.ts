/**
 * Amendments through the API and the realtime push, on a real server with real y-websocket clients: who may
 * propose and decide, accepting applies exactly the proposed words (for every connected editor), a proposal whose
 * words changed cannot be accepted, two decisions at the same moment leave exactly one winner, and the lock closes
 * what is undecided.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { RunningServer } from "../server";
import { ApiClient, connectProvider, eventually, startTestServer, synced } from "../testing/harness";
import { appendParagraph } from "../testing/docs";
import { exportText, lockNow } from "../history/testing";
import { statementWithOrganizations } from "./testing";
import { transition } from "./store";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { expandMatrix } from "../../shared/signoff";
import { anchorForClauseRange, clauseText, findClause } from "../../shared/comments/anchors";
import type { AmendmentDto } from "../../shared/amendments/schemas";
import { MessageType, isAppEvent } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";

const OPEN = "We commit to an open, interoperable and secure Internet.";
const ACCESS = "Access should be affordable for everyone.";
const BULLETS = ["open standards", "multistakeholder governance", "human rights online"];

/** Appends a bullet list whose items are clauses `b1`… */
function appendBullets(doc: Y.Doc): void {
  const list = new Y.XmlElement("bulletList");
  list.insert(
    0,
    BULLETS.map((words, i) => {
      const item = new Y.XmlElement("listItem");
      item.setAttribute("clauseId", `b${i + 1}`);
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText(words)]);
      item.insert(0, [p]);
      return item;
    }),
  );
  const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
  fragment.insert(fragment.length, [list]);
}

const EXPECTED = `${OPEN}\n\n${ACCESS}\n\n${BULLETS.map((b) => `- ${b}`).join("\n")}\n`;

/** A connected editor that records the app events pushed to it. */
function listener(baseUrl: string, statementId: string, who: ApiClient) {
  const p = connectProvider(baseUrl, statementId, who);
  const events: AppEvent[] = [];
  p.provider.messageHandlers[MessageType.appEvent] = (_encoder, decoder) => {
    const ev: unknown = JSON.parse(decoding.readVarString(decoder));
    if (isAppEvent(ev)) events.push(ev);
  };
  const pushed = (id: string) =>
    events.flatMap((e) => (e.type === "amendments.changed" && e.amendment.id === id ? [e.amendment] : []));
  return { ...p, events, pushed };
}

const pgUrl = await postgresForTests();
/** Every storage the server runs on: SQLite always, PostgreSQL when one is reachable. */
const STORAGES: Array<[string, string | null]> = [
  ["SQLite", null],
  ...(pgUrl ? [["PostgreSQL", pgUrl] as [string, string]] : []),
];

describe.each(STORAGES)("amendments (%s)", (_name, postgres) => {
  let server: RunningServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  beforeAll(async () => {
    database = postgres ? await createTestDatabase(postgres) : null;
    server = await startTestServer(database ? { databaseUrl: database.url } : {});
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop().catch(() => {});
  });

  async function setup() {
    const s = await statementWithOrganizations(server.url);
    const editor = listener(server.url, s.statementId, s.alice);
    await synced(editor.provider);
    appendParagraph(editor.doc, OPEN, "c-open");
    appendParagraph(editor.doc, ACCESS, "c-access");
    appendBullets(editor.doc);
    await eventually(async () => (await exportText(s.alice, s.statementId)) === EXPECTED, 5000, "text stored");
    const path = `/api/statements/${s.statementId}/amendments`;
    /** A proposal to replace `words` in clause `clauseId` (of the editor's copy) by `replacement`. */
    const propose = (who: ApiClient, clauseId: string, words: string | null, replacement: string) => {
      let anchor;
      if (words !== null) {
        const at = clauseTextOf(editor.doc, clauseId).indexOf(words);
        anchor = anchorForClauseRange(editor.doc, clauseId, at, at + words.length);
      }
      return who.post(path, { clauseId, anchor, replacement, reason: "Clearer" });
    };
    const decide = (who: ApiClient, id: string, body: Record<string, unknown>) =>
      who.post(`/api/amendments/${id}/decision`, body);
    return { ...s, editor, path, propose, decide };
  }

  /** A clause's plain text in a client's copy of the document. */
  function clauseTextOf(doc: Y.Doc, clauseId: string): string {
    const clause = findClause(doc, clauseId);
    return clause ? clauseText(clause.element).text : "";
  }

  it("role matrix: reviewers and drafters propose, observers cannot; drafters and the convener decide, reviewers cannot", async () => {
    const s = await setup();
    const observerTry = await s.propose(s.observer, "c-open", "secure", "safe");
    expect(observerTry.status).toBe(403);
    const byReviewer = await s.propose(s.reviewer, "c-open", "secure", "safe");
    expect(byReviewer.status).toBe(201);
    const a = byReviewer.json.amendment as AmendmentDto;
    expect(a).toMatchObject({
      clauseId: "c-open",
      status: "open",
      replacement: "safe",
      reason: "Clearer",
      target: { quote: "secure", start: OPEN.indexOf("secure"), end: OPEN.indexOf("secure") + 6 },
      proposer: { id: s.reviewer.userId, organizationId: s.orgB },
      decision: null,
    });
    expect((await s.propose(s.bob, "c-access", "affordable", "cheap")).status).toBe(201);
    expect((await s.propose(s.convener, "c-access", "everyone", "all")).status).toBe(201);

    // Deciding: reviewers and observers are refused, outsiders see nothing, the proposal stays open.
    for (const who of [s.reviewer, s.observer]) {
      const r = await s.decide(who, a.id, { decision: "accept" });
      expect(r.status).toBe(403);
      expect((await s.decide(who, a.id, { decision: "decline", reason: "No" })).status).toBe(403);
    }
    expect((await s.decide(s.alice, a.id, { decision: "withdraw" })).status).toBe(403);
    const outsider = (await statementWithOrganizations(server.url)).alice;
    expect((await s.decide(outsider, a.id, { decision: "accept" })).status).toBe(404);
    expect((await outsider.get(s.path)).status).toBe(404);
    // Bad bodies are 400s that change nothing.
    expect((await s.decide(s.alice, a.id, { decision: "decline" })).status).toBe(400);
    expect((await s.decide(s.alice, a.id, { decision: "maybe" })).status).toBe(400);
    expect((await s.reviewer.post(s.path, { clauseId: "c-open", replacement: "x" })).status).toBe(400);
    expect((await s.reviewer.post(s.path, { clauseId: "nowhere", replacement: "x", reason: "r" })).status).toBe(400);
    expect((await s.propose(s.reviewer, "c-open", "secure", "secure")).status).toBe(400);
    const list = (await s.observer.get(s.path)).json.amendments as AmendmentDto[];
    expect(list.map((x) => x.status)).toEqual(["open", "open", "open"]);
    expect(await exportText(s.alice, s.statementId)).toBe(EXPECTED);

    // The convener declines with a reason; a drafter accepts.
    const declined = await s.decide(s.convener, list[2].id, { decision: "decline", reason: "Keep everyone" });
    expect(declined.json.amendment).toMatchObject({
      status: "declined",
      decision: { by: { id: s.convener.userId }, reason: "Keep everyone" },
    });
    expect((await s.decide(s.bob, a.id, { decision: "accept" })).json.amendment).toMatchObject({
      status: "accepted",
      decision: { by: { id: s.bob.userId } },
    });
    // The proposer withdraws their own open proposal.
    expect((await s.decide(s.bob, list[1].id, { decision: "withdraw" })).json.amendment.status).toBe("closed");
    s.editor.destroy();
  });

  it("accepting replaces exactly the proposed words, for every connected editor, and pushes the change", async () => {
    const s = await setup();
    const other = listener(server.url, s.statementId, s.bob);
    await synced(other.provider);
    const onWords = (await s.propose(s.reviewer, "c-open", "open, interoperable", "free and open")).json
      .amendment as AmendmentDto;
    const onBullet = (await s.propose(s.reviewer, "b2", null, "inclusive multistakeholder governance")).json
      .amendment as AmendmentDto;
    expect(onBullet.target).toMatchObject({ quote: BULLETS[1], start: 0, end: BULLETS[1].length });
    await eventually(() => other.pushed(onBullet.id).length === 1, 3000, "proposal pushed");
    expect(other.pushed(onBullet.id)[0]).toMatchObject({ status: "open", replacement: onBullet.replacement });
    // Bob's organization approves the bullet as it stands.
    const bullet = expandMatrix(await s.bob.api.signoffs(s.statementId)).clauses.find((c) => c.clauseId === "b2")!;
    await s.bob.api.setPosition(s.statementId, {
      clauseId: "b2",
      organizationId: s.orgB,
      position: "approve",
      clauseHash: bullet.hash,
      clauseText: bullet.markdown,
    });

    // Someone types elsewhere in the clause meanwhile: the proposal follows its words.
    const openText = findClause(s.editor.doc, "c-open")!.element.get(0) as Y.XmlText;
    openText.insert(0, "Together, ");
    await eventually(
      async () => (await exportText(s.alice, s.statementId)).startsWith("Together, "),
      5000,
      "edit stored",
    );

    expect((await s.decide(s.alice, onWords.id, { decision: "accept" })).status).toBe(200);
    expect((await s.decide(s.alice, onBullet.id, { decision: "accept" })).status).toBe(200);
    const expected = EXPECTED.replace(
      OPEN,
      `Together, ${OPEN.replace("open, interoperable", "free and open")}`,
    ).replace(BULLETS[1], "inclusive multistakeholder governance");
    expect(await exportText(s.convener, s.statementId)).toBe(expected);
    // Both editors' documents show it, and both heard of the decisions.
    for (const e of [s.editor, other]) {
      await eventually(() => clauseTextOf(e.doc, "b2") === "inclusive multistakeholder governance", 3000, "b2 synced");
      expect(clauseTextOf(e.doc, "c-open")).toBe(`Together, ${OPEN.replace("open, interoperable", "free and open")}`);
    }
    await eventually(() => other.pushed(onBullet.id).some((x) => x.status === "accepted"), 3000, "accept pushed");
    // The edit was made in the acceptor's name, under a client id bound to them.
    const bound = await server.services.db
      .selectFrom("doc_clients")
      .selectAll()
      .where("statement_id", "=", s.statementId)
      .where("user_id", "=", s.alice.userId)
      .execute();
    expect(bound.length).toBeGreaterThan(1);
    // The accepted wording is a normal edit: the approval given on the old words is stale, with their diff.
    const approval = expandMatrix(await s.bob.api.signoffs(s.statementId)).positions.find((p) => p.clauseId === "b2");
    expect(approval).toMatchObject({ stale: true, clauseText: BULLETS[1] });
    other.destroy();
    s.editor.destroy();
  });

  it("a proposal whose words changed is outdated: never applied, shown as such, its text untouched", async () => {
    const s = await setup();
    const a = (await s.propose(s.reviewer, "c-access", "affordable", "free")).json.amendment as AmendmentDto;
    const b = (await s.propose(s.reviewer, "b3", "human rights", "rights")).json.amendment as AmendmentDto;
    // A drafter rewrites one of the target words.
    const access = findClause(s.editor.doc, "c-access")!.element.get(0) as Y.XmlText;
    access.delete(ACCESS.indexOf("affordable"), "afford".length);
    access.insert(ACCESS.indexOf("affordable"), "reason");
    const changed = EXPECTED.replace("affordable", "reasonable");
    await eventually(async () => (await exportText(s.alice, s.statementId)) === changed, 5000, "edit stored");

    const refused = await s.decide(s.bob, a.id, { decision: "accept" });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/changed since it was proposed.*outdated/);
    expect(await exportText(s.alice, s.statementId)).toBe(changed);
    const list = (await s.alice.get(s.path)).json.amendments as AmendmentDto[];
    expect(list.find((x) => x.id === a.id)?.status).toBe("outdated");
    expect((await s.decide(s.bob, a.id, { decision: "accept" })).status).toBe(409);

    // Listing notices an outdated proposal by itself: the bullet's words are deleted.
    const item = findClause(s.editor.doc, "b3")!.element;
    const words = (item.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    words.delete(0, "human ".length);
    await eventually(
      async () =>
        ((await s.alice.get(s.path)).json.amendments as AmendmentDto[]).some(
          (x) => x.status === "outdated" && x.id === b.id,
        ),
      5000,
      "marked outdated",
    );
    s.editor.destroy();
  });

  it("two drafters deciding the same proposal at the same moment: exactly one wins, the words are replaced once", async () => {
    const s = await setup();
    for (let round = 0; round < 3; round++) {
      const a = (await s.propose(s.reviewer, "b1", null, `open standards (${round})`)).json.amendment as AmendmentDto;
      // Four decisions at once: both drafters, the convener, and a drafter twice; one declines in round 1.
      const bobBody = round === 1 ? { decision: "decline", reason: "Not now" } : { decision: "accept" };
      const answers = await Promise.all([
        s.decide(s.alice, a.id, { decision: "accept" }),
        s.decide(s.bob, a.id, bobBody),
        s.decide(s.convener, a.id, { decision: "accept" }),
        s.decide(s.alice, a.id, { decision: "accept" }),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      const winner = answers.find((r) => r.status === 200)!;
      for (const loser of answers.filter((r) => r !== winner)) {
        expect(loser.json.error.message).toMatch(/already (accepted|declined) by/);
      }
      const final = (await s.alice.get(s.path)).json.amendments.find((x: AmendmentDto) => x.id === a.id);
      expect(final.status).toBe(winner.json.amendment.status);
      const text = await exportText(s.alice, s.statementId);
      const applied = final.status === "accepted";
      expect(text.split(`open standards (${round})`).length - 1).toBe(applied ? 1 : 0);
      // The next round targets the bullet as it now is.
      await eventually(
        async () => clauseTextOf(s.editor.doc, "b1") === (text.match(/^- (.*)$/m)?.[1] ?? ""),
        3000,
        "editor synced",
      );
    }
    // The claim itself: two decisions that both read the proposal as open, then both try to move it.
    const last = (await s.propose(s.reviewer, "b2", null, "governance")).json.amendment as AmendmentDto;
    const claims = await Promise.all([
      transition(server.services.db, last.id, "open", "accepted", { by: s.alice.userId, reason: null }),
      transition(server.services.db, last.id, "open", "declined", { by: s.bob.userId, reason: "No" }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    s.editor.destroy();
  });

  it("a position may reference an open proposal on its clause: approve if amended as proposed", async () => {
    const s = await setup();
    const watcher = listener(server.url, s.statementId, s.reviewer);
    await synced(watcher.provider);
    const a = (await s.propose(s.reviewer, "b2", null, "inclusive governance")).json.amendment as AmendmentDto;
    const other = (await s.propose(s.reviewer, "b3", null, "rights")).json.amendment as AmendmentDto;
    const clause = expandMatrix(await s.alice.api.signoffs(s.statementId)).clauses.find((c) => c.clauseId === "b2")!;
    const position = (amendmentId: string) =>
      s.alice.request("PUT", `/api/statements/${s.statementId}/signoffs`, {
        clauseId: "b2",
        organizationId: s.orgA,
        position: "approve",
        clauseHash: clause.hash,
        clauseText: clause.markdown,
        amendmentId,
      });
    // Only an open proposal on that very clause.
    expect((await position(other.id)).status).toBe(400);
    expect((await position("nope")).status).toBe(400);
    expect((await position(a.id)).status).toBe(200);
    const listed = ((await s.bob.get(s.path)).json.amendments as AmendmentDto[]).find((x) => x.id === a.id)!;
    expect(listed.positions).toEqual([
      { organizationId: s.orgA, organization: expect.any(String), position: "approve" },
    ]);
    await eventually(() => watcher.pushed(a.id).some((x) => x.positions.length === 1), 3000, "position pushed");
    const audit = await server.services.db
      .selectFrom("audit_log")
      .select("detail")
      .where("statement_id", "=", s.statementId)
      .where("action", "=", "position.set")
      .execute();
    expect(audit.map((r) => JSON.parse(r.detail).amendmentId)).toEqual([a.id]);
    // Once declined, it can no longer be referenced.
    await s.decide(s.bob, a.id, { decision: "decline", reason: "No" });
    expect((await position(a.id)).status).toBe(400);
    watcher.destroy();
    s.editor.destroy();
  });

  it("after the lock, undecided proposals are closed and nothing is proposed or decided", async () => {
    const s = await setup();
    const open = (await s.propose(s.reviewer, "c-open", "secure", "safe")).json.amendment as AmendmentDto;
    const watcher = listener(server.url, s.statementId, s.reviewer);
    await synced(watcher.provider);
    expect((await lockNow(s.convener, s.statementId)).status).toBe(200);
    const list = (await s.reviewer.get(s.path)).json.amendments as AmendmentDto[];
    expect(list.map((x) => x.status)).toEqual(["closed"]);
    await eventually(() => watcher.pushed(open.id).some((x) => x.status === "closed"), 3000, "closed pushed");
    expect((await s.decide(s.alice, open.id, { decision: "accept" })).status).toBe(409);
    expect((await s.propose(s.reviewer, "c-access", "everyone", "all")).status).toBe(409);
    watcher.destroy();
    s.editor.destroy();
  });
});

describe.skipIf(!pgUrl)("amendments on two instances sharing one PostgreSQL database", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase(pgUrl!);
    a = await startTestServer({ databaseUrl: database.url, instanceId: "amend-a" });
    b = await startTestServer({ databaseUrl: database.url, instanceId: "amend-b" });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop().catch(() => {});
  });

  it("two drafters on two instances decide the same proposal at the same moment: exactly one wins", async () => {
    const s = await statementWithOrganizations(a.url);
    const writer = connectProvider(a.url, s.statementId, s.alice);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, OPEN, "c-open");
    await eventually(async () => (await exportText(s.alice, s.statementId)) === `${OPEN}\n`, 5000, "text stored");
    // Bob works through instance B with his own session.
    const bobOnB = new ApiClient(b.url);
    bobOnB.cookie = s.bob.cookie;
    for (let round = 0; round < 3; round++) {
      // The words as they are now (a round's accepted wording is the next round's target).
      const current = clauseText(findClause(writer.doc, "c-open")!.element).text;
      const words = /secure!*/.exec(current)![0];
      const replacement = `secure${"!".repeat(round + 1)}`;
      const at = current.indexOf(words);
      const proposal = await s.reviewer.post(`/api/statements/${s.statementId}/amendments`, {
        clauseId: "c-open",
        anchor: anchorForClauseRange(writer.doc, "c-open", at, at + words.length),
        replacement,
        reason: "Emphasis",
      });
      expect(proposal.status).toBe(201);
      const id = (proposal.json.amendment as AmendmentDto).id;
      const answers = await Promise.all([
        s.alice.post(`/api/amendments/${id}/decision`, { decision: "accept" }),
        bobOnB.post(
          `/api/amendments/${id}/decision`,
          round === 1 ? { decision: "decline", reason: "No" } : { decision: "accept" },
        ),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = answers.find((r) => r.status === 200)!.json.amendment as AmendmentDto;
      const expected = winner.status === "accepted" ? current.replace(words, replacement) : current;
      expect(await exportText(s.alice, s.statementId)).toBe(`${expected}\n`);
      await eventually(
        () => clauseText(findClause(writer.doc, "c-open")!.element).text === expected,
        5000,
        "decision synced to the editor",
      );
    }
    writer.destroy();
  });
});
