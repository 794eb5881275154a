import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { RunningServer } from "../server";
import { startServer } from "../server";
import { makeConfig } from "../config";
import {
  TEST_ARGON2,
  ApiClient,
  connectProvider,
  eventually,
  rawSocket,
  receivedFrames,
  signUp,
  synced,
  tempDataDir,
} from "../testing/harness";
import { appendParagraph, plainText, typeInto } from "../testing/docs";
import { canonicalMarkdownOfDoc, sha256Hex } from "../../shared/canonical";
import { MessageType } from "../../shared/protocol";
import { expandMatrix, lockOverrideOf } from "../../shared/signoff";
import type { PositionDto, PositionHistoryDto, SignatureDto, SignoffMatrixDto } from "../../shared/signoff";

type Client = Awaited<ReturnType<typeof signUp>>;
type Role = "convener" | "drafter" | "reviewer" | "observer";

let orgCounter = 0;

/** Creates an organization (names get a unique tail unless `exact`). */
async function createOrg(
  by: ApiClient,
  name: string,
  opts: { exact?: boolean; sortKey?: string } = {},
): Promise<string> {
  const full = opts.exact ? name : `${name} ${++orgCounter}-${Date.now()}`;
  const r = await by.post("/api/organizations", {
    name: full,
    shortName: name.slice(0, 20),
    stakeholderGroup: "technical-community",
    sortKey: opts.sortKey,
  });
  if (r.status !== 201) throw new Error(`org: ${r.text}`);
  return r.json.organization.id;
}

/** Adds a new user with a role (and an organization they represent) to a statement. */
async function addMember(
  baseUrl: string,
  convener: ApiClient,
  statementId: string,
  role: Role,
  organizationId: string | null,
  name: string = role,
): Promise<Client> {
  const u = await signUp(baseUrl, name);
  const r = await convener.post(`/api/statements/${statementId}/members`, { email: u.email, role, organizationId });
  if (r.status !== 201) throw new Error(`member: ${r.text}`);
  return u;
}

/** Writes clauses through a real provider and waits until the server holds them. */
async function writeClauses(baseUrl: string, statementId: string, editor: ApiClient, clauses: Array<[string, string]>) {
  const p = connectProvider(baseUrl, statementId, editor);
  await synced(p.provider);
  for (const [id, text] of clauses) appendParagraph(p.doc, text, id);
  const expected = clauses.map(([, t]) => `${t}\n`).join("\n");
  await eventually(
    async () => (await editor.get(`/api/statements/${statementId}/export.md`)).text === expected,
    5000,
    "clauses stored",
  );
  return p;
}

/** The matrix as the client uses it: the compact answer expanded (shared/signoff.ts `expandMatrix`). */
const matrix = async (c: ApiClient, id: string): Promise<SignoffMatrixDto> => {
  const r = await c.get(`/api/statements/${id}/signoffs`);
  expect(r.status).toBe(200);
  return expandMatrix(r.json);
};
/** The whole current text as a person is shown it: its canonical Markdown (the export) and hash. */
async function shownDocument(c: ApiClient, id: string): Promise<{ documentHash: string; documentText: string }> {
  const text = (await c.get(`/api/statements/${id}/export.md`)).text;
  return { documentHash: sha256Hex(text), documentText: text };
}
/** A clause as a person is shown it (a made-up one when the clause is not in the text). */
async function shownClause(
  c: ApiClient,
  id: string,
  clauseId: unknown,
): Promise<{ clauseHash: string; clauseText: string }> {
  const m = (await c.get(`/api/statements/${id}/signoffs`)).json as SignoffMatrixDto | null;
  const clause = m?.clauses?.find((k) => k.clauseId === clauseId);
  return clause
    ? { clauseHash: clause.hash, clauseText: clause.markdown }
    : { clauseHash: sha256Hex("gone"), clauseText: "gone" };
}
/** Records a position on the clause as it is now (what a person who just loaded it was shown). */
const put = async (c: ApiClient, id: string, body: Record<string, unknown>) =>
  c.request("PUT", `/api/statements/${id}/signoffs`, { ...(await shownClause(c, id, body.clauseId)), ...body });
