/**
 * "Approve all clauses without my objection" against a real server: two representatives of different
 * organizations approve in bulk at the same moment while a drafter edits one of the clauses; afterwards each
 * organization's positions are exactly what it asked for — every clause approved at the hash its
 * representative saw, objections and abstentions untouched, the edited clause either approved on the words
 * shown (now stale) or reported as changed — and the counts in the answers say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, rawSocket, signUp } from "../testing/harness";
import { typeInto } from "../testing/docs";
import { addMember, appEvents, createOrg, matrixOf, writeClauses, storageTargets } from "./test-support";
import type { BulkApproveResult, SignoffMatrixDto } from "../../shared/signoff";
import { bulkApprovable, positionIndex, positionKey } from "../../shared/signoff";

describe.each(await storageTargets())("bulk approval on $name", ({ start }) => {
  let server: Awaited<ReturnType<typeof start>>;
  let admin: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    server = await start();
    admin = await signUp(server.url, "Admin");
  });
  afterAll(async () => {
    await server?.close();
    await server?.drop?.();
  });

  it("two organizations at once, during an edit: each organization's positions are exactly right", async () => {
    const orgA = await createOrg(admin, `Alpha ${Date.now()}`);
    const orgB = await createOrg(admin, `Beta ${Date.now()}`);
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "Bulk" });
    const id = statement.id;
    const repA = await addMember(server.url, convener, id, "drafter", orgA, "Rep A");
    const repB = await addMember(server.url, convener, id, "drafter", orgB, "Rep B");
    const editor = await addMember(server.url, convener, id, "drafter", null, "Editor");
    const clauses = Array.from(
      { length: 10 },
      (_, i) => [`c${i + 1}`, `Clause number ${i + 1} of the text.`] as [string, string],
    );
    const p = await writeClauses(server.url, id, editor, clauses);

    const set = async (c: typeof repA, org: string, clauseId: string, position: string, reason?: string) => {
      const clause = (await matrixOf(c, id)).clauses.find((k) => k.clauseId === clauseId)!;
      const r = await c.api.setPosition(id, {
        clauseId,
        organizationId: org,
        position: position as "approve",
        reason,
        clauseHash: clause.hash,
        clauseText: clause.markdown,
      });
      return r.position;
    };
    await set(repA, orgA, "c2", "object", "Too vague.");
    await set(repA, orgA, "c3", "abstain");
    await set(repA, orgA, "c6", "approve");
    await set(repB, orgB, "c4", "object", "We cannot support this.");
    const watcher = await rawSocket(server.url, id, convener.cookie);

    // What each representative was shown when they clicked, and what the confirmation counted.
    const shownA = await matrixOf(repA, id);
    const shownB = await matrixOf(repB, id);
    const offerA = bulkApprovable(shownA, orgA);
    const offerB = bulkApprovable(shownB, orgB);
    expect(offerA.map((c) => c.clauseId)).toEqual(["c1", "c4", "c5", "c7", "c8", "c9", "c10"]);
    expect(offerB.map((c) => c.clauseId)).toEqual(["c1", "c2", "c3", "c5", "c6", "c7", "c8", "c9", "c10"]);
    // A also names its reserved clauses (an old client, or one that did not see them yet): they must be skipped.
    const bodyA = {
      organizationId: orgA,
      clauses: [...offerA, ...shownA.clauses.filter((c) => ["c2", "c3", "c6"].includes(c.clauseId))].map((c) => ({
        clauseId: c.clauseId,
        clauseHash: c.hash,
      })),
    };
    const bodyB = { organizationId: orgB, clauses: offerB.map((c) => ({ clauseId: c.clauseId, clauseHash: c.hash })) };

    const [a, b] = await Promise.all([
      repA.post(`/api/statements/${id}/signoffs/approve-all`, bodyA),
      repB.post(`/api/statements/${id}/signoffs/approve-all`, bodyB),
      (async () => typeInto(p.doc, 4, 0, "Edited: "))(),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const ra = a.json as BulkApproveResult;
    const rb = b.json as BulkApproveResult;
    expect(ra.skipped.objected).toBe(1);
    expect(ra.skipped.abstained).toBe(1);
    expect(ra.skipped.alreadyApproved).toBe(1);
    expect(rb.skipped.objected + rb.skipped.abstained + rb.skipped.alreadyApproved).toBe(0);
    // Every offered clause is either approved or was edited under the click (c5 only).
    expect(ra.approved + ra.skipped.changed).toBe(offerA.length);
    expect(rb.approved + rb.skipped.changed).toBe(offerB.length);
    expect(ra.skipped.changed).toBeLessThanOrEqual(1);
    expect(rb.skipped.changed).toBeLessThanOrEqual(1);

    await eventually(
      async () => (await convener.get(`/api/statements/${id}/export.md`)).text.includes("Edited: Clause number 5"),
      5000,
      "the edit stored",
    );
    const after = await matrixOf(convener, id);
    const index = positionIndex(after.positions);
    const check = (
      org: string,
      shown: SignoffMatrixDto,
      result: BulkApproveResult,
      reserved: Record<string, string>,
    ) => {
      for (const c of shown.clauses) {
        const p = index.get(positionKey(c.clauseId, org));
        if (reserved[c.clauseId]) {
          expect(p?.position, `${c.clauseId} keeps its reservation`).toBe(reserved[c.clauseId]);
          continue;
        }
        if (c.clauseId === "c6" && org === orgA) {
          expect(p?.position).toBe("approve");
          continue;
        }
        if (result.approvedClauseIds.includes(c.clauseId)) {
          // Approved on exactly the words the representative was shown.
          expect(p?.position, c.clauseId).toBe("approve");
          expect(p?.clauseHash, c.clauseId).toBe(c.hash);
          expect(p?.organizationId).toBe(org);
        } else {
          expect(c.clauseId, "only the edited clause can be left out").toBe("c5");
          expect(p).toBeUndefined();
        }
      }
    };
    check(orgA, shownA, ra, { c2: "object", c3: "abstain" });
    check(orgB, shownB, rb, { c4: "object" });
    expect(after.positions.find((q) => q.clauseId === "c2" && q.organizationId === orgA)?.reason).toBe("Too vague.");
    // The edited clause: if approved, it was on the text before the edit, so it now shows stale.
    for (const org of [orgA, orgB]) {
      const p5 = index.get(positionKey("c5", org));
      if (p5) expect(p5.stale).toBe(true);
    }

    // Each bulk approval reached the other members as one pushed delta with all its cells.
    await eventually(
      async () =>
        appEvents(watcher).filter((e) => e.type === "signoffs.changed" && e.delta && e.delta.cells.length > 1)
          .length === [ra, rb].filter((r) => r.approved > 1).length,
      5000,
      "deltas pushed",
    );
    // Twice is nothing new: every clause is approved or reserved.
    const again = await repB.post(`/api/statements/${id}/signoffs/approve-all`, {
      organizationId: orgB,
      clauses: after.clauses
        .filter((c) => c.clauseId !== "c5")
        .map((c) => ({ clauseId: c.clauseId, clauseHash: c.hash })),
    });
    expect(again.json.approved).toBe(0);
    watcher.close();
    p.destroy();
  });

  it("is refused for another organization, for a reviewer, and without clauses", async () => {
    const orgA = await createOrg(admin, `Gamma ${Date.now()}`);
    const orgB = await createOrg(admin, `Delta ${Date.now()}`);
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "Bulk refusals" });
    const id = statement.id;
    const repA = await addMember(server.url, convener, id, "drafter", orgA, "Rep A");
    const reviewer = await addMember(server.url, convener, id, "reviewer", orgB, "Reviewer");
    const p = await writeClauses(server.url, id, repA, [["k1", "Only clause."]]);
    const m = await matrixOf(repA, id);
    const body = (org: string) => ({
      organizationId: org,
      clauses: [{ clauseId: "k1", clauseHash: m.clauses[0].hash }],
    });
    expect((await repA.post(`/api/statements/${id}/signoffs/approve-all`, body(orgB))).status).toBe(403);
    expect((await reviewer.post(`/api/statements/${id}/signoffs/approve-all`, body(orgB))).status).toBe(403);
    expect(
      (await repA.post(`/api/statements/${id}/signoffs/approve-all`, { organizationId: orgA, clauses: [] })).status,
    ).toBe(400);
    expect((await matrixOf(repA, id)).positions).toHaveLength(0);
    p.destroy();
  });
});
