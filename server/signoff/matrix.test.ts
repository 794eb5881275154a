/**
 * The compact matrix (issue 19): what `GET /signoffs` sends, expanded as the client does, says exactly what the
 * full matrix said (positions, stale flags, hashes, diffs, readiness); pushed cell deltas keep a second
 * client's matrix equal to a fresh GET; the history comes per clause or cell.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as decoding from "lib0/decoding";
import type WebSocket from "ws";
import type { RunningServer } from "../server";
import type { ApiClient } from "../testing/harness";
import {
  connectProvider,
  eventually,
  rawSocket,
  receivedFrames,
  signUp,
  startTestServer,
  synced,
} from "../testing/harness";
import { appendParagraph, typeInto } from "../testing/docs";
import { MessageType } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";
import { applySignoffDelta, expandMatrix, lockReadiness, positionKey } from "../../shared/signoff";
import type { PositionDto, PositionHistoryDto, SignoffMatrixDto, SignoffMatrixWire } from "../../shared/signoff";
import { liveText } from "./decisions";
import { participatingOrganizations } from "./matrix";
import { currentPositions, positionRows } from "./positions";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

let n = 0;
async function org(by: ApiClient, name: string): Promise<string> {
  const r = await by.post("/api/organizations", {
    name: `${name} ${++n}-${Date.now()}`,
    shortName: name,
    stakeholderGroup: "civil-society",
  });
  return r.json.organization.id;
}

async function member(convener: ApiClient, statementId: string, organizationId: string | null, name: string) {
  const u = await signUp(server.url, name);
  const r = await convener.post(`/api/statements/${statementId}/members`, {
    email: u.email,
    role: "drafter",
    organizationId,
  });
  if (r.status !== 201) throw new Error(r.text);
  return u;
}

async function wire(c: ApiClient, id: string): Promise<SignoffMatrixWire> {
  const r = await c.get(`/api/statements/${id}/signoffs`);
  expect(r.status).toBe(200);
  return r.json;
}

async function put(
  c: ApiClient,
  id: string,
  clauseId: string,
  organizationId: string,
  position: string,
  reason?: string,
) {
  const m = await wire(c, id);
  const clause = m.clauses.find((k) => k.clauseId === clauseId)!;
  const r = await c.request("PUT", `/api/statements/${id}/signoffs`, {
    clauseId,
    organizationId,
    position,
    reason,
    clauseHash: clause.hash,
    clauseText: clause.markdown,
  });
  expect(r.status, r.text).toBe(200);
}

/** Positions in a stable order, for comparing two matrices. */
const sorted = (ps: readonly PositionDto[]) =>
  [...ps].sort((a, b) =>
    positionKey(a.clauseId, a.organizationId).localeCompare(positionKey(b.clauseId, b.organizationId)),
  );

function appEvents(ws: WebSocket): AppEvent[] {
  return receivedFrames(ws)
    .map((f) => decoding.createDecoder(f))
    .filter((d) => decoding.readVarUint(d) === MessageType.appEvent)
    .map((d) => JSON.parse(decoding.readVarString(d)));
}

async function scenario() {
  const convener = await signUp(server.url, "Convener");
  const statementId: string = (await convener.post("/api/statements", { title: "Compact" })).json.statement.id;
  const orgs = [await org(convener, "Alpha"), await org(convener, "Beta"), await org(convener, "Gamma")];
  const reps = [];
  for (const [i, o] of orgs.entries()) reps.push(await member(convener, statementId, o, `Rep ${i}`));
  const drafter = await member(convener, statementId, null, "Drafter");
  const editor = connectProvider(server.url, statementId, drafter);
  await synced(editor.provider);
  for (let i = 1; i <= 4; i++) appendParagraph(editor.doc, `Clause ${i} says something.`, `c${i}`);
  await eventually(async () => (await wire(convener, statementId)).clauses.length === 4, 5000, "clauses stored");
  return { convener, statementId, orgs, reps, editor };
}