/** Signs the text as it is now. */
const signFor = async (c: ApiClient, id: string, organizationId: string) =>
  c.post(`/api/statements/${id}/signature`, { organizationId, ...(await shownDocument(c, id)) });
/** Locks the text as it is now; with `override`, over the lists the matrix shows now. */
async function lockAs(c: ApiClient, id: string, opts: { override?: boolean } = {}) {
  const body: Record<string, unknown> = await shownDocument(c, id);
  if (opts.override) {
    const m = (await c.get(`/api/statements/${id}/signoffs`)).json as SignoffMatrixDto;
    body.override = lockOverrideOf(m.readiness);
  }
  return c.post(`/api/statements/${id}/lock`, body);
}

function updateFrame(update: Uint8Array, sub: 1 | 2): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, sub);
  encoding.writeVarUint8Array(enc, update);
  return Buffer.from(encoding.toUint8Array(enc));
}

/** An update that appends a clause, built from the state a client already holds (so it would apply cleanly). */
function appendingUpdate(base: Y.Doc, text: string): Uint8Array {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(d);
  appendParagraph(d, text);
  return Y.encodeStateAsUpdate(d, sv);
}

function authReasons(ws: import("ws").WebSocket): string[] {
  return receivedFrames(ws)
    .map((f) => decoding.createDecoder(f))
    .filter((dec) => decoding.readVarUint(dec) === MessageType.auth)
    .map((dec) => {
      decoding.readVarUint(dec);
      return decoding.readVarString(dec);
    });
}

function appEvents(ws: import("ws").WebSocket): Array<{ type: string; hash?: string }> {
  return receivedFrames(ws)
    .map((f) => decoding.createDecoder(f))
    .filter((dec) => decoding.readVarUint(dec) === MessageType.appEvent)
    .map((dec) => JSON.parse(decoding.readVarString(dec)));
}

