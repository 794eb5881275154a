/**
 * Attribution through a real server: two people of two organizations type into ONE clause at the same moment;
 * each organization gets exactly its words, in the "who wrote this" view and the convener's summary, and still
 * after the log is compacted into a snapshot and the server restarts.
 */
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import type * as Y from "yjs";
import { ApiClient, connectProvider, eventually, startTestServer, synced, tempDataDir } from "../testing/harness";
import type { RunningServer } from "../server";
import { appendParagraph, plainText } from "../testing/docs";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import type { AttributionDto } from "../../shared/history";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import { twoOrganizations } from "./testing";

/** The text of a clause written by each organization (runs concatenated in order). */
function byOrganization(a: AttributionDto, clauseId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const run of a.clauses.find((c) => c.clauseId === clauseId)!.runs) {
    const org = a.authors[run.author]?.organizationName ?? "nobody";
    out[org] = (out[org] ?? "") + run.text;
  }
  return out;
}

const pgUrl = await postgresForTests();
/** Every storage the server runs on: SQLite always, PostgreSQL when one is reachable. */
const STORAGES: Array<[string, string | null]> = [
  ["SQLite", null],
  ...(pgUrl ? [["PostgreSQL", pgUrl] as [string, string]] : []),
];

describe.each(STORAGES)("attribution (%s)", (_name, postgres) => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it("gives each organization its exact words in one clause both edited at once, after compaction and a restart", async () => {
    const dataDir = tempDataDir();
    const database = postgres ? await createTestDatabase(postgres) : null;
    onTestFinished(async () => {
      await database?.drop().catch(() => {});
    });
    const storage = database ? { dataDir, databaseUrl: database.url } : { dataDir };
    const s1 = await startTestServer(storage);
    servers.push(s1);
    const fx = await twoOrganizations(s1.url);
    const { statementId, alice, bob } = fx;
    const orgName = async (id: string) =>
      (await fx.convener.api.organizations()).organizations.find((o) => o.id === id)!.name;
    const [nameA, nameB] = [await orgName(fx.orgA), await orgName(fx.orgB)];

    const a = connectProvider(s1.url, statementId, alice);
    const b = connectProvider(s1.url, statementId, bob);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "The coalition supports open standards.", "c1");
    appendParagraph(a.doc, "Untouched by Bob.", "c2");
    await eventually(() => plainText(b.doc).includes("Untouched"), 5000, "Bob has Alice's clauses");

    // The same moment: neither has seen the other's keystrokes when typing.
    const clauseText = (doc: Y.Doc) => (doc.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const ta = clauseText(a.doc);
    const tb = clauseText(b.doc);
    ta.insert(ta.length - 1, " everywhere and always");
    tb.insert(0, "Beta notes: ");
    tb.insert(tb.length, " Agreed by Beta.");
    const expected = "Beta notes: The coalition supports open standards everywhere and always. Agreed by Beta.";
    await eventually(
      () => ta.toString() === expected && tb.toString() === expected,
      5000,
      "both edits merged on both sides",
    );

    const expectAttribution = async (client: ApiClient) => {
      const { attribution } = await client.api.historyAttribution(statementId, "current");
      expect(byOrganization(attribution, "c1")).toEqual({
        [nameA]: "The coalition supports open standards everywhere and always.",
        [nameB]: "Beta notes:  Agreed by Beta.",
      });
      expect(byOrganization(attribution, "c2")).toEqual({ [nameA]: "Untouched by Bob." });
      expect(new Set(attribution.clauses.find((c) => c.clauseId === "c1")!.contributors)).toEqual(
        new Set([fx.orgA, fx.orgB]),
      );
      expect(attribution.clauses.find((c) => c.clauseId === "c2")!.contributors).toEqual([fx.orgA]);
      const { organizations } = await client.api.historySummary(statementId);
      expect(organizations.map((o) => [o.organizationName, o.clausesTouched, o.wordsWritten])).toEqual([
        [nameA, 2, 8 + 3],
        [nameB, 1, 5],
      ]);
    };
    await eventually(
      async () => (await fx.convener.api.historyAttribution(statementId, "current")).attribution.clauses.length === 2,
      5000,
      "stored",
    );
    await expectAttribution(fx.convener);

    // Everyone leaves: the room unloads and compacts its log into one snapshot; then the server restarts.
    a.destroy();
    b.destroy();
    await eventually(() => !s1.services.rooms.isLoaded(statementId), 5000, "room unloaded");
    await s1.services.documents.compact(statementId);
    const stored = await s1.services.documents.load(statementId);
    expect(stored.updates).toHaveLength(0);
    expect(stored.snapshot).not.toBeNull();
    await s1.close();
    servers.splice(0);
    const s2 = await startTestServer(storage);
    servers.push(s2);
    const convener = new ApiClient(s2.url);
    convener.cookie = fx.convener.cookie;
    await expectAttribution(convener);
  }, 30_000);
});
