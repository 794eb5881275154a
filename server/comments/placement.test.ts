/**
 * Thread placement is cached per document state (issue 19): listings of an unchanged document reuse it, and the
 * next accepted edit places every thread again — whether or not anyone is connected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { connectProvider, eventually, startTestServer, statementWithMembers, synced } from "../testing/harness";
import { appendParagraph, typeInto } from "../testing/docs";
import { anchorForClauseRange } from "../../shared/comments/anchors";
import type { ThreadDto } from "../../shared/comments/schemas";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("thread placement cache", () => {
  it("follows edits, with the room loaded and after it was unloaded", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const p = connectProvider(server.url, statementId, convener);
    await synced(p.provider);
    appendParagraph(p.doc, "Open standards matter.", "c1");
    appendParagraph(p.doc, "Second clause.", "c2");
    await eventually(async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text.includes("Second"), 5000, "stored");
    const anchor = anchorForClauseRange(p.doc, "c1", 0, "Open".length);
    expect((await convener.post(`/api/statements/${statementId}/threads`, { clauseId: "c1", body: "Which?", anchor })).status).toBe(201);
    expect((await convener.post(`/api/statements/${statementId}/threads`, { clauseId: "c2", body: "Fine." })).status).toBe(201);
    const list = async (): Promise<ThreadDto[]> => (await convener.get(`/api/statements/${statementId}/threads`)).json.threads;

    const first = await list();
    expect(first.map((t) => t.placement)).toEqual([
      { kind: "range", clauseIndex: 0, start: 0, end: 4, text: "Open", quote: "intact" },
      { kind: "clause", clauseIndex: 1 },
    ]);
    expect((await list()).map((t) => t.placement)).toEqual(first.map((t) => t.placement));

    // An edit inside the quote, then a new clause before everything: both show on the next listing.
    typeInto(p.doc, 0, 2, "EN");
    await eventually(
      async () => {
        const placed = (await list())[0].placement;
        return placed.kind === "range" && placed.text !== "Open";
      },
      5000,
      "edit placed",
    );
    const moved = await list();
    expect(moved[0].placement).toMatchObject({ kind: "range", text: "OpENen", quote: "edited" });

    // Nobody connected: the room unloads, and the listing is still right (the document's state is the same).
    p.destroy();
    await eventually(() => !server.services.rooms.isLoaded(statementId), 5000, "room unloaded");
    expect((await list()).map((t) => t.placement)).toEqual(moved.map((t) => t.placement));
    expect((await list()).map((t) => t.placement)).toEqual(moved.map((t) => t.placement));
    expect(server.services.rooms.isLoaded(statementId)).toBe(false);

    const q = connectProvider(server.url, statementId, convener);
    await synced(q.provider);
    q.doc.getXmlFragment("default").delete(0, 1);
    await eventually(async () => (await list()).find((t) => t.clauseId === "c1")!.placement.kind === "removed", 5000, "clause removal placed");
    expect((await list()).find((t) => t.clauseId === "c2")!.placement).toEqual({ kind: "clause", clauseIndex: 0 });
    q.destroy();
  });
});
