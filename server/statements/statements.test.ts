import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { ApiClient, signUp, startTestServer, statementWithMembers } from "../testing/harness";

describe("statements, members and invites", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("creates a statement with its creator as convener and lists it on the dashboard", async () => {
    const u = await signUp(server.url, "Creator");
    const r = await u.post("/api/statements", { title: "  Statement of Purpose  " });
    expect(r.status).toBe(201);
    expect(r.json.statement).toMatchObject({
      title: "Statement of Purpose",
      role: "convener",
      phase: "drafting",
      memberCount: 1,
    });
    expect(r.json.statement.slug).toMatch(/^statement-of-purpose-[a-z0-9]{6}$/);
    const list = await u.get("/api/statements");
    expect(list.json.statements.map((s: { id: string }) => s.id)).toEqual([r.json.statement.id]);
    const bad = await u.post("/api/statements", { title: "" });
    expect(bad.status).toBe(400);
    expect((await u.get("/api/statements")).json.statements).toHaveLength(1);
  });

  it("hides statements from non-members and refuses anonymous callers", async () => {
    const { statementId } = await statementWithMembers(server.url, []);
    const stranger = await signUp(server.url, "Stranger");
    expect((await stranger.get(`/api/statements/${statementId}`)).status).toBe(404);
    expect((await new ApiClient(server.url).get(`/api/statements/${statementId}`)).status).toBe(401);
    expect((await stranger.get(`/api/statements/${statementId}/export.md`)).status).toBe(404);
  });

  it("only a convener adds, changes and removes members; every change is audited", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter", "reviewer"]);
    const [drafter, reviewer] = members;
    const org = await convener.post("/api/organizations", {
      name: "DENIC eG",
      shortName: "DENIC",
      stakeholderGroup: "technical-community",
    });
    expect(org.status).toBe(201);
    const orgId = org.json.organization.id;
    const newcomer = await signUp(server.url, "Newcomer");

    for (const who of [drafter, reviewer]) {
      expect(
        (await who.post(`/api/statements/${statementId}/members`, { email: newcomer.email, role: "observer" })).status,
      ).toBe(403);
      expect(
        (await who.patch(`/api/statements/${statementId}/members`, { userId: newcomer.userId, role: "drafter" }))
          .status,
      ).toBe(403);
      expect((await who.delete(`/api/statements/${statementId}/members/${drafter.userId}`)).status).toBe(403);
    }
    const added = await convener.post(`/api/statements/${statementId}/members`, {
      email: newcomer.email,
      role: "reviewer",
      organizationId: orgId,
    });
    expect(added.status).toBe(201);
    expect(added.json.member).toMatchObject({ userId: newcomer.userId, role: "reviewer", organizationId: orgId });
    expect(
      (await convener.post(`/api/statements/${statementId}/members`, { email: newcomer.email, role: "observer" }))
        .status,
    ).toBe(409);
    expect(
      (await convener.post(`/api/statements/${statementId}/members`, { email: "nobody@example.org", role: "observer" }))
        .status,
    ).toBe(404);
    expect(
      (await convener.post(`/api/statements/${statementId}/members`, { email: newcomer.email, role: "emperor" }))
        .status,
    ).toBe(400);
    const another = await signUp(server.url, "Another");
    const badOrg = await convener.post(`/api/statements/${statementId}/members`, {
      email: another.email,
      role: "observer",
      organizationId: "nope",
    });
    expect(badOrg.status).toBe(400);
    expect(badOrg.json.error.message).toMatch(/organization/);

    const changed = await convener.patch(`/api/statements/${statementId}/members`, {
      userId: newcomer.userId,
      role: "drafter",
    });
    expect(changed.status).toBe(200);
    expect(changed.json.member.role).toBe("drafter");
    expect(changed.json.member.organizationId).toBe(orgId);
    expect((await convener.delete(`/api/statements/${statementId}/members`, { userId: newcomer.userId })).status).toBe(
      200,
    );
    expect((await newcomer.get(`/api/statements/${statementId}`)).status).toBe(404);

    const detail = await drafter.get(`/api/statements/${statementId}`);
    expect(detail.json.me.role).toBe("drafter");
    expect(detail.json.members.map((m: { role: string }) => m.role).sort()).toEqual([
      "convener",
      "drafter",
      "reviewer",
    ]);

    const audit = await reviewer.get(`/api/statements/${statementId}/audit`);
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["member.added", "member.changed", "member.removed", "statement.created"]),
    );
  });

  it("never leaves a statement without a convener", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const demote = await convener.patch(`/api/statements/${statementId}/members`, {
      userId: convener.userId,
      role: "drafter",
    });
    expect(demote.status).toBe(409);
    expect((await convener.delete(`/api/statements/${statementId}/members/${convener.userId}`)).status).toBe(409);
    expect((await convener.get(`/api/statements/${statementId}`)).json.me.role).toBe("convener");
  });

  it("invite links: a new person signs up through one and joins with its role; the link is single use and expires", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const inv = await convener.post(`/api/statements/${statementId}/invites`, { role: "reviewer" });
    expect(inv.status).toBe(201);
    expect(inv.json.path).toBe(`/invite/${inv.json.token}`);
    const info = await new ApiClient(server.url).get(`/api/invites/${inv.json.token}`);
    expect(info.json).toMatchObject({
      statementTitle: "Statement of Purpose",
      role: "reviewer",
      invitedBy: "Convener",
    });

    const person = new ApiClient(server.url);
    const r = await person.post("/api/auth/signup", {
      email: `invited.${Date.now()}@example.org`,
      password: "long enough pw",
      name: "Invited",
      invite: inv.json.token,
    });
    expect(r.status).toBe(201);
    expect(r.json.joinedStatementId).toBe(statementId);
    expect((await person.get(`/api/statements/${statementId}`)).json.me.role).toBe("reviewer");

    const late = await signUp(server.url, "Late");
    expect((await late.post(`/api/invites/${inv.json.token}/accept`)).status).toBe(400);
    expect((await late.get(`/api/statements/${statementId}`)).status).toBe(404);

    const inv2 = await convener.post(`/api/statements/${statementId}/invites`, { role: "observer", expiresInHours: 1 });
    await server.services.db
      .updateTable("invites")
      .set({ expires_at: Date.now() - 1 })
      .where("id", "=", inv2.json.id)
      .execute();
    const expired = await late.post(`/api/invites/${inv2.json.token}/accept`);
    expect(expired.status).toBe(400);
    expect(expired.json.error.message).toMatch(/expired/);
    expect((await late.post(`/api/invites/not-a-token/accept`)).status).toBe(404);
    // The token itself is not stored.
    const rows = await server.services.db.selectFrom("invites").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(inv.json.token);
  });

  it("only a convener creates invite links", async () => {
    const { statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    expect((await members[0].post(`/api/statements/${statementId}/invites`, { role: "observer" })).status).toBe(403);
  });

  it("exports canonical Markdown with its SHA-256 in a header", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const r = await convener.get(`/api/statements/${statementId}/export.md`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/markdown/);
    expect(r.headers.get("x-content-sha256")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const u = await signUp(server.url, "Lost");
    const r = await u.get("/api/nothing-here");
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe("not_found");
  });
});