describe("compact sign-off matrix", () => {
  it("expands to the full matrix's semantics: stale flags, bound hashes, diffs, removed clauses, readiness", async () => {
    const { convener, statementId, orgs, reps, editor } = await scenario();
    await put(reps[0], statementId, "c1", orgs[0], "approve");
    await put(reps[1], statementId, "c1", orgs[1], "object", "Too vague.");
    await put(reps[1], statementId, "c2", orgs[1], "abstain");
    await put(reps[2], statementId, "c4", orgs[2], "object", "Remove it.");
    await put(reps[0], statementId, "c3", orgs[0], "approve");
    await put(reps[0], statementId, "c3", orgs[0], "object", "Changed my mind.");
    // Clause 1 reworded (its positions go stale), clause 4 removed.
    typeInto(editor.doc, 0, "Clause 1".length, " really");
    editor.doc.getXmlFragment("default").delete(3, 1);
    await eventually(async () => (await wire(convener, statementId)).clauses.length === 3, 5000, "edits stored");

    const got = expandMatrix(await wire(reps[2], statementId));
    // The full matrix, as the server computed it before: every row judged against the live text.
    const text = await liveText(server.services, statementId);
    const organizations = await participatingOrganizations(server.services.db, statementId);
    const full = currentPositions(await positionRows(server.services.db, statementId), text.clauses);
    expect(sorted(got.positions)).toEqual(sorted(full));
    expect(got.positions.find((p) => p.clauseId === "c1" && p.organizationId === orgs[0])).toMatchObject({
      stale: true,
      removed: false,
      clauseText: "Clause 1 says something.",
      diff: [
        { op: "equal", text: "Clause 1 " },
        { op: "insert", text: "really " },
        { op: "equal", text: "says something." },
      ],
    });
    expect(got.positions.find((p) => p.clauseId === "c4")).toMatchObject({ stale: true, removed: true, diff: null });
    expect(got.positions.find((p) => p.clauseId === "c3")).toMatchObject({
      position: "object",
      reason: "Changed my mind.",
      stale: false,
    });
    expect(got.readiness).toEqual(
      lockReadiness({
        documentHash: text.hash,
        clauses: text.clauses,
        organizations,
        positions: full,
        signatures: got.signatures,
      }),
    );
    expect(got.clauses).toEqual(text.clauses);
    expect(got.documentHash).toBe(text.hash);

    // History on demand: a cell's, newest first; a clause's, every organization.
    const cell = (await reps[0].get(`/api/statements/${statementId}/signoffs/history/c3?organizationId=${orgs[0]}`))
      .json.history as PositionHistoryDto[];
    expect(cell.map((h) => h.position)).toEqual(["object", "approve"]);
    const clause = (await reps[0].get(`/api/statements/${statementId}/signoffs/history/c1`)).json
      .history as PositionHistoryDto[];
    expect(clause.map((h) => h.organizationId).sort()).toEqual([orgs[0], orgs[1]].sort());
    const stranger = await signUp(server.url, "Stranger");
    expect((await stranger.get(`/api/statements/${statementId}/signoffs/history/c1`)).status).toBe(404);
    editor.destroy();
  });

  it("pushed cell deltas keep a second client's matrix equal to a fresh GET; a missed delta shows as a version gap", async () => {
    const { convener, statementId, orgs, reps, editor } = await scenario();
    const watcher = await rawSocket(server.url, statementId, convener.cookie);
    await put(reps[0], statementId, "c1", orgs[0], "approve");
    let mine: SignoffMatrixDto = expandMatrix(await wire(convener, statementId));
    let seen = 0;
    const applyNew = async (count: number) => {
      await eventually(
        () => appEvents(watcher).filter((e) => e.type === "signoffs.changed").length >= count,
        5000,
        "events",
      );
      for (const e of appEvents(watcher)
        .filter((x) => x.type === "signoffs.changed")
        .slice(seen)) {
        seen++;
        if (e.type !== "signoffs.changed" || !e.delta || e.delta.version <= mine.version) continue;
        expect(JSON.stringify(e).length).toBeLessThan(2048);
        const next = applySignoffDelta(mine, e.delta);
        expect(next, "delta follows the version held").not.toBeNull();
        mine = next!;
      }
    };
    await applyNew(1);
    const steps: Array<[number, string, string, string?]> = [
      [1, "c2", "approve"],
      [2, "c1", "object", "No."],
      [0, "c1", "abstain"],
      [2, "c1", "approve"],
      [1, "c3", "object", "Why?"],
    ];
    for (const [i, [who, clauseId, position, reason]] of steps.entries()) {
      await put(reps[who], statementId, clauseId, orgs[who], position, reason);
      await applyNew(i + 2);
      const fresh = expandMatrix(await wire(convener, statementId));
      expect(mine.version).toBe(fresh.version);
      expect(sorted(mine.positions)).toEqual(sorted(fresh.positions));
      expect(mine.readiness).toEqual(fresh.readiness);
    }
    // A client that missed one: the next delta does not follow its version, so it refetches.
    const behind = mine;
    await put(reps[0], statementId, "c2", orgs[0], "approve");
    await put(reps[0], statementId, "c3", orgs[0], "approve");
    await eventually(
      () => appEvents(watcher).filter((e) => e.type === "signoffs.changed").length >= steps.length + 3,
      5000,
      "events",
    );
    const last = appEvents(watcher)
      .filter((e) => e.type === "signoffs.changed")
      .at(-1)!;
    expect(last.type === "signoffs.changed" && last.delta && applySignoffDelta(behind, last.delta)).toBeNull();
    watcher.close();
    editor.destroy();
  });
});
