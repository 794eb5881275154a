/**
 * Organizations: who may create, edit, merge and delete them (the matrix of `policy.ts`, tried by every kind
 * of user), audit entries for each change, and a merge that keeps every membership, position and signature.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { ApiClient, signUp, startTestServer } from "../testing/harness";

type Client = Awaited<ReturnType<typeof signUp>>;
let n = 0;
const orgBody = (name: string) => ({
  name: `${name} ${++n}`,
  shortName: name.slice(0, 10),
  stakeholderGroup: "civil-society",
});

describe("organizations: permissions", () => {
  let server: RunningServer;
  let admin: Client, convener: Client, otherConvener: Client, drafter: Client, plain: Client;
  let statementId: string;
  let participating: string; // takes part in `convener`'s statement
  let elsewhere: string; // takes part only in `otherConvener`'s statement

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUp(server.url, "Admin"); // the first account is the admin
    convener = await signUp(server.url, "Convener");
    otherConvener = await signUp(server.url, "Other Convener");
    drafter = await signUp(server.url, "Drafter");
    plain = await signUp(server.url, "Plain");
    statementId = (await convener.post("/api/statements", { title: "Joint statement" })).json.statement.id;
    const other = (await otherConvener.post("/api/statements", { title: "Another statement" })).json.statement.id;
    participating = (await admin.post("/api/organizations", orgBody("Alpha"))).json.organization.id;
    elsewhere = (await admin.post("/api/organizations", orgBody("Beta"))).json.organization.id;
    expect(
      (
        await convener.post(`/api/statements/${statementId}/members`, {
          email: drafter.email,
          role: "drafter",
          organizationId: participating,
        })
      ).status,
    ).toBe(201);
    const rep = await signUp(server.url, "Rep");
    expect(
      (
        await otherConvener.post(`/api/statements/${other}/members`, {
          email: rep.email,
          role: "drafter",
          organizationId: elsewhere,
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  it("create: the admin and any convener; not a drafter, not a user without statements, not anonymous", async () => {
    expect((await admin.post("/api/organizations", orgBody("ByAdmin"))).status).toBe(201);
    expect((await convener.post("/api/organizations", orgBody("ByConvener"))).status).toBe(201);
    expect((await otherConvener.post("/api/organizations", orgBody("ByOther"))).status).toBe(201);
    const d = await drafter.post("/api/organizations", orgBody("ByDrafter"));
    expect(d.status).toBe(403);
    expect(d.json.error.code).toBe("forbidden");
    expect((await plain.post("/api/organizations", orgBody("ByPlain"))).status).toBe(403);
    expect((await new ApiClient(server.url).post("/api/organizations", orgBody("ByNobody"))).status).toBe(401);
    // Nothing was created by the refused ones.
    const names = (await admin.get("/api/organizations")).json.organizations.map((o: { name: string }) => o.name);
    expect(names.some((x: string) => /ByDrafter|ByPlain|ByNobody/.test(x))).toBe(false);
  });

  it("edit: the admin, and a convener of a statement the organization takes part in — nobody else", async () => {
    const patch = (who: ApiClient, id: string, shortName: string) =>
      who.patch(`/api/organizations/${id}`, { shortName });
    expect((await patch(admin, participating, "A1")).status).toBe(200);
    expect((await patch(convener, participating, "A2")).status).toBe(200);
    expect((await patch(otherConvener, participating, "A3")).status).toBe(403);
    expect((await patch(drafter, participating, "A4")).status).toBe(403);
    expect((await patch(plain, participating, "A5")).status).toBe(403);
    expect((await patch(convener, elsewhere, "B1")).status).toBe(403);
    expect((await patch(otherConvener, elsewhere, "B2")).status).toBe(200);
    expect((await patch(admin, "no-such-org", "X")).status).toBe(404);
    const orgs = (await plain.get("/api/organizations")).json.organizations;
    expect(orgs.find((o: { id: string }) => o.id === participating).shortName).toBe("A2");
    expect(orgs.find((o: { id: string }) => o.id === elsewhere).shortName).toBe("B2");
    // A rename onto another organization's name is a conflict; a bad body a 400.
    const betaName = orgs.find((o: { id: string }) => o.id === elsewhere).name;
    expect((await admin.patch(`/api/organizations/${participating}`, { name: betaName })).status).toBe(409);
    expect((await admin.patch(`/api/organizations/${participating}`, { stakeholderGroup: "pirates" })).status).toBe(
      400,
    );
  });

  it("merge and delete: the admin only; delete only what nothing refers to", async () => {
    const spare = (await admin.post("/api/organizations", orgBody("Spare"))).json.organization.id;
    for (const who of [convener, otherConvener, drafter, plain]) {
      expect((await who.post(`/api/organizations/${spare}/merge`, { intoId: participating })).status).toBe(403);
      expect((await who.delete(`/api/organizations/${spare}`)).status).toBe(403);
    }
    const inUse = await admin.delete(`/api/organizations/${participating}`);
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.message).toMatch(/merge/i);
    expect((await admin.post(`/api/organizations/${spare}/merge`, { intoId: spare })).status).toBe(400);
    expect((await admin.delete(`/api/organizations/${spare}`)).status).toBe(200);
    expect((await admin.get("/api/organizations")).json.organizations.some((o: { id: string }) => o.id === spare)).toBe(
      false,
    );
  });

  it("tells the client what the caller may do", async () => {
    expect((await admin.get("/api/organizations/permissions")).json.permissions).toEqual({
      create: true,
      merge: true,
      delete: true,
      edit: "all",
    });
    expect((await convener.get("/api/organizations/permissions")).json.permissions).toEqual({
      create: true,
      merge: false,
      delete: false,
      edit: [participating],
    });
    expect((await drafter.get("/api/organizations/permissions")).json.permissions).toEqual({
      create: false,
      merge: false,
      delete: false,
      edit: [],
    });
    expect((await plain.get("/api/organizations/permissions")).json.permissions).toEqual({
      create: false,
      merge: false,
      delete: false,
      edit: [],
    });
  });

  it("leaves an audit entry for every change", async () => {
    const actions = (
      await server.services.db
        .selectFrom("audit_log")
        .select("action")
        .where("action", "like", "organization.%")
        .execute()
    ).map((r) => r.action);
    for (const a of ["organization.created", "organization.updated", "organization.deleted"])
      expect(actions).toContain(a);
  });
});

describe("organizations: merge", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("keeps every membership, clause position and signature of both, under the remaining organization", async () => {
    const admin = await signUp(server.url, "Admin");
    const convener = await signUp(server.url, "Convener");
    const statementId: string = (await convener.post("/api/statements", { title: "Merged statement" })).json.statement
      .id;
    const dup = (await admin.post("/api/organizations", orgBody("Internet Society"))).json.organization.id as string;
    const keep = (await admin.post("/api/organizations", orgBody("ISOC"))).json.organization.id as string;
    const repA = await signUp(server.url, "Rep A");
    const repB = await signUp(server.url, "Rep B");
    await convener.post(`/api/statements/${statementId}/members`, {
      email: repA.email,
      role: "drafter",
      organizationId: dup,
    });
    await convener.post(`/api/statements/${statementId}/members`, {
      email: repB.email,
      role: "drafter",
      organizationId: keep,
    });

    // Sign-off history of both organizations, written as the sign-off module stores it.
    const db = server.services.db;
    const now = Date.now();
    const position = (org: string, clause: string, pos: string, user: string, at: number) => ({
      statement_id: statementId,
      clause_id: clause,
      organization_id: org,
      position: pos,
      reason: pos === "object" ? "too vague" : null,
      clause_hash: `hash-${clause}`,
      clause_text: `text of ${clause}`,
      user_id: user,
      at,
    });
    await db
      .insertInto("clause_positions")
      .values([
        position(dup, "c1", "approve", repA.userId, now - 3000),
        position(dup, "c2", "object", repA.userId, now - 2000),
        position(keep, "c1", "abstain", repB.userId, now - 1000),
      ])
      .execute();
    const version = await db
      .insertInto("statement_versions")
      .values({
        statement_id: statementId,
        kind: "signature",
        markdown: "# Text\n",
        hash: "h1",
        signatories: "[]",
        unsigned: "[]",
        objections: "[]",
        override: 0,
        created_by: repA.userId,
        created_at: now,
        unlocked_at: null,
        unlocked_by: null,
        unlock_reason: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("document_signatures")
      .values([
        {
          statement_id: statementId,
          organization_id: dup,
          user_id: repA.userId,
          hash: "h1",
          version_id: version.id,
          at: now - 500,
          voided_at: null,
          void_reason: null,
        },
        {
          statement_id: statementId,
          organization_id: keep,
          user_id: repB.userId,
          hash: "h1",
          version_id: version.id,
          at: now - 400,
          voided_at: null,
          void_reason: null,
        },
      ])
      .execute();

    const countOf = async (table: "clause_positions" | "document_signatures" | "members", org: string) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("organization_id", "=", org)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const totals = {
      positions: (await countOf("clause_positions", dup)) + (await countOf("clause_positions", keep)),
      signatures: 2,
      members: 2,
    };

    expect((await convener.post(`/api/organizations/${dup}/merge`, { intoId: keep })).status).toBe(403);
    const merged = await admin.post(`/api/organizations/${dup}/merge`, { intoId: keep });
    expect(merged.status).toBe(200);
    expect(merged.json.moved).toMatchObject({
      "members.organization_id": 1,
      "clause_positions.organization_id": 2,
      "document_signatures.organization_id": 1,
    });

    // Nothing lost, nothing left pointing at the removed organization.
    expect(await countOf("clause_positions", keep)).toBe(totals.positions);
    expect(await countOf("document_signatures", keep)).toBe(totals.signatures);
    expect(await countOf("members", keep)).toBe(totals.members);
    for (const t of ["clause_positions", "document_signatures", "members"] as const)
      expect(await countOf(t, dup)).toBe(0);
    const positions = await db
      .selectFrom("clause_positions")
      .selectAll()
      .where("statement_id", "=", statementId)
      .orderBy("id")
      .execute();
    expect(positions.map((p) => [p.clause_id, p.position, p.reason, p.user_id])).toEqual([
      ["c1", "approve", null, repA.userId],
      ["c2", "object", "too vague", repA.userId],
      ["c1", "abstain", null, repB.userId],
    ]);
    // Rep A now represents the remaining organization on the statement.
    const detail = await convener.get(`/api/statements/${statementId}`);
    const repAMember = detail.json.members.find((m: { userId: string }) => m.userId === repA.userId);
    expect(repAMember.organizationId).toBe(keep);
    expect((await admin.get("/api/organizations")).json.organizations.map((o: { id: string }) => o.id)).not.toContain(
      dup,
    );

    // Audited instance-wide and in the statement's own log.
    const audit = await db
      .selectFrom("audit_log")
      .select(["statement_id", "action", "detail"])
      .where("action", "=", "organization.merged")
      .execute();
    expect(audit.map((a) => a.statement_id).sort()).toEqual([null, statementId].sort());
    expect(
      JSON.parse(audit.find((a) => a.statement_id === null)!.detail).moved["clause_positions.organization_id"],
    ).toBe(2);
  });
});
