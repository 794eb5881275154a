/**
 * Accepting survives a crash: a real server is stopped half-way through an accept (after the claim, or after the
 * edit is stored but before the proposal is marked), restarted on the same data directory, and the proposal
 * ends as the document shows — open with the text untouched (then accepted exactly once), or accepted with the
 * words replaced exactly once. Claims older than the timeout are settled when read, once, however many readers
 * (and instances sharing PostgreSQL) read them at the same moment.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { ApiClient, connectProvider, eventually, startTestServer, synced, tempDataDir } from "../testing/harness";
import { appendParagraph } from "../testing/docs";
import { exportText } from "../history/testing";
import { injectAcceptFaults, statementWithOrganizations } from "./testing";
import { storedStatus } from "./store";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import { anchorForClauseRange, clauseText, findClause } from "../../shared/comments/anchors";
import type { AmendmentDto } from "../../shared/amendments/schemas";
import { MessageType } from "../../shared/protocol";

const OPEN = "We commit to an open, interoperable and secure Internet.";
const ACCESS = "Access should be affordable for everyone.";
/** Never settles: the accept stops there, as if the process had died. */
const crash = () => new Promise<void>(() => {});

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => {});
});

async function start(overrides: Parameters<typeof startTestServer>[0]): Promise<RunningServer> {
  const server = await startTestServer(overrides);
  servers.push(server);
  return server;
}

/** A statement with two clauses and proposals on words of each, made on `server` (with an editor connected). */
async function statementWithProposals(server: RunningServer) {
  const s = await statementWithOrganizations(server.url);
  const writer = connectProvider(server.url, s.statementId, s.alice);
  writer.provider.messageHandlers[MessageType.appEvent] = () => {};
  await synced(writer.provider);
  appendParagraph(writer.doc, OPEN, "c-open");
  appendParagraph(writer.doc, ACCESS, "c-access");
  const text = `${OPEN}\n\n${ACCESS}\n`;
  await eventually(async () => (await exportText(s.alice, s.statementId)) === text, 5000, "text stored");
  const propose = async (clauseId: string, words: string, replacement: string) => {
    const at = clauseText(findClause(writer.doc, clauseId)!.element).text.indexOf(words);
    const r = await s.reviewer.post(`/api/statements/${s.statementId}/amendments`, {
      clauseId,
      anchor: anchorForClauseRange(writer.doc, clauseId, at, at + words.length),
      replacement,
      reason: "Clearer",
    });
    expect(r.status).toBe(201);
    return (r.json.amendment as AmendmentDto).id;
  };
  const secure = await propose("c-open", "secure", "safe");
  const affordable = await propose("c-access", "affordable", "cheap");
  // Kept connected (destroyed with its server): accepts are not meant to race the room's unloading here.
  const accept = (who: ApiClient, id: string) => who.post(`/api/amendments/${id}/decision`, { decision: "accept" });
  const list = async (who: ApiClient = s.alice) =>
    (await who.get(`/api/statements/${s.statementId}/amendments`)).json.amendments as AmendmentDto[];
  const acceptedAudits = async (srv: RunningServer, id: string) =>
    (
      await srv.services.db
        .selectFrom("audit_log")
        .select("detail")
        .where("statement_id", "=", s.statementId)
        .where("action", "=", "amendment.accepted")
        .execute()
    ).filter((r) => JSON.parse(r.detail).amendmentId === id).length;
  return { ...s, writer, text, secure, affordable, accept, list, acceptedAudits };
}

/** Counts the non-overlapping occurrences of `words` in `text`. */
const count = (text: string, words: string) => text.split(words).length - 1;

