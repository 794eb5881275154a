/**
 * The text cache: one computation per document state, invalidated by the next accepted update, and the same
 * text from the worker thread as from `signoffText` on the client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { RunningServer } from "./server";
import { connectProvider, eventually, startTestServer, statementWithMembers, synced } from "./testing/harness";
import { appendParagraph, typeInto } from "./testing/docs";
import { TextCache, textCacheOf } from "./text-cache";
import { signoffText } from "../shared/signoff";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("text cache", () => {
  it("serves repeats from the cache and recomputes after an edit, equal to signoffText of the live document", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const p = connectProvider(server.url, statementId, convener);
    await synced(p.provider);
    appendParagraph(p.doc, "First clause.", "c1");
    appendParagraph(p.doc, "Second *clause*.", "c2");
    const cache = textCacheOf(server.services);
    await eventually(async () => (await cache.get(statementId)).clauses.length === 2, 5000, "clauses stored");
    const first = await cache.get(statementId);
    expect({ markdown: first.markdown, hash: first.hash, clauses: first.clauses }).toEqual(signoffText(p.doc));

    const hits = cache.stats.hits;
    const computed = cache.stats.computed;
    const again = await cache.get(statementId);
    expect(again).toBe(first);
    expect(cache.stats.hits).toBe(hits + 1);
    expect(cache.stats.computed).toBe(computed);

    // The export reads the same entry.
    const exported = await convener.get(`/api/statements/${statementId}/export.md`);
    expect(exported.text).toBe(first.markdown);
    expect(cache.stats.computed).toBe(computed);

    typeInto(p.doc, 0, 0, "Edited: ");
    await eventually(async () => (await cache.get(statementId)).hash !== first.hash, 5000, "edit seen");
    const edited = await cache.get(statementId);
    expect(edited.seq).toBeGreaterThan(first.seq);
    expect({ markdown: edited.markdown, hash: edited.hash, clauses: edited.clauses }).toEqual(signoffText(p.doc));
    expect((await convener.get(`/api/statements/${statementId}/export.md`)).text).toBe(edited.markdown);
    p.destroy();
  });

  it("computes a large document in the worker thread, with the same text and hashes as signoffText", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const p = connectProvider(server.url, statementId, convener);
    await synced(p.provider);
    p.doc.transact(() => {
      for (let i = 0; i < 200; i++)
        appendParagraph(p.doc, `Clause ${i}: **bold** text é\u0301 [x](y) ${"words ".repeat(20)}`, `c${i}`);
    });
    await eventually(
      async () => (await textCacheOf(server.services).get(statementId)).clauses.length === 200,
      5000,
      "clauses stored",
    );
    const cache = new TextCache(server.services.rooms, server.services.documents, { inlineBytes: 0 });
    try {
      const text = await cache.get(statementId);
      expect(cache.stats.inWorker).toBe(1);
      expect({ markdown: text.markdown, hash: text.hash, clauses: text.clauses }).toEqual(signoffText(p.doc));
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(p.doc));
      expect(text.hash).toBe(signoffText(copy).hash);
    } finally {
      await cache.close();
      p.destroy();
    }
  });
});
