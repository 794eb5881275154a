/**
 * Pub/sub is only a hint: two instances on one PostgreSQL database with no fan-out at all (every message
 * "lost") still converge, each edit reaching the other instance's clients within a second, from storage alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import {
  ApiClient,
  connectProvider,
  eventually,
  startTestServer,
  statementWithMembers,
  synced,
} from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";

const pgUrl = await postgresForTests();

describe.skipIf(!pgUrl)("two instances without Redis", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase(pgUrl!);
    a = await startTestServer({ databaseUrl: database.url, instanceId: "heal-a" });
    b = await startTestServer({ databaseUrl: database.url, instanceId: "heal-b" });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop().catch(() => {});
  });

  it("heals every lost message from storage within a second", async () => {
    const { convener, statementId, members } = await statementWithMembers(a.url, ["drafter"]);
    const onB = new ApiClient(b.url);
    onB.cookie = members[0].cookie;
    const writer = connectProvider(a.url, statementId, convener);
    const reader = connectProvider(b.url, statementId, onB);
    await Promise.all([synced(writer.provider), synced(reader.provider)]);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      appendParagraph(writer.doc, `healed ${i}`);
      await eventually(() => plainText(reader.doc).includes(`healed ${i}`), 3000, `edit ${i} on the other instance`);
      delays.push(Date.now() - t0);
    }
    // And the other way round.
    appendParagraph(reader.doc, "from B");
    await eventually(() => plainText(writer.doc).includes("from B"), 3000, "an edit from B on A");
    expect(Math.max(...delays)).toBeLessThan(1200);
    expect(plainText(writer.doc)).toBe(plainText(reader.doc));
    writer.destroy();
    reader.destroy();
  });
});
