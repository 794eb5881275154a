/**
 * A room never goes quietly wrong: when storing an accepted update fails, nobody sees that update, the room
 * stops, every client is disconnected with a retryable code, and after reconnecting (and resending what the
 * server lost) everyone converges on a document that storage holds in full.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { RunningServer } from "../server";
import { connectProvider, eventually, startTestServer, statementWithMembers, synced } from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import { docFromStored } from "../storage/documents";
import { CloseCode } from "../../shared/protocol";

describe("a room whose storage fails", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("relays nothing unstored, disconnects everyone with a retryable code, and heals on reconnect", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "Stored clause");
    await eventually(() => plainText(b.doc) === "Stored clause", 5000, "the first clause");

    const closes: number[] = [];
    for (const p of [a.provider, b.provider])
      p.on("connection-close", (e: CloseEvent | null) => e && closes.push(e.code));
    const store = server.services.documents;
    const append = store.append.bind(store);
    let failures = 0;
    store.append = async (...args) => {
      if (failures === 0) {
        failures++;
        throw new Error("disk full (simulated)");
      }
      return append(...args);
    };
    try {
      appendParagraph(a.doc, "Written while the disk failed");
      // Both are disconnected with the retryable code; b never saw the unstored clause before that.
      await eventually(
        () => closes.filter((c) => c === CloseCode.serverShutdown).length >= 2,
        5000,
        "both disconnected",
      );
      expect(plainText(b.doc)).toBe("Stored clause");
      // The providers reconnect by themselves; a resends what the server lost, and both converge.
      await eventually(
        () =>
          plainText(b.doc) === "Stored clause\nWritten while the disk failed" && plainText(a.doc) === plainText(b.doc),
        10_000,
        "convergence after the reconnect",
      );
      expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
      const stored = docFromStored(await store.load(statementId));
      expect(plainText(stored)).toBe("Stored clause\nWritten while the disk failed");
      stored.destroy();
    } finally {
      store.append = append;
      a.destroy();
      b.destroy();
    }
  });
});
