/**
 * Issue 16, with real clients: a position, a signature and the lock bind the text the person was shown. An
 * edit that lands between reading and deciding makes the server refuse (409 `text_changed`, with the diff) and
 * record nothing; a lock racing with a stream of edits stores exactly the text the convener confirmed and
 * refuses every later edit; two lock requests at once give one final version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import * as decoding from "lib0/decoding";
import type { RunningServer } from "../server";
import { connectProvider, eventually, signUp, startTestServer, synced } from "../testing/harness";
import type { ApiClient } from "../testing/harness";
import { appendParagraph, typeInto } from "../testing/docs";
import { canonicalMarkdownOfDoc, DOCUMENT_FIELD, sha256Hex } from "../../shared/canonical";
import { docFromStored } from "../storage/documents";
import { expandMatrix, lockOverrideOf } from "../../shared/signoff";
import { MessageType } from "../../shared/protocol";
import type { SignoffMatrixDto, TextChangedDetails } from "../../shared/signoff";

type Client = Awaited<ReturnType<typeof signUp>>;

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const matrix = async (c: ApiClient, id: string): Promise<SignoffMatrixDto> =>
  expandMatrix((await c.get(`/api/statements/${id}/signoffs`)).json);
const exported = async (c: ApiClient, id: string): Promise<string> =>
  (await c.get(`/api/statements/${id}/export.md`)).text;
const audit = async (
  c: ApiClient,
  id: string,
): Promise<Array<{ action: string; hash: string | null; detail: Record<string, unknown> }>> =>
  (await c.get(`/api/statements/${id}/audit`)).json.entries;

/** What a person loading the statement now is shown: the whole text and its hash. */
async function loadDocument(c: ApiClient, id: string) {
  const text = await exported(c, id);
  return { documentHash: sha256Hex(text), documentText: text };
}

/**
 * A y-websocket client of `client` that ignores app events and counts the permission-denied messages it gets
 * (instead of logging each one), so a test can see that its edits were refused.
 */
function quietProvider(id: string, client: ApiClient) {
  const p = connectProvider(server.url, id, client);
  const denied: string[] = [];
  p.provider.messageHandlers[MessageType.appEvent] = () => {};
  p.provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) denied.push(decoding.readVarString(decoder));
  };
  return { ...p, denied };
}

/** The statement's stored document (the update log and snapshot), as canonical Markdown. */
async function storedText(id: string): Promise<string> {
  const doc = docFromStored(await server.services.documents.load(id));
  try {
    return canonicalMarkdownOfDoc(doc);
  } finally {
    doc.destroy();
  }
}

/** A statement with clauses c1..c3, organizations A and B (a drafter representative each) and a plain drafter editing live. */
async function scenario() {
  const convener = await signUp(server.url, "Convener");
  const statementId: string = (await convener.post("/api/statements", { title: "Joint statement" })).json.statement.id;
  const orgs: string[] = [];
  const reps: Client[] = [];
  for (const name of ["Alpha Registry", "Beta Network"]) {
    const org = await convener.post("/api/organizations", {
      name: `${name} ${Date.now()}-${orgs.length}`,
      shortName: name.split(" ")[0],
      stakeholderGroup: "civil-society",
    });
    orgs.push(org.json.organization.id);
    const rep = await signUp(server.url, `Rep ${name}`);
    expect(
      (
        await convener.post(`/api/statements/${statementId}/members`, {
          email: rep.email,
          role: "drafter",
          organizationId: org.json.organization.id,
        })
      ).status,
    ).toBe(201);
    reps.push(rep);
  }
  const drafter = await signUp(server.url, "Drafter");
  expect(
    (await convener.post(`/api/statements/${statementId}/members`, { email: drafter.email, role: "drafter" })).status,
  ).toBe(201);
  const editor = quietProvider(statementId, drafter);
  await synced(editor.provider);
  appendParagraph(editor.doc, "We support open standards.", "c1");
  appendParagraph(editor.doc, "We commit to multistakeholder governance.", "c2");
  appendParagraph(editor.doc, "We will report every year.", "c3");
  await eventually(async () => (await matrix(convener, statementId)).clauses.length === 3, 5000, "clauses stored");
  return { convener, statementId, orgA: orgs[0], orgB: orgs[1], repA: reps[0], repB: reps[1], drafter, editor };
}

/** The drafter's edit, and the moment the server holds it. */
async function edit(editor: { doc: Y.Doc }, reader: ApiClient, id: string, index: number, at: number, words: string) {
  const before = await exported(reader, id);
  typeInto(editor.doc, index, at, words);
  await eventually(async () => (await exported(reader, id)) !== before, 5000, "edit stored");
}

