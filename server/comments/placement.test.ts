/**
 * Listings are cached (issue 19): placements per document state — the next accepted edit places every thread
 * again, whether or not anyone is connected — and a statement's thread rows while nothing in them changed —
 * every reply, edit, deletion, resolve and reopen shows on the next listing, and read marks stay per person.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { connectProvider, eventually, startTestServer, statementWithMembers, synced } from "../testing/harness";
import { appendParagraph, typeInto } from "../testing/docs";
import { anchorForClauseRange } from "../../shared/comments/anchors";
import type { ThreadDto } from "../../shared/comments/schemas";
import { listThreads } from "./threads";

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
    await eventually(
      async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text.includes("Second"),
      5000,
      "stored",
    );
    const anchor = anchorForClauseRange(p.doc, "c1", 0, "Open".length);
    expect(
      (await convener.post(`/api/statements/${statementId}/threads`, { clauseId: "c1", body: "Which?", anchor }))
        .status,
    ).toBe(201);
    expect(
      (await convener.post(`/api/statements/${statementId}/threads`, { clauseId: "c2", body: "Fine." })).status,
    ).toBe(201);
    const list = async (): Promise<ThreadDto[]> =>
      (await convener.get(`/api/statements/${statementId}/threads`)).json.threads;

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
    await eventually(
      async () => (await list()).find((t) => t.clauseId === "c1")!.placement.kind === "removed",
      5000,
      "clause removal placed",
    );
    expect((await list()).find((t) => t.clauseId === "c2")!.placement).toEqual({ kind: "clause", clauseIndex: 0 });
    q.destroy();
  });

  it("shows every change to threads and comments on the next listing, with read marks per person", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const [drafter] = members;
    const p = connectProvider(server.url, statementId, convener);
    await synced(p.provider);
    appendParagraph(p.doc, "Only clause.", "c1");
    await eventually(
      async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text.includes("Only"),
      5000,
      "stored",
    );
    p.destroy();
    const list = async (who: typeof convener): Promise<ThreadDto[]> =>
      (await who.get(`/api/statements/${statementId}/threads`)).json.threads;
    /** The cached listing equals one read without the cache (threads named one by one), for both people. */
    const agrees = async () => {
      for (const who of [convener, drafter]) {
        const cached = await list(who);
        const fresh = await listThreads(
          server.services,
          statementId,
          who.userId,
          cached.map((t) => t.id),
        );
        expect(cached).toEqual(JSON.parse(JSON.stringify(fresh)));
      }
      return list(convener);
    };
    const created = await convener.post(`/api/statements/${statementId}/threads`, { clauseId: "c1", body: "First." });
    expect(created.status).toBe(201);
    const threadId: string = created.json.thread.id;
    expect((await agrees()).map((t) => t.comments.length)).toEqual([1]);

    expect((await drafter.post(`/api/threads/${threadId}/comments`, { body: "A reply." })).status).toBe(201);
    expect((await agrees())[0].comments.map((c) => c.content.kind === "visible" && c.content.body)).toEqual([
      "First.",
      "A reply.",
    ]);
    const unreadBefore = (await list(convener))[0].unread;
    expect((await convener.post(`/api/threads/${threadId}/read`, {})).status).toBe(200);
    expect((await agrees())[0].unread).toBe(false);
    expect(unreadBefore).toBe(true);

    const replyId: string = (await list(convener))[0].comments[1].id;
    expect((await drafter.patch(`/api/comments/${replyId}`, { body: "A reply, edited." })).status).toBe(200);
    expect((await agrees())[0].comments[1].content).toMatchObject({ kind: "visible", body: "A reply, edited." });
    expect((await convener.patch(`/api/threads/${threadId}`, { status: "resolved" })).status).toBe(200);
    expect((await agrees())[0].status).toBe("resolved");
    expect((await convener.patch(`/api/threads/${threadId}`, { status: "open" })).status).toBe(200);
    expect((await agrees())[0].status).toBe("open");
    expect((await drafter.request("DELETE", `/api/comments/${replyId}`)).status).toBe(200);
    expect((await agrees())[0].comments[1].content.kind).toBe("deleted");
  });
});
