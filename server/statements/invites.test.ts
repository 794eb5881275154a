/**
 * Invite links through a real server: single use (a second person is refused), listed while outstanding, and
 * revoked by the convener — after which the link is refused, to read and to accept, and leaves the list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { signUp, startTestServer } from "../testing/harness";

describe("invites", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ clientDir: "" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("one link lets one person in; the list shows only outstanding links; a revoked link is refused", async () => {
    const convener = await signUp(server.url, "Convener");
    const { statement: st } = await convener.api.createStatement({ title: "Invites" });
    const first = await convener.api.createInvite(st.id, { role: "reviewer" });
    const second = await convener.api.createInvite(st.id, { role: "observer" });
    expect((await convener.api.invites(st.id)).invites.map((i) => i.id).sort()).toEqual([first.id, second.id].sort());

    // Single use: Ana joins with the first link, Bo is refused it, and it leaves the list.
    const ana = await signUp(server.url, "Ana");
    const bo = await signUp(server.url, "Bo");
    await ana.api.acceptInvite(first.token);
    await expect(bo.api.acceptInvite(first.token)).rejects.toMatchObject({ status: 400 });
    expect((await convener.api.invites(st.id)).invites.map((i) => i.id)).toEqual([second.id]);

    // Revoked: the link reads as revoked and lets nobody in; it leaves the list; revoking twice is a 404.
    await convener.api.revokeInvite(st.id, second.id);
    const described = await bo.get(`/api/invites/${second.token}`);
    expect(described.status).toBe(400);
    expect(described.json.error.message).toMatch(/revoked/);
    await expect(bo.api.acceptInvite(second.token)).rejects.toMatchObject({ status: 400 });
    expect((await convener.api.statement(st.id)).members.map((m) => m.name).sort()).toEqual(["Ana", "Convener"]);
    expect((await convener.api.invites(st.id)).invites).toEqual([]);
    await expect(convener.api.revokeInvite(st.id, second.id)).rejects.toMatchObject({ status: 404 });
    // Nobody but a convener lists or revokes.
    await expect(ana.api.invites(st.id)).rejects.toMatchObject({ status: 403 });
    const third = await convener.api.createInvite(st.id, { role: "observer" });
    await expect(ana.api.revokeInvite(st.id, third.id)).rejects.toMatchObject({ status: 403 });
    await bo.api.acceptInvite(third.token);
  });

  it("two people accepting one link at the same moment: exactly one joins", async () => {
    const convener = await signUp(server.url, "Convener");
    const { statement: st } = await convener.api.createStatement({ title: "Race" });
    const invite = await convener.api.createInvite(st.id, { role: "drafter" });
    const [a, b] = [await signUp(server.url, "Racer A"), await signUp(server.url, "Racer B")];
    const results = await Promise.allSettled([a.api.acceptInvite(invite.token), b.api.acceptInvite(invite.token)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await convener.api.statement(st.id)).members).toHaveLength(2);
  });

  it("an emailed invite lists the address it went to", async () => {
    const convener = await signUp(server.url, "Convener");
    const { statement: st } = await convener.api.createStatement({ title: "Emailed" });
    const r = await convener.post(`/api/statements/${st.id}/invites/email`, {
      email: "ana@example.org",
      role: "drafter",
    });
    expect(r.status).toBe(201);
    expect((await convener.api.invites(st.id)).invites).toMatchObject([{ sentTo: "ana@example.org", role: "drafter" }]);
  });
});