describe("sign what you saw", () => {
  it("an approval of a clause that changed after it was loaded is refused with the diff; confirming the new text records it", async () => {
    const { statementId, orgA, repA, editor } = await scenario();
    // The representative loads clause 1 ...
    const loaded = (await matrix(repA, statementId)).clauses.find((c) => c.clauseId === "c1")!;
    // ... a drafter rewords it ...
    await edit(editor, repA, statementId, 0, "We support open".length, ", interoperable");
    // ... and the representative approves what they read.
    const body = {
      clauseId: "c1",
      organizationId: orgA,
      position: "approve",
      clauseHash: loaded.hash,
      clauseText: loaded.markdown,
    };
    const refused = await repA.request("PUT", `/api/statements/${statementId}/signoffs`, body);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("text_changed");
    const details = refused.json.error.details as TextChangedDetails;
    const now = (await matrix(repA, statementId)).clauses.find((c) => c.clauseId === "c1")!;
    expect(details).toMatchObject({
      scope: "clause",
      clauseId: "c1",
      shownHash: loaded.hash,
      currentHash: now.hash,
      currentText: now.markdown,
    });
    expect(details.diff).toEqual([
      { op: "equal", text: "We support open" },
      { op: "insert", text: ", interoperable" },
      { op: "equal", text: " standards." },
    ]);
    // Nothing was recorded.
    expect((await matrix(repA, statementId)).positions).toEqual([]);
    expect((await audit(repA, statementId)).filter((e) => e.action === "position.set")).toEqual([]);

    // The representative reads the change and confirms: the position binds the new text.
    const confirmed = await repA.request("PUT", `/api/statements/${statementId}/signoffs`, {
      ...body,
      clauseHash: details.currentHash,
      clauseText: details.currentText,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.position).toMatchObject({
      clauseHash: now.hash,
      clauseText: "We support open, interoperable standards.",
      stale: false,
    });
    const entries = (await audit(repA, statementId)).filter((e) => e.action === "position.set");
    expect(entries.map((e) => e.hash)).toEqual([now.hash]);

    // A removed clause is refused the same way, with no current text to confirm.
    const c3 = (await matrix(repA, statementId)).clauses.find((c) => c.clauseId === "c3")!;
    const before = await exported(repA, statementId);
    editor.doc.getXmlFragment(DOCUMENT_FIELD).delete(2, 1);
    await eventually(async () => (await exported(repA, statementId)) !== before, 5000, "deletion stored");
    const gone = await repA.request("PUT", `/api/statements/${statementId}/signoffs`, {
      ...body,
      clauseId: "c3",
      clauseHash: c3.hash,
      clauseText: c3.markdown,
    });
    expect(gone.status).toBe(409);
    expect(gone.json.error.details).toMatchObject({
      currentHash: null,
      currentText: null,
      diff: [{ op: "delete", text: "We will report every year." }],
    });
    editor.destroy();
  });

  it("a signature on a text that changed after it was loaded is refused with the diff; the confirmed signature binds the new hash", async () => {
    const { statementId, orgB, repB, editor } = await scenario();
    const loaded = await loadDocument(repB, statementId);
    await edit(editor, repB, statementId, 1, 0, "Together, ");
    const refused = await repB.post(`/api/statements/${statementId}/signature`, { organizationId: orgB, ...loaded });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("text_changed");
    const details = refused.json.error.details as TextChangedDetails;
    const current = await exported(repB, statementId);
    expect(details).toMatchObject({
      scope: "document",
      shownHash: loaded.documentHash,
      currentHash: sha256Hex(current),
      currentText: current,
    });
    expect(details.diff!.filter((p) => p.op !== "equal")).toEqual([{ op: "insert", text: "Together, " }]);
    expect((await matrix(repB, statementId)).signatures).toEqual([]);
    expect((await audit(repB, statementId)).some((e) => e.action === "signature.signed")).toBe(false);

    // Without the shown text (a large document), the refusal still names the current text, with no diff.
    const bare = await repB.post(`/api/statements/${statementId}/signature`, {
      organizationId: orgB,
      documentHash: loaded.documentHash,
    });
    expect(bare.status).toBe(409);
    expect(bare.json.error.details).toMatchObject({ currentHash: sha256Hex(current), diff: null });

    const signed = await repB.post(`/api/statements/${statementId}/signature`, {
      organizationId: orgB,
      documentHash: details.currentHash,
      documentText: details.currentText,
    });
    expect(signed.status).toBe(201);
    expect(signed.json.signature).toMatchObject({ hash: sha256Hex(current), voidReason: null });
    expect((await audit(repB, statementId)).find((e) => e.action === "signature.signed")!.hash).toBe(
      sha256Hex(current),
    );
    editor.destroy();
  });

  it("a lock on a text that changed after the convener looked is refused with the diff and freezes nobody; changed lists are refused too", async () => {
    const { convener, statementId, orgA, orgB, repA, drafter, editor } = await scenario();
    const looked = await loadDocument(convener, statementId);
    const shownLists = lockOverrideOf((await matrix(convener, statementId)).readiness);
    expect(shownLists.unsigned.sort()).toEqual([orgA, orgB].sort());
    await edit(editor, convener, statementId, 2, 0, "Each year, ");

    const refused = await convener.post(`/api/statements/${statementId}/lock`, { ...looked, override: shownLists });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("text_changed");
    expect((refused.json.error.details as TextChangedDetails).diff!.filter((p) => p.op !== "equal")).toEqual([
      { op: "insert", text: "Each year, " },
    ]);
    expect((await matrix(convener, statementId)).phase).toBe("drafting");
    // Nobody was frozen: the drafter keeps editing.
    await edit(editor, drafter, statementId, 0, 0, "Firmly, ");

    // The convener looks again; meanwhile A signs: the list the convener was shown no longer holds.
    const again = await loadDocument(convener, statementId);
    const lists = lockOverrideOf((await matrix(convener, statementId)).readiness);
    expect(
      (
        await repA.post(`/api/statements/${statementId}/signature`, {
          organizationId: orgA,
          ...(await loadDocument(repA, statementId)),
        })
      ).status,
    ).toBe(201);
    const listChanged = await convener.post(`/api/statements/${statementId}/lock`, { ...again, override: lists });
    expect(listChanged.status).toBe(409);
    expect(listChanged.json.error.code).toBe("lock_list_changed");
    expect(listChanged.json.error.details.unsigned.map((u: { organizationId: string }) => u.organizationId)).toEqual([
      orgB,
    ]);
    // Without an override the server asks for one.
    const needs = await convener.post(`/api/statements/${statementId}/lock`, again);
    expect(needs.json.error.code).toBe("lock_needs_confirmation");

    const locked = await convener.post(`/api/statements/${statementId}/lock`, {
      ...again,
      override: lockOverrideOf(listChanged.json.error.details),
    });
    expect(locked.status).toBe(200);
    expect(locked.json.final).toMatchObject({ hash: again.documentHash, markdown: again.documentText, override: true });
    expect(locked.json.final.unsigned.map((u: { organizationId: string }) => u.organizationId)).toEqual([orgB]);
    const entry = (await audit(convener, statementId)).find((e) => e.action === "statement.locked")!;
    expect(entry.hash).toBe(again.documentHash);
    editor.destroy();
  });

  it("a lock racing with a stream of edits from two drafters stores exactly the confirmed text and refuses every later edit", async () => {
    const { convener, statementId, editor } = await scenario();
    const second = await signUp(server.url, "Second drafter");
    expect(
      (await convener.post(`/api/statements/${statementId}/members`, { email: second.email, role: "drafter" })).status,
    ).toBe(201);
    const other = quietProvider(statementId, second);
    await synced(other.provider);
    await eventually(() => other.doc.getXmlFragment(DOCUMENT_FIELD).length === 3, 5000, "second drafter synced");

    // Each drafter appends numbered words to its own clause at random intervals, until told to stop.
    const typed: Record<string, string[]> = { a: [], b: [] };
    let stop = false;
    let lockedAt = Infinity;
    const afterLock: string[] = [];
    const stream = (who: "a" | "b", doc: Y.Doc, index: number) =>
      (async () => {
        for (let n = 1; !stop; n++) {
          const word = `${who}${n}`;
          const el = doc.getXmlFragment(DOCUMENT_FIELD).get(index) as Y.XmlElement;
          const t = el.get(0) as Y.XmlText;
          t.insert(t.length, ` ${word}`);
          typed[who].push(word);
          if (Date.now() > lockedAt) afterLock.push(word);
          await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 12)));
        }
      })();
    const streams = [stream("a", editor.doc, 0), stream("b", other.doc, 1)];
    await new Promise((r) => setTimeout(r, 150));

    // The convener looks, confirms, and (being told the text changed) confirms the newer text, until it holds.
    let shown = await loadDocument(convener, statementId);
    const lists = lockOverrideOf((await matrix(convener, statementId)).readiness);
    let result: Awaited<ReturnType<ApiClient["post"]>> | null = null;
    let refusals = 0;
    for (let attempt = 0; attempt < 500; attempt++) {
      const r = await convener.post(`/api/statements/${statementId}/lock`, { ...shown, override: lists });
      if (r.status === 200) {
        result = r;
        break;
      }
      expect(r.json.error.code).toBe("text_changed");
      refusals++;
      const d = r.json.error.details as TextChangedDetails;
      shown = { documentHash: d.currentHash!, documentText: d.currentText! };
    }
    lockedAt = Date.now();
    expect(result, "the lock went through").not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(streams);
    await new Promise((r) => setTimeout(r, 200));

    const final = result!.json.final as { hash: string; markdown: string };
    // The final version is the text the convener confirmed, byte for byte.
    expect(final.hash).toBe(shown.documentHash);
    expect(final.markdown).toBe(shown.documentText);
    // The live document and the stored one are that text: no later edit was applied or stored.
    expect(await exported(convener, statementId)).toBe(final.markdown);
    expect(await storedText(statementId)).toBe(final.markdown);
    const fresh = quietProvider(statementId, second);
    await synced(fresh.provider);
    expect(canonicalMarkdownOfDoc(fresh.doc)).toBe(final.markdown);
    fresh.destroy();
    // Each drafter's words in the final text are a prefix of what they typed: never half of a stream.
    for (const who of ["a", "b"] as const) {
      const inFinal = final.markdown.match(new RegExp(`\\b${who}\\d+\\b`, "g")) ?? [];
      expect(inFinal.length, `some of ${who}'s words landed before the lock`).toBeGreaterThan(0);
      expect(inFinal).toEqual(typed[who].slice(0, inFinal.length));
      expect(typed[who].length).toBeGreaterThan(inFinal.length);
    }
    // Words typed after the lock answered are in no text, and both drafters were told their edits were refused.
    expect(afterLock.length).toBeGreaterThan(0);
    expect(editor.denied.length).toBeGreaterThan(0);
    expect(other.denied.length).toBeGreaterThan(0);
    expect([...editor.denied, ...other.denied].every((r) => /final/.test(r))).toBe(true);
    for (const w of afterLock) expect(final.markdown).not.toMatch(new RegExp(`\\b${w}\\b`));
    expect((await matrix(convener, statementId)).phase).toBe("final");
    console.info(`lock under a stream of edits: ${refusals} refusal(s) before it held`);
    other.destroy();
    editor.destroy();
  });

  it("two conveners (or two tabs) locking at the same moment produce exactly one final version", async () => {
    for (const mode of ["two conveners", "two tabs"] as const) {
      const { convener, statementId, editor } = await scenario();
      let second: ApiClient = convener;
      if (mode === "two conveners") {
        const co = await signUp(server.url, "Co-convener");
        expect(
          (await convener.post(`/api/statements/${statementId}/members`, { email: co.email, role: "convener" })).status,
        ).toBe(201);
        second = co;
      }
      const shown = await loadDocument(convener, statementId);
      const lists = lockOverrideOf((await matrix(convener, statementId)).readiness);
      const results = await Promise.all(
        [convener, second].map((c) => c.post(`/api/statements/${statementId}/lock`, { ...shown, override: lists })),
      );
      expect(results.map((r) => r.status).sort(), mode).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.json.error.code).toBe("statement_final");
      const versions = (await convener.get(`/api/statements/${statementId}/versions`)).json.versions as Array<{
        kind: string;
        hash: string;
      }>;
      expect(
        versions.filter((v) => v.kind === "final"),
        mode,
      ).toHaveLength(1);
      expect(versions[0].hash).toBe(shown.documentHash);
      expect((await audit(convener, statementId)).filter((e) => e.action === "statement.locked")).toHaveLength(1);
      editor.destroy();
    }
  });

  it("a lock with nobody connected does not leave the document loaded", async () => {
    const { convener, statementId, editor } = await scenario();
    editor.destroy();
    await eventually(() => !server.services.rooms.isLoaded(statementId), 5000, "the room to unload");
    const shown = await loadDocument(convener, statementId);
    const lists = lockOverrideOf((await matrix(convener, statementId)).readiness);
    expect((await convener.post(`/api/statements/${statementId}/lock`, { ...shown, override: lists })).status).toBe(
      200,
    );
    await eventually(() => !server.services.rooms.isLoaded(statementId), 5000, "the room the lock loaded to unload");
    expect(await storedText(statementId)).toBe(shown.documentText);
  });
});
