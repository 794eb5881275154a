/**
 * The server-side edit primitive (`LiveDocuments.editAs`), with real y-websocket clients: a change the server
 * makes for a user reaches every connected client, is stored (a restarted server has it), is attributed to that
 * user and organization in `doc_clients`, and is refused once the statement is locked.
 */
import { afterEach, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { ApiClient, connectProvider, eventually, startTestServer, synced, tempDataDir } from "../testing/harness";
import type { RunningServer } from "../server";
import { appendParagraph, plainText } from "../testing/docs";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { AppError } from "../errors";
import { exportText, lockNow, twoOrganizations } from "./testing";

/** Appends `words` to the first clause's text. */
const appendToFirst = (words: string) => (doc: Y.Doc) => {
  const t = (doc.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  t.insert(t.length, words);
};

describe("editAs", () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it("reaches connected clients, is attributed, survives a restart, and is refused after the lock", async () => {
    const dataDir = tempDataDir();
    const s1 = await startTestServer({ dataDir });
    servers.push(s1);
    const first = await twoOrganizations(s1.url);
    const { statementId, alice, bob, orgB } = first;
    const a = connectProvider(s1.url, statementId, alice);
    const b = connectProvider(s1.url, statementId, bob);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "Alice wrote this.");
    await eventually(() => plainText(b.doc) === "Alice wrote this.", 5000, "Bob sees Alice's clause");

    // While both type elsewhere, the server edits for Bob.
    appendParagraph(a.doc, "Second.");
    await s1.services.rooms.editAs(statementId, { userId: bob.userId, organizationId: orgB }, appendToFirst(" Bob's"));
    await eventually(
      () => plainText(a.doc) === "Alice wrote this. Bob's\nSecond." && plainText(b.doc) === plainText(a.doc),
      5000,
      "both clients receive the server's edit",
    );
    // Bound to Bob and his organization, durably.
    const bindings = await s1.services.documents.clients(statementId);
    const serverIds = [...a.doc.store.clients.keys()].filter((id) => id !== a.doc.clientID);
    const bound = bindings.filter((x) => serverIds.includes(x.clientId) && x.userId === bob.userId);
    expect(bound.map((x) => x.organizationId)).toContain(orgB);
    a.destroy();
    b.destroy();

    await s1.close();
    servers.splice(0);
    const s2 = await startTestServer({ dataDir });
    servers.push(s2);
    // The session is stored too: the same cookie on the restarted server.
    const convener = new ApiClient(s2.url);
    convener.cookie = first.convener.cookie;
    expect(await exportText(convener, statementId)).toBe("Alice wrote this. Bob's\n\nSecond.\n");

    const watcher = connectProvider(s2.url, statementId, convener);
    await synced(watcher.provider);
    expect((await lockNow(convener, statementId)).status).toBe(200);
    const refused = await s2.services.rooms
      .editAs(statementId, { userId: bob.userId, organizationId: orgB }, appendToFirst(" late"))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("statement_final");
    expect(await exportText(convener, statementId)).toBe("Alice wrote this. Bob's\n\nSecond.\n");
    expect(plainText(watcher.doc)).not.toContain("late");
    watcher.destroy();
  }, 30_000);
});