describe("an accept stopped half-way, then the server restarted on the same data directory (SQLite)", () => {
  it("stopped after the claim: the proposal is open again, the text untouched, and it is then accepted once", async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    const s = await statementWithProposals(first);
    injectAcceptFaults(first, { afterClaim: crash });
    const stuck = s.accept(s.alice, s.secure).catch(() => null);
    await eventually(
      async () => (await storedStatus(first.services.db, s.secure))?.status === "accepting",
      5000,
      "claimed",
    );
    // Held by the claim: nobody else can decide it, and readers see it undecided.
    const meanwhile = await s.accept(s.bob, s.secure);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.json.error.message).toMatch(/already accepted by Alice.*being applied/);
    expect((await s.list()).find((a) => a.id === s.secure)).toMatchObject({ status: "open", decision: null });
    await first.close();
    await stuck;

    const second = await start({ dataDir, port: first.port });
    const after = (await s.list(s.bob)).find((a) => a.id === s.secure)!;
    expect(after).toMatchObject({ status: "open", decision: null });
    expect(await exportText(s.alice, s.statementId)).toBe(s.text);
    expect(await s.acceptedAudits(second, s.secure)).toBe(0);

    // Accepted once, even by two drafters at the same moment.
    const answers = await Promise.all([s.accept(s.alice, s.secure), s.accept(s.bob, s.secure)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const text = await exportText(s.alice, s.statementId);
    expect(text).toBe(s.text.replace("secure", "safe"));
    expect((await s.list()).find((a) => a.id === s.secure)?.status).toBe("accepted");
    expect(await s.acceptedAudits(second, s.secure)).toBe(1);
    s.writer.destroy();
  });

  it("stopped after the edit was stored, before the mark: the proposal is accepted, the words replaced once", async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    const s = await statementWithProposals(first);
    injectAcceptFaults(first, { afterEdit: crash });
    const stuck = s.accept(s.alice, s.affordable).catch(() => null);
    const edited = s.text.replace("affordable", "cheap");
    await eventually(async () => (await exportText(s.bob, s.statementId)) === edited, 5000, "edit stored");
    expect((await storedStatus(first.services.db, s.affordable))?.status).toBe("accepting");
    await first.close();
    await stuck;

    const second = await start({ dataDir, port: first.port });
    const after = (await s.list(s.reviewer)).find((a) => a.id === s.affordable)!;
    expect(after).toMatchObject({ status: "accepted", decision: { by: { id: s.alice.userId } } });
    expect(await exportText(s.alice, s.statementId)).toBe(edited);
    expect(await s.acceptedAudits(second, s.affordable)).toBe(1);
    // Decided: accepting it again changes nothing.
    const again = await s.accept(s.bob, s.affordable);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already accepted by Alice/);
    expect(await exportText(s.alice, s.statementId)).toBe(edited);
    // The other proposal was untouched throughout.
    expect((await s.list()).find((a) => a.id === s.secure)?.status).toBe("open");
    s.writer.destroy();
  });
});

describe("claims older than the timeout are settled when read (SQLite, one server)", () => {
  it("several readers at once settle each claim once, as the document shows", async () => {
    const server = await start({});
    const s = await statementWithProposals(server);
    injectAcceptFaults(server, { afterClaim: crash });
    void s.accept(s.alice, s.secure).catch(() => null);
    await eventually(
      async () => (await storedStatus(server.services.db, s.secure))?.status === "accepting",
      5000,
      "claimed",
    );
    injectAcceptFaults(server, { afterEdit: crash });
    void s.accept(s.bob, s.affordable).catch(() => null);
    const edited = s.text.replace("affordable", "cheap");
    await eventually(async () => (await exportText(s.bob, s.statementId)) === edited, 5000, "edit stored");
    // Not yet abandoned: reads leave both claims alone.
    expect((await s.list()).map((a) => a.status)).toEqual(["open", "open"]);
    expect((await storedStatus(server.services.db, s.affordable))?.status).toBe("accepting");

    injectAcceptFaults(server, { recoverAfterMs: 0 });
    const lists = await Promise.all([s.list(s.alice), s.list(s.bob), s.list(s.reviewer), s.list(s.convener)]);
    for (const l of lists) {
      expect(l.find((a) => a.id === s.secure)).toMatchObject({ status: "open", decision: null });
      expect(l.find((a) => a.id === s.affordable)).toMatchObject({
        status: "accepted",
        decision: { by: { id: s.bob.userId } },
      });
    }
    expect(await s.acceptedAudits(server, s.affordable)).toBe(1);
    expect(await exportText(s.alice, s.statementId)).toBe(edited);
    expect((await s.accept(s.convener, s.secure)).status).toBe(200);
    expect(count(await exportText(s.alice, s.statementId), "safe")).toBe(1);
    s.writer.destroy();
  });
});

const pgUrl = await postgresForTests();
describe.skipIf(!pgUrl)("claims settled by two instances sharing PostgreSQL at the same moment", () => {
  it("each claim is settled once, and nothing is edited twice", async () => {
    const database = await createTestDatabase(pgUrl!);
    try {
      const a = await start({ databaseUrl: database.url, instanceId: "recover-a" });
      const b = await start({ databaseUrl: database.url, instanceId: "recover-b" });
      const s = await statementWithProposals(a);
      injectAcceptFaults(a, { afterEdit: crash });
      void s.accept(s.alice, s.secure).catch(() => null);
      const edited = s.text.replace("secure", "safe");
      await eventually(async () => (await exportText(s.alice, s.statementId)) === edited, 5000, "edit stored");
      injectAcceptFaults(a, { recoverAfterMs: 0 });
      injectAcceptFaults(b, { recoverAfterMs: 0 });
      const onB = (who: ApiClient) => {
        const c = new ApiClient(b.url);
        c.cookie = who.cookie;
        return c;
      };
      const lists = await Promise.all([
        s.list(s.alice),
        s.list(onB(s.bob)),
        s.list(s.reviewer),
        s.list(onB(s.convener)),
      ]);
      for (const l of lists) {
        expect(l.find((x) => x.id === s.secure)).toMatchObject({
          status: "accepted",
          decision: { by: { id: s.alice.userId } },
        });
      }
      expect(await s.acceptedAudits(a, s.secure)).toBe(1);
      expect(await exportText(s.alice, s.statementId)).toBe(edited);
      s.writer.destroy();
    } finally {
      for (const srv of servers.splice(0)) await srv.close().catch(() => {});
      await database.drop().catch(() => {});
    }
  });
});
