/**
 * List items are clauses (shared/canonical.ts): a list's items are each a clause for sign-off and comments, and a
 * list written before items carried ids keeps its positions and threads through the editor's migration, with the
 * canonical text (and so the hash of a locked statement) unchanged. Real server, real y-websocket clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { RunningServer } from "../server";
import { connectProvider, eventually, startTestServer, synced } from "../testing/harness";
import type { ApiClient } from "../testing/harness";
import { exportText } from "../history/testing";
import { statementWithOrganizations } from "../amendments/testing";
import { DOCUMENT_FIELD, sha256Hex } from "../../shared/canonical";
import { anchorForClauseRange } from "../../shared/comments/anchors";
import type { ThreadDto } from "../../shared/comments/schemas";
import { MessageType } from "../../shared/protocol";
import { expandMatrix } from "../../shared/signoff";
import type { SignoffMatrixDto } from "../../shared/signoff";

const RISKS = ["fragmentation of the network", "capture by one group", "mass surveillance"];

/** A paragraph, then a bullet list of the risks: ids on the list (`list`) or on each item (`items`). */
function writeRisks(doc: Y.Doc, ids: { list?: string; items?: string[] }): void {
  doc.transact(() => {
    const intro = new Y.XmlElement("paragraph");
    intro.setAttribute("clauseId", "c-intro");
    intro.insert(0, [new Y.XmlText("We see three risks:")]);
    const list = new Y.XmlElement("bulletList");
    if (ids.list) list.setAttribute("clauseId", ids.list);
    list.insert(
      0,
      RISKS.map((words, i) => {
        const item = new Y.XmlElement("listItem");
        if (ids.items) item.setAttribute("clauseId", ids.items[i]);
        const p = new Y.XmlElement("paragraph");
        p.insert(0, [new Y.XmlText(words)]);
        item.insert(0, [p]);
        return item;
      }),
    );
    doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [intro, list]);
  });
}

const EXPECTED = `We see three risks:\n\n${RISKS.map((r) => `- ${r}`).join("\n")}\n`;

async function matrix(c: ApiClient, statementId: string): Promise<SignoffMatrixDto> {
  return expandMatrix(await c.api.signoffs(statementId));
}