/** A strict RFC 4180 reader (CRLF rows, quoted fields with doubled quotes), to check what the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") field += text[i++];
    }
    row.push(field);
    if (text[i] === ",") i++;
    else if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`bad CSV at ${i}`);
  }
  return rows;
}

describe("sign-off and lock", () => {
  const dataDir = tempDataDir();
  const config = makeConfig({ dataDir, port: 0, argon2: TEST_ARGON2 });
  let server: RunningServer;
  let admin: Client;

  beforeAll(async () => {
    server = await startServer(config);
    // The first account of an instance is its admin.
    admin = await signUp(server.url, "Instance Admin");
    expect((await admin.get("/api/me")).json.user.isAdmin).toBe(true);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Statement with three clauses, organizations A and B with a drafter representative each, and a plain drafter. */
  async function scenario() {
    const convener = await signUp(server.url, "Convener");
    const statementId: string = (await convener.post("/api/statements", { title: "Joint statement" })).json.statement
      .id;
    const orgA = await createOrg(convener, "Alpha Registry");
    const orgB = await createOrg(convener, "Beta Network");
    const repA = await addMember(server.url, convener, statementId, "drafter", orgA, "Rep A");
    const repB = await addMember(server.url, convener, statementId, "drafter", orgB, "Rep B");
    const drafter = await addMember(server.url, convener, statementId, "drafter", null, "Drafter");
    const editor = await writeClauses(server.url, statementId, drafter, [
      ["c1", "We support open standards."],
      ["c2", "We commit to multistakeholder governance."],
      ["c3", "We will report every year."],
    ]);
    return { convener, statementId, orgA, orgB, repA, repB, drafter, editor };
  }

  it("role rules: only a representative (convener or drafter) sets and signs for its own organization", async () => {
    const { convener, statementId, orgA, orgB, repA, repB, editor } = await scenario();
    const orgC = await createOrg(convener, "Gamma Society");
    const reviewerC = await addMember(server.url, convener, statementId, "reviewer", orgC, "Reviewer C");
    const observerC = await addMember(server.url, convener, statementId, "observer", orgC, "Observer C");
    const plain = await addMember(server.url, convener, statementId, "drafter", null, "No org");
    const stranger = await signUp(server.url, "Stranger");

    const approve = (organizationId: string) => ({ clauseId: "c1", organizationId, position: "approve" });
    expect((await put(repA, statementId, approve(orgA))).status).toBe(200);
    // A representative of A cannot speak or sign for B.
    expect((await put(repA, statementId, approve(orgB))).status).toBe(403);
    expect((await signFor(repA, statementId, orgB)).status).toBe(403);
    // Reviewers and observers cannot, even for the organization they represent.
    for (const who of [reviewerC, observerC]) {
      expect((await put(who, statementId, approve(orgC))).status).toBe(403);
      expect((await signFor(who, statementId, orgC)).status).toBe(403);
    }
    // Nor can a drafter or convener who represents nobody; a non-member learns nothing.
    for (const who of [plain, convener]) {
      expect((await put(who, statementId, approve(orgA))).status).toBe(403);
      expect((await signFor(who, statementId, orgA)).status).toBe(403);
    }
    expect((await put(stranger, statementId, approve(orgA))).status).toBe(404);
    expect((await new ApiClient(server.url).get(`/api/statements/${statementId}/signoffs`)).status).toBe(401);
    // Bodies are validated: an objection needs a reason, the clause must be in the text.
    expect((await put(repB, statementId, { clauseId: "c2", organizationId: orgB, position: "object" })).status).toBe(
      400,
    );
    const gone = await put(repB, statementId, { clauseId: "nope", organizationId: orgB, position: "approve" });
    expect(gone.status).toBe(409);
    expect(gone.json.error).toMatchObject({
      code: "text_changed",
      details: { scope: "clause", clauseId: "nope", currentHash: null },
    });
    // The hash of what the person was shown is required, and must be the hash of the text sent with it.
    const c1 = await shownClause(repB, statementId, "c1");
    expect(
      (
        await repB.request("PUT", `/api/statements/${statementId}/signoffs`, {
          clauseId: "c1",
          organizationId: orgB,
          position: "approve",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await repB.request("PUT", `/api/statements/${statementId}/signoffs`, {
          clauseId: "c1",
          organizationId: orgB,
          position: "approve",
          clauseHash: c1.clauseHash,
        })
      ).status,
    ).toBe(400);
    const forged = {
      clauseId: "c1",
      organizationId: orgB,
      position: "approve",
      clauseHash: c1.clauseHash,
      clauseText: "Some other words.",
    };
    expect((await repB.request("PUT", `/api/statements/${statementId}/signoffs`, forged)).status).toBe(400);
    expect((await repB.post(`/api/statements/${statementId}/signature`, { organizationId: orgB })).status).toBe(400);
    expect((await convener.post(`/api/statements/${statementId}/lock`, { override: true })).status).toBe(400);
    expect((await convener.post(`/api/statements/${statementId}/lock`, {})).status).toBe(400);
    const objection = await put(repB, statementId, {
      clauseId: "c2",
      organizationId: orgB,
      position: "object",
      reason: "Name the stakeholders.",
    });
    expect(objection.status).toBe(200);
    expect(objection.json.position).toMatchObject({
      clauseId: "c2",
      organizationId: orgB,
      position: "object",
      reason: "Name the stakeholders.",
      stale: false,
    });
    expect((await signFor(repB, statementId, orgB)).status).toBe(201);

    // Only what was allowed is on record.
    const m = await matrix(reviewerC, statementId);
    expect(m.positions.map((p) => `${p.clauseId}:${p.organizationId}:${p.position}`).sort()).toEqual(
      [`c1:${orgA}:approve`, `c2:${orgB}:object`].sort(),
    );
    expect(m.signatures.map((s) => s.organizationId)).toEqual([orgB]);
    expect(m.organizations.map((o) => o.id).sort()).toEqual([orgA, orgB, orgC].sort());
    expect(m.me).toEqual({ organizationId: orgC, canSign: false, canLock: false });
    expect((await matrix(repA, statementId)).me).toEqual({ organizationId: orgA, canSign: true, canLock: false });

    // Only the convener locks.
    for (const who of [repA, reviewerC, observerC, plain]) {
      expect((await lockAs(who, statementId, { override: true })).status).toBe(403);
    }
    expect((await matrix(convener, statementId)).phase).toBe("drafting");
    const locked = await lockAs(convener, statementId, { override: true });
    expect(locked.status).toBe(200);
    editor.destroy();
  });

  it("an edit after an approval makes that position stale with a word diff, leaves others valid and voids the signature", async () => {
    const { statementId, orgA, orgB, repA, repB, editor } = await scenario();
    for (const clauseId of ["c1", "c2"]) {
      expect((await put(repA, statementId, { clauseId, organizationId: orgA, position: "approve" })).status).toBe(200);
    }
    expect((await put(repB, statementId, { clauseId: "c1", organizationId: orgB, position: "abstain" })).status).toBe(
      200,
    );
    const signed = await signFor(repA, statementId, orgA);
    expect(signed.status).toBe(201);
    const before = await matrix(repA, statementId);
    expect(before.positions.every((p) => !p.stale)).toBe(true);
    expect(before.signatures).toHaveLength(1);
    expect(before.signatures[0]).toMatchObject({ organizationId: orgA, voidReason: null, hash: before.documentHash });

    // The drafter rewords clause 1: "open standards" becomes "open, interoperable standards".
    typeInto(editor.doc, 0, "We support open".length, ", interoperable");
    await eventually(
      async () => (await matrix(repA, statementId)).documentHash !== before.documentHash,
      5000,
      "edit stored",
    );

    const after = await matrix(repB, statementId);
    const cell = (clauseId: string, org: string) =>
      after.positions.find((p) => p.clauseId === clauseId && p.organizationId === org) as PositionDto;
    expect(cell("c1", orgA).stale).toBe(true);
    expect(cell("c1", orgA).clauseText).toBe("We support open standards.");
    expect(cell("c1", orgA).diff).toEqual([
      { op: "equal", text: "We support open" },
      { op: "insert", text: ", interoperable" },
      { op: "equal", text: " standards." },
    ]);
    expect(cell("c1", orgB).stale).toBe(true); // every position on the edited clause
    expect(cell("c2", orgA).stale).toBe(false);
    expect(cell("c2", orgA).diff).toBeNull();
    expect(after.clauses.find((c) => c.clauseId === "c1")!.markdown).toBe("We support open, interoperable standards.");
    expect(after.clauses.find((c) => c.clauseId === "c2")!.hash).toBe(
      before.clauses.find((c) => c.clauseId === "c2")!.hash,
    );

    const sig = after.signatures.find((s) => s.organizationId === orgA) as SignatureDto;
    expect(sig.voidReason).toBe("text-changed");
    expect(sig.signedText).toBe(
      "We support open standards.\n\nWe commit to multistakeholder governance.\n\nWe will report every year.\n",
    );
    expect(sig.hash).toBe(sha256Hex(sig.signedText!));
    expect(after.readiness.unsigned.map((u) => u.organizationId).sort()).toEqual([orgA, orgB].sort());

    // Confirming the same position binds it to the new text; so does signing again.
    expect((await put(repA, statementId, { clauseId: "c1", organizationId: orgA, position: "approve" })).status).toBe(
      200,
    );
    expect((await signFor(repA, statementId, orgA)).status).toBe(201);
    const confirmed = await matrix(repA, statementId);
    expect(confirmed.positions.find((p) => p.clauseId === "c1" && p.organizationId === orgA)!.stale).toBe(false);
    expect(confirmed.positions.find((p) => p.clauseId === "c1" && p.organizationId === orgB)!.stale).toBe(true);
    expect(confirmed.signatures.find((s) => s.organizationId === orgA)!.voidReason).toBeNull();
    // History keeps both positions of A on clause 1, newest first.
    const history = (await repA.get(`/api/statements/${statementId}/signoffs/history/c1?organizationId=${orgA}`)).json
      .history as PositionHistoryDto[];
    expect(history.map((h) => h.clauseHash)).toEqual([confirmed.clauses[0].hash, before.clauses[0].hash]);
    editor.destroy();
  });

  it("a lock needs every signature and no standing objection, or an explicit override that is recorded", async () => {
    const { convener, statementId, orgA, orgB, repA, repB, drafter, editor } = await scenario();
    const watcher = await rawSocket(server.url, statementId, drafter.cookie);
    expect(
      (
        await put(repB, statementId, {
          clauseId: "c3",
          organizationId: orgB,
          position: "object",
          reason: "Every two years is enough.",
        })
      ).status,
    ).toBe(200);
    expect((await signFor(repA, statementId, orgA)).status).toBe(201);

    const refused = await lockAs(convener, statementId);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("lock_needs_confirmation");
    expect(refused.json.error.details.unsigned.map((u: { organizationId: string }) => u.organizationId)).toEqual([
      orgB,
    ]);
    expect(refused.json.error.details.objections).toEqual([
      expect.objectContaining({
        clauseId: "c3",
        clauseNumber: 3,
        organizationId: orgB,
        reason: "Every two years is enough.",
        stale: false,
      }),
    ]);
    // The refused lock changed nothing: the drafter still edits.
    typeInto(editor.doc, 2, 0, "Together, ");
    await eventually(
      async () => (await drafter.get(`/api/statements/${statementId}/export.md`)).text.includes("Together, We will"),
      5000,
      "edit after refused lock",
    );
    expect((await matrix(convener, statementId)).phase).toBe("drafting");

    // Resolve it: B approves and both sign the current text; now the lock goes through without override.
    expect((await put(repB, statementId, { clauseId: "c3", organizationId: orgB, position: "approve" })).status).toBe(
      200,
    );
    expect((await signFor(repA, statementId, orgA)).status).toBe(201);
    expect((await signFor(repB, statementId, orgB)).status).toBe(201);
    const ok = await lockAs(convener, statementId);
    expect(ok.status).toBe(200);
    const final = ok.json.final;
    const exported = await convener.get(`/api/statements/${statementId}/export.md`);
    expect(final.hash).toBe(sha256Hex(exported.text));
    expect(final.markdown).toBe(exported.text);
    expect(final.override).toBe(false);
    expect(final.signatories.map((s: { organizationId: string }) => s.organizationId)).toHaveLength(2);
    await eventually(
      () => appEvents(watcher).some((e) => e.type === "locked" && e.hash === final.hash),
      3000,
      "locked event",
    );
    expect(appEvents(watcher).some((e) => e.type === "signoffs.changed")).toBe(true);
    watcher.close();
    editor.destroy();

    // Override path on another statement: unsigned organizations and objections are recorded with the version.
    const s2 = await scenario();
    expect(
      (
        await put(s2.repB, s2.statementId, {
          clauseId: "c1",
          organizationId: s2.orgB,
          position: "object",
          reason: "Too narrow.",
        })
      ).status,
    ).toBe(200);
    expect((await signFor(s2.repA, s2.statementId, s2.orgA)).status).toBe(201);
    const forced = await lockAs(s2.convener, s2.statementId, { override: true });
    expect(forced.status).toBe(200);
    expect(forced.json.final.override).toBe(true);
    expect(forced.json.final.signatories.map((s: { organizationId: string }) => s.organizationId)).toEqual([s2.orgA]);
    expect(forced.json.final.unsigned.map((u: { organizationId: string }) => u.organizationId)).toEqual([s2.orgB]);
    expect(forced.json.final.objections).toEqual([
      expect.objectContaining({ clauseId: "c1", organizationId: s2.orgB, reason: "Too narrow." }),
    ]);
    expect((await lockAs(s2.convener, s2.statementId, { override: true })).status).toBe(409);
    const fin = await s2.repA.get(`/api/statements/${s2.statementId}/final`);
    expect(fin.json.final.id).toBe(forced.json.final.id);
    const versions = await s2.repA.get(`/api/statements/${s2.statementId}/versions`);
    expect(versions.json.versions.map((v: { kind: string }) => v.kind)).toEqual(["final", "signature"]);
    const v = await s2.repA.get(`/api/statements/${s2.statementId}/versions/${forced.json.final.id}`);
    expect(v.json.version.markdown).toBe(forced.json.final.markdown);
    expect((await s2.repA.get(`/api/statements/${s2.statementId}/versions/999999`)).status).toBe(404);
    s2.editor.destroy();
  });

  it("signatories come out in alphabetical order, sort key first", async () => {
    const convener = await signUp(server.url, "Convener");
    const statementId: string = (await convener.post("/api/statements", { title: "Sign-on letter" })).json.statement.id;
    const names: Array<[string, string?]> = [
      ["DENIC eG"],
      [".PT"],
      ["The Internet Society", "Internet Society"],
      ["Blacknight"],
      ["au Domain Administration"],
    ];
    const reps: Array<{ rep: Client; org: string }> = [];
    for (const [name, sortKey] of names) {
      const org = await createOrg(convener, name, { exact: true, sortKey });
      reps.push({ rep: await addMember(server.url, convener, statementId, "drafter", org, `Rep ${name}`), org });
    }
    const editor = await writeClauses(server.url, statementId, convener, [["k1", "We sign."]]);
    for (const { rep, org } of reps) expect((await signFor(rep, statementId, org)).status).toBe(201);
    const locked = await lockAs(convener, statementId);
    expect(locked.status).toBe(200);
    expect(locked.json.final.signatories.map((s: { name: string }) => s.name)).toEqual([
      "au Domain Administration",
      "Blacknight",
      "DENIC eG",
      "The Internet Society",
      ".PT",
    ]);
    expect((await matrix(convener, statementId)).organizations.map((o) => o.name)[0]).toBe("au Domain Administration");
    editor.destroy();
  });

  it("after the lock no socket changes the text, positions and signatures are frozen, and the export hash holds across a restart", async () => {
    const { convener, statementId, orgA, repA, drafter, editor } = await scenario();
    const watcher = connectProvider(server.url, statementId, repA);
    await synced(watcher.provider);
    const convenerWs = await rawSocket(server.url, statementId, convener.cookie);
    const drafterWs = await rawSocket(server.url, statementId, drafter.cookie);
    await eventually(
      () => receivedFrames(convenerWs).length > 0 && receivedFrames(drafterWs).length > 0,
      3000,
      "handshake",
    );
    expect((await put(repA, statementId, { clauseId: "c1", organizationId: orgA, position: "approve" })).status).toBe(
      200,
    );

    const locked = await lockAs(convener, statementId, { override: true });
    expect(locked.status).toBe(200);
    const finalHash: string = locked.json.final.hash;
    const text: string = locked.json.final.markdown;

    for (const ws of [convenerWs, drafterWs]) {
      ws.send(updateFrame(appendingUpdate(editor.doc, "Injected by update"), 2));
      ws.send(updateFrame(appendingUpdate(editor.doc, "Injected by sync step 2"), 1));
    }
    // The provider of a drafter who keeps typing is refused as well.
    appendParagraph(editor.doc, "Typed after the lock");
    await eventually(
      () => authReasons(convenerWs).length >= 2 && authReasons(drafterWs).length >= 2,
      3000,
      "permission denied",
    );
    expect([...authReasons(convenerWs), ...authReasons(drafterWs)].every((r) => /final/.test(r))).toBe(true);
    const exported = await convener.get(`/api/statements/${statementId}/export.md`);
    expect(exported.text).toBe(text);
    expect(exported.headers.get("x-content-sha256")).toBe(finalHash);
    expect(plainText(watcher.doc)).not.toMatch(/Injected|Typed after/);

    // Positions and signatures are frozen.
    expect((await put(repA, statementId, { clauseId: "c2", organizationId: orgA, position: "approve" })).status).toBe(
      409,
    );
    expect((await signFor(repA, statementId, orgA)).status).toBe(409);
    const frozen = await matrix(repA, statementId);
    expect(frozen.phase).toBe("final");
    expect(frozen.final?.hash).toBe(finalHash);
    expect(frozen.me.canSign).toBe(false);
    expect(frozen.positions).toHaveLength(1);

    watcher.destroy();
    editor.destroy();
    convenerWs.close();
    drafterWs.close();
    await server.close();

    // A restarted server on the same data serves the same text and refuses writes from the start.
    server = await startServer(config);
    for (const c of [convener, drafter, repA]) Object.assign(c, { baseUrl: server.url, origin: server.url });
    const again = await convener.get(`/api/statements/${statementId}/export.md`);
    expect(again.text).toBe(text);
    expect(again.headers.get("x-content-sha256")).toBe(finalHash);
    expect(sha256Hex(again.text)).toBe(finalHash);
    expect((await convener.get(`/api/statements/${statementId}/final`)).json.final.hash).toBe(finalHash);
    const ws = await rawSocket(server.url, statementId, drafter.cookie);
    const fresh = connectProvider(server.url, statementId, drafter);
    await synced(fresh.provider);
    expect(canonicalMarkdownOfDoc(fresh.doc)).toBe(text);
    ws.send(updateFrame(appendingUpdate(fresh.doc, "After restart"), 2));
    ws.send(updateFrame(appendingUpdate(fresh.doc, "After restart, step 2"), 1));
    await eventually(() => authReasons(ws).length >= 2, 3000, "permission denied after restart");
    expect((await convener.get(`/api/statements/${statementId}/export.md`)).headers.get("x-content-sha256")).toBe(
      finalHash,
    );
    ws.close();
    fresh.destroy();
    // Admin client still points at the new server for the remaining tests.
    Object.assign(admin, { baseUrl: server.url, origin: server.url });
  });

  it("only the instance admin unlocks, with a reason; the unlock is audited and voids every signature", async () => {
    const { convener, statementId, orgA, orgB, repA, repB, drafter, editor } = await scenario();
    expect((await signFor(repA, statementId, orgA)).status).toBe(201);
    expect((await signFor(repB, statementId, orgB)).status).toBe(201);
    const locked = await lockAs(convener, statementId);
    expect(locked.status).toBe(200);

    expect((await convener.post(`/api/statements/${statementId}/unlock`, { reason: "Typo" })).status).toBe(403);
    expect((await admin.post(`/api/statements/${statementId}/unlock`, {})).status).toBe(400);
    expect((await matrix(convener, statementId)).phase).toBe("final");
    const un = await admin.post(`/api/statements/${statementId}/unlock`, { reason: "A typo in clause 2" });
    expect(un.status).toBe(200);
    expect(un.json.voidedSignatures).toBe(2);
    expect((await admin.post(`/api/statements/${statementId}/unlock`, { reason: "again" })).status).toBe(409);

    const m = await matrix(repA, statementId);
    expect(m.phase).toBe("drafting");
    expect(m.final).toBeNull();
    expect(m.signatures.map((s) => s.voidReason)).toEqual(["unlocked", "unlocked"]);
    expect(m.readiness.unsigned).toHaveLength(2);
    const versions = await repA.get(`/api/statements/${statementId}/versions/${locked.json.final.id}`);
    expect(versions.json.version).toMatchObject({
      unlockReason: "A typo in clause 2",
      unlockedByName: "Instance Admin",
    });
    expect(versions.json.version.unlockedAt).toBeGreaterThan(0);

    // Editing works again, and a new signature holds.
    typeInto(editor.doc, 1, 0, "Again: ");
    await eventually(
      async () => (await drafter.get(`/api/statements/${statementId}/export.md`)).text.includes("Again: We commit"),
      5000,
      "edit after unlock",
    );
    expect((await signFor(repA, statementId, orgA)).status).toBe(201);

    const audit = await repB.get(`/api/statements/${statementId}/audit`);
    const unlockEntry = audit.json.entries.find((e: { action: string }) => e.action === "statement.unlocked");
    expect(unlockEntry).toMatchObject({
      actorName: "Instance Admin",
      hash: locked.json.final.hash,
      detail: { reason: "A typo in clause 2", voidedSignatures: 2 },
    });
    editor.destroy();
  });

  it("the audit log lists memberships, positions, signatures, lock and unlock with hashes, and exports as CSV", async () => {
    const { convener, statementId, orgA, orgB, repA, repB, editor } = await scenario();
    const c1Hash = (await matrix(repA, statementId)).clauses[0].hash;
    expect((await put(repA, statementId, { clauseId: "c1", organizationId: orgA, position: "approve" })).status).toBe(
      200,
    );
    expect(
      (
        await put(repB, statementId, {
          clauseId: "c1",
          organizationId: orgB,
          position: "object",
          reason: '=HYPERLINK("x"), "quoted"',
        })
      ).status,
    ).toBe(200);
    const sig = await signFor(repA, statementId, orgA);
    const locked = await lockAs(convener, statementId, { override: true });
    expect(locked.status).toBe(200);

    const audit = await repB.get(`/api/statements/${statementId}/audit`);
    const actions = audit.json.entries.map((e: { action: string }) => e.action);
    for (const a of ["member.added", "position.set", "signature.signed", "statement.locked"])
      expect(actions).toContain(a);
    const pos = audit.json.entries.filter((e: { action: string }) => e.action === "position.set");
    expect(pos.map((e: { hash: string }) => e.hash)).toEqual([c1Hash, c1Hash]);
    expect(audit.json.entries.find((e: { action: string }) => e.action === "signature.signed").hash).toBe(
      sig.json.signature.hash,
    );
    expect(audit.json.entries.find((e: { action: string }) => e.action === "statement.locked").detail).toMatchObject({
      override: true,
    });

    const csv = await repB.get(`/api/statements/${statementId}/audit.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename=".*-audit\.csv"/);
    expect(csv.text.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(["time", "actor", "action", "organization", "clause", "reason", "hash", "details"]);
    expect(rows).toHaveLength(audit.json.entries.length + 1);
    const lockRow = rows.find((r) => r[2] === "statement.locked")!;
    expect(lockRow[6]).toBe(locked.json.final.hash);
    expect(lockRow[1]).toBe("Convener");
    expect(new Date(lockRow[0]).getTime()).toBe(
      audit.json.entries.find((e: { action: string }) => e.action === "statement.locked").at,
    );
    // The objection names organization B and clause 1; its reason cannot run as a spreadsheet formula.
    const objection = rows.find((r) => r[2] === "position.set" && r[1] === "Rep B")!;
    expect(objection[3]).toMatch(/^Beta Network /);
    expect(objection[4]).toBe("1");
    expect(objection[5]).toBe(`'=HYPERLINK("x"), "quoted"`);
    expect(JSON.parse(objection[7])).toMatchObject({
      position: "object",
      reason: '=HYPERLINK("x"), "quoted"',
      organizationId: orgB,
    });
    expect((await (await signUp(server.url, "Outsider")).get(`/api/statements/${statementId}/audit.csv`)).status).toBe(
      404,
    );
    editor.destroy();
  });
});
