/**
 * The final phase is enforced where updates are stored: a statement locked elsewhere (another instance, whose
 * event has not arrived here) refuses the next append; the update is never relayed or stored, the room's
 * clients reconnect, and from then on their writes are refused as final. Simulated here by setting the phase
 * in the database behind the room's back, exactly what a lock on another instance looks like to this one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { connectProvider, eventually, startTestServer, statementWithMembers, synced } from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import { docFromStored } from "../storage/documents";
import { CloseCode } from "../../shared/protocol";

describe("a statement locked behind the room's back", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("stores and relays nothing more, reconnects its clients, and they are read-only afterwards", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "Agreed clause");
    await eventually(() => plainText(b.doc) === "Agreed clause", 5000, "the first clause");

    const closes: number[] = [];
    a.provider.on("connection-close", (e: CloseEvent | null) => e && closes.push(e.code));
    // Locked "on another instance": the phase changes in storage, no event reaches this process.
    await server.services.db.updateTable("statements").set({ phase: "final" }).where("id", "=", statementId).execute();

    appendParagraph(a.doc, "Slipped in after the lock");
    await eventually(() => closes.includes(CloseCode.serverShutdown), 5000, "the writer disconnected");
    await new Promise((r) => setTimeout(r, 500));
    expect(plainText(b.doc)).toBe("Agreed clause");
    expect(plainText(docFromStored(await server.services.documents.load(statementId)))).toBe("Agreed clause");

    // After reconnecting, the resent edit is refused as final and still nobody else sees it.
    await eventually(() => a.provider.wsconnected && a.provider.synced, 10_000, "the writer reconnected");
    await new Promise((r) => setTimeout(r, 500));
    expect(plainText(b.doc)).toBe("Agreed clause");
    expect(plainText(docFromStored(await server.services.documents.load(statementId)))).toBe("Agreed clause");
    a.destroy();
    b.destroy();
  });
});
