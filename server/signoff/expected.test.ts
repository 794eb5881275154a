/**
 * Expected signatories against a real server: the lock gate and the matrix count invited organizations that
 * nobody represents yet, name them, and the convener manages the list (existing organization, or by name,
 * reusing one whose name reads the same); members of other roles cannot change it; every change reaches
 * connected members live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, rawSocket, signUp } from "../testing/harness";
import {
  addMember,
  appEvents,
  createOrg,
  matrixOf,
  shownDocument,
  signNow,
  writeClauses,
  storageTargets,
} from "./test-support";
import type { Client } from "./test-support";

describe.each(await storageTargets())("expected signatories on $name", ({ start }) => {
  let server: Awaited<ReturnType<typeof start>>;
  let admin: Client;

  beforeAll(async () => {
    server = await start();
    admin = await signUp(server.url, "Admin");
  });
  afterAll(async () => {
    await server?.close();
    await server?.drop?.();
  });

  it("block the lock while an expected organization without members has not signed, and name it", async () => {
    const tail = Date.now();
    const present = await Promise.all([1, 2, 3, 4, 5].map((i) => createOrg(admin, `Present ${i} ${tail}`)));
    const missing = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => createOrg(admin, `Missing ${i} ${tail}`)));
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "Expected signatories" });
    const id = statement.id;
    const reps: Client[] = [];
    for (const org of present) reps.push(await addMember(server.url, convener, id, "drafter", org, "Rep"));
    const p = await writeClauses(server.url, id, reps[0], [["c1", "We agree on the principles."]]);
    p.destroy();

    // Five members present: the represented organizations take part from the start.
    expect((await matrixOf(convener, id)).organizations.map((o) => o.id).sort()).toEqual([...present].sort());
    for (const org of missing) {
      const r = await convener.post(`/api/statements/${id}/expected-organizations`, { organizationId: org });
      expect(r.status).toBe(201);
    }
    for (const [i, org] of present.entries()) expect((await signNow(reps[i], id, org)).status).toBe(201);

    const m = await matrixOf(convener, id);
    expect(m.organizations).toHaveLength(14);
    expect(m.readiness.ready).toBe(false);
    expect(m.readiness.unsigned.map((u) => u.organizationId).sort()).toEqual([...missing].sort());
    expect(m.readiness.unsigned.map((u) => u.organizationName)).toContain(`Missing 7 ${tail}`);
    expect(
      m.organizations
        .filter((o) => o.representatives === 0)
        .map((o) => o.id)
        .sort(),
    ).toEqual([...missing].sort());

    // The gate: a plain lock is refused and names who has not signed.
    const lock = await convener.post(`/api/statements/${id}/lock`, await shownDocument(convener, id));
    expect(lock.status).toBe(409);
    expect(lock.json.error.code).toBe("lock_needs_confirmation");
    const named = (lock.json.error.details.unsigned as Array<{ organizationName: string }>).map(
      (u) => u.organizationName,
    );
    expect(named).toHaveLength(9);
    expect(named).toContain(`Missing 1 ${tail}`);

    // Removing the expected ones that never joined makes the gate clean.
    for (const org of missing) {
      const r = await convener.delete(`/api/statements/${id}/expected-organizations`, { organizationId: org });
      expect(r.status).toBe(200);
    }
    expect((await matrixOf(convener, id)).readiness.ready).toBe(true);
    expect((await convener.post(`/api/statements/${id}/lock`, await shownDocument(convener, id))).status).toBe(200);
    // After the lock, the list no longer changes.
    const late = await convener.post(`/api/statements/${id}/expected-organizations`, { organizationId: missing[0] });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("statement_final");
  });

  it("are managed by the convener only: by id or by name, reused when the name reads the same", async () => {
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "Managing the list" });
    const id = statement.id;
    const orgA = await createOrg(admin, `Org A ${Date.now()}`);
    const drafter = await addMember(server.url, convener, id, "drafter", orgA, "Drafter");
    const watcher = await rawSocket(server.url, id, drafter.cookie);

    const named = `Réseau Numérique ${Date.now()}`;
    const created = await convener.post(`/api/statements/${id}/expected-organizations`, {
      name: named,
      stakeholderGroup: "civil-society",
    });
    expect(created.status).toBe(201);
    expect(created.json.created).toBe(true);
    // The same name in another case, without accents: the organization just created, not a twin.
    const again = await convener.post(`/api/statements/${id}/expected-organizations`, {
      name: named.toUpperCase().replace("É", "E").replace("é", "e"),
    });
    expect(again.status).toBe(201);
    expect(again.json.created).toBe(false);
    expect(again.json.organizationId).toBe(created.json.organizationId);
    const list = (await drafter.get(`/api/statements/${id}/expected-organizations`)).json.organizations as Array<{
      id: string;
      expected: boolean;
      representatives: number;
    }>;
    expect(list.map((o) => [o.id, o.representatives])).toEqual(
      expect.arrayContaining([
        [orgA, 1],
        [created.json.organizationId, 0],
      ]),
    );
    expect(list).toHaveLength(2);
    await eventually(
      async () => appEvents(watcher).some((e) => e.type === "signoffs.changed"),
      5000,
      "the change pushed to a member",
    );

    // A drafter cannot change the list; an organization a member represents cannot be removed.
    expect((await drafter.post(`/api/statements/${id}/expected-organizations`, { organizationId: orgA })).status).toBe(
      403,
    );
    expect(
      (
        await drafter.delete(`/api/statements/${id}/expected-organizations`, {
          organizationId: created.json.organizationId,
        })
      ).status,
    ).toBe(403);
    const represented = await convener.delete(`/api/statements/${id}/expected-organizations`, { organizationId: orgA });
    expect(represented.status).toBe(409);
    expect(represented.json.error.message).toMatch(/represented by a member/);
    // Neither both nor none of id and name.
    expect((await convener.post(`/api/statements/${id}/expected-organizations`, {})).status).toBe(400);
    expect(
      (await convener.post(`/api/statements/${id}/expected-organizations`, { organizationId: orgA, name: "X" })).status,
    ).toBe(400);
    // A new name needs its stakeholder group.
    expect(
      (await convener.post(`/api/statements/${id}/expected-organizations`, { name: `Nameless ${Date.now()}` })).status,
    ).toBe(400);
    watcher.close();
  });

  it("keep an organization its departed representative brought in", async () => {
    const org = await createOrg(admin, `Departed ${Date.now()}`);
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "A representative leaves" });
    const rep = await addMember(server.url, convener, statement.id, "drafter", org, "Rep");
    const p = await writeClauses(server.url, statement.id, rep, [["c1", "We agree on the principles."]]);
    p.destroy();
    await convener.api.removeMember(statement.id, { userId: rep.userId });
    const m = await matrixOf(convener, statement.id);
    expect(m.readiness.unsigned.map((u) => u.organizationId)).toEqual([org]);
  });
});