describe("list items are clauses", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function setup(ids: { list?: string; items?: string[] }) {
    const s = await statementWithOrganizations(server.url);
    const editor = connectProvider(server.url, s.statementId, s.alice);
    editor.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(editor.provider);
    writeRisks(editor.doc, ids);
    await eventually(async () => (await exportText(s.alice, s.statementId)) === EXPECTED, 5000, "list stored");
    return { ...s, editor };
  }

  it("a 3-item list gives 3 clauses that each take positions and threads of their own", async () => {
    const s = await setup({ items: ["r1", "r2", "r3"] });
    const m = await matrix(s.alice, s.statementId);
    expect(m.clauses.map((c) => [c.clauseId, c.type, c.markdown])).toEqual([
      ["c-intro", "paragraph", "We see three risks:"],
      ["r1", "listItem", RISKS[0]],
      ["r2", "listItem", RISKS[1]],
      ["r3", "listItem", RISKS[2]],
    ]);
    const r2 = m.clauses[2];
    const put = await s.alice.api.setPosition(s.statementId, {
      clauseId: "r2",
      organizationId: s.orgA,
      position: "object",
      reason: "Too vague",
      clauseHash: r2.hash,
      clauseText: r2.markdown,
    });
    expect(put.position).toMatchObject({ clauseId: "r2", stale: false });
    const thread = await s.reviewer.api.createThread(s.statementId, {
      clauseId: "r3",
      body: "Whose surveillance?",
      anchor: anchorForClauseRange(s.editor.doc, "r3", 5, 17),
    });
    expect(thread.thread).toMatchObject({
      clauseId: "r3",
      clauseExists: true,
      placement: { kind: "range", clauseIndex: 3, text: "surveillance", quote: "intact" },
    });

    // Editing the third item leaves the position on the second fresh.
    const third = s.editor.doc.getXmlFragment(DOCUMENT_FIELD).get(1) as Y.XmlElement;
    (((third.get(2) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, "state ");
    await eventually(
      async () => (await matrix(s.alice, s.statementId)).clauses[3]?.markdown === `state ${RISKS[2]}`,
      5000,
      "third item edited",
    );
    const after = await matrix(s.alice, s.statementId);
    expect(after.positions.find((p) => p.clauseId === "r2")).toMatchObject({ stale: false, position: "object" });
    s.editor.destroy();
  });

  it("a list written before items had ids keeps its positions and threads through the migration", async () => {
    const s = await setup({ list: "old-risks" });
    const before = await matrix(s.alice, s.statementId);
    expect(before.clauses.map((c) => [c.clauseId, c.type])).toEqual([
      ["c-intro", "paragraph"],
      ["old-risks", "bulletList"],
    ]);
    const whole = before.clauses[1];
    await s.alice.api.setPosition(s.statementId, {
      clauseId: "old-risks",
      organizationId: s.orgA,
      position: "approve",
      clauseHash: whole.hash,
      clauseText: whole.markdown,
    });
    const onList = (await s.reviewer.api.createThread(s.statementId, { clauseId: "old-risks", body: "All three?" }))
      .thread;
    // A thread on words of the third item, made while the list was one clause.
    const listText = RISKS.join("\n");
    const at = listText.indexOf("surveillance");
    const onWords = (
      await s.reviewer.api.createThread(s.statementId, {
        clauseId: "old-risks",
        body: "Whose?",
        anchor: anchorForClauseRange(s.editor.doc, "old-risks", at, at + "surveillance".length),
      })
    ).thread;
    expect(onWords.placement).toMatchObject({ kind: "range", clauseIndex: 1, text: "surveillance", quote: "intact" });
    // Until the list is edited nothing changes: the position is fresh, the thread on the list.
    expect((await matrix(s.bob, s.statementId)).positions[0]).toMatchObject({ clauseId: "old-risks", stale: false });
    const hash = sha256Hex(await exportText(s.alice, s.statementId));

    // The editor's migration (client/editor/extensions/clause-id.ts), as one change: the list's id moves to its
    // first item, the others get new ids.
    const list = s.editor.doc.getXmlFragment(DOCUMENT_FIELD).get(1) as Y.XmlElement;
    s.editor.doc.transact(() => {
      list.removeAttribute("clauseId");
      (list.get(0) as Y.XmlElement).setAttribute("clauseId", "old-risks");
      (list.get(1) as Y.XmlElement).setAttribute("clauseId", "n2");
      (list.get(2) as Y.XmlElement).setAttribute("clauseId", "n3");
    });
    await eventually(async () => (await matrix(s.alice, s.statementId)).clauses.length === 4, 5000, "migration stored");
    // The canonical text, and so the hash, is byte for byte the same.
    expect(sha256Hex(await exportText(s.alice, s.statementId))).toBe(hash);
    const after = await matrix(s.bob, s.statementId);
    expect(after.clauses.map((c) => [c.clauseId, c.type])).toEqual([
      ["c-intro", "paragraph"],
      ["old-risks", "listItem"],
      ["n2", "listItem"],
      ["n3", "listItem"],
    ]);
    // The position is kept, on the first item, and shows what it approved: the whole list.
    const position = after.positions.find((p) => p.clauseId === "old-risks");
    expect(position).toMatchObject({ position: "approve", removed: false, stale: true, clauseText: whole.markdown });
    // The thread is kept, on the first item.
    const thread = (await s.reviewer.api.thread(onList.id)).thread as ThreadDto;
    expect(thread).toMatchObject({ clauseId: "old-risks", clauseExists: true, placement: { kind: "clause" } });
    expect(thread.comments[0].content).toMatchObject({ body: "All three?" });
    // The thread on words keeps its words, now placed in the third item.
    expect((await s.reviewer.api.thread(onWords.id)).thread).toMatchObject({
      clauseId: "old-risks",
      clauseExists: true,
      quoteIntact: true,
      placement: { kind: "range", clauseIndex: 3, text: "surveillance", quote: "intact" },
    });
    s.editor.destroy();
  });
});
