/**
 * Withdrawing a signature against a real server: before the lock it leaves the organization unsigned (audited,
 * pushed live, the lock gate names it again); after the lock it is refused and the final version keeps the
 * signature. Two people signing and withdrawing at the same moment end in the state of the last decision the
 * audit log records, and two withdrawals of one signature make exactly one.
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
import type { AuditEntryDto } from "../../shared/api";

describe.each(await storageTargets())("withdrawing a signature on $name", ({ start }) => {
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

  async function setup(title: string) {
    const orgA = await createOrg(admin, `Withdraw A ${Date.now()}`);
    const orgB = await createOrg(admin, `Withdraw B ${Date.now()}`);
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title });
    const id = statement.id;
    const a1 = await addMember(server.url, convener, id, "drafter", orgA, "A one");
    const a2 = await addMember(server.url, convener, id, "drafter", orgA, "A two");
    const b = await addMember(server.url, convener, id, "drafter", orgB, "B");
    const p = await writeClauses(server.url, id, a1, [["w1", "We sign this together."]]);
    p.destroy();
    return { id, orgA, orgB, convener, a1, a2, b };
  }
  const withdraw = (c: Client, id: string, organizationId: string) =>
    c.post(`/api/statements/${id}/signature/withdraw`, { organizationId });
  const audit = async (c: Client, id: string) =>
    ((await c.get(`/api/statements/${id}/audit`)).json.entries as AuditEntryDto[]).sort((x, y) => x.id - y.id);

  it("leaves the organization unsigned before the lock, live and audited; is refused after it", async () => {
    const { id, orgA, orgB, convener, a1, b } = await setup("Withdraw then lock");
    const watcher = await rawSocket(server.url, id, convener.cookie);
    expect((await signNow(a1, id, orgA)).status).toBe(201);
    expect((await signNow(b, id, orgB)).status).toBe(201);
    expect((await matrixOf(convener, id)).readiness.ready).toBe(true);

    const pushedBefore = appEvents(watcher).length;
    const r = await withdraw(a1, id, orgA);
    expect(r.status).toBe(200);
    const m = await matrixOf(convener, id);
    expect(m.signatures.map((s) => s.organizationId)).toEqual([orgB]);
    expect(m.readiness.unsigned.map((u) => u.organizationId)).toEqual([orgA]);
    await eventually(
      async () =>
        appEvents(watcher)
          .slice(pushedBefore)
          .some((e) => e.type === "signoffs.changed"),
      5000,
      "withdrawal pushed",
    );
    const entry = (await audit(convener, id)).find((e) => e.action === "signature.withdrawn");
    expect(entry?.actorId).toBe(a1.userId);
    expect(entry?.detail.organizationId).toBe(orgA);
    // Nothing left to withdraw; someone else's organization is not theirs to withdraw.
    expect((await withdraw(a1, id, orgA)).status).toBe(409);
    expect((await withdraw(a1, id, orgB)).status).toBe(403);

    // Signing again, then the lock: a withdrawal afterwards is refused and the final version keeps it.
    expect((await signNow(a1, id, orgA)).status).toBe(201);
    expect((await convener.post(`/api/statements/${id}/lock`, await shownDocument(convener, id))).status).toBe(200);
    const late = await withdraw(a1, id, orgA);
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("statement_final");
    const final = (await convener.get(`/api/statements/${id}/final`)).json.final;
    expect(final.signatories.map((s: { organizationId: string }) => s.organizationId).sort()).toEqual(
      [orgA, orgB].sort(),
    );
    watcher.close();
  });

  it("two people signing and withdrawing at the same moment end in the last recorded decision", async () => {
    const { id, orgA, orgB, convener, a1, a2, b } = await setup("Races");
    expect((await signNow(a1, id, orgA)).status).toBe(201);
    for (let round = 0; round < 6; round++) {
      // A's two representatives disagree at the same moment; B signs or withdraws at that moment too.
      const shown = await shownDocument(a2, id);
      const bSigned = (await matrixOf(b, id)).signatures.some((s) => s.organizationId === orgB);
      const [w, s, bb] = await Promise.all([
        withdraw(a1, id, orgA),
        a2.post(`/api/statements/${id}/signature`, { organizationId: orgA, ...shown }),
        bSigned ? withdraw(b, id, orgB) : signNow(b, id, orgB),
      ]);
      expect([200, 409]).toContain(w.status);
      expect([201, 409]).toContain(s.status);
      expect(bb.status).toBeLessThan(300);
      const entries = (await audit(convener, id)).filter((e) => e.action.startsWith("signature."));
      const last = (org: string) => entries.filter((e) => e.detail.organizationId === org).at(-1)!;
      const m = await matrixOf(convener, id);
      const signed = new Set(m.signatures.map((x) => x.organizationId));
      expect(signed.has(orgA), `round ${round}: A matches its last decision`).toBe(
        last(orgA).action === "signature.signed",
      );
      expect(signed.has(orgB), `round ${round}: B matches its last decision`).toBe(
        last(orgB).action === "signature.signed",
      );
      expect(signed.has(orgB)).toBe(!bSigned);
      expect(m.readiness.unsigned.map((u) => u.organizationId).sort()).toEqual(
        [orgA, orgB].filter((o) => !signed.has(o)).sort(),
      );
    }
  });

  it("two withdrawals of one signature at the same moment make exactly one", async () => {
    const { id, orgA, convener, a1, a2 } = await setup("Double withdrawal");
    expect((await signNow(a1, id, orgA)).status).toBe(201);
    const [x, y] = await Promise.all([withdraw(a1, id, orgA), withdraw(a2, id, orgA)]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    expect((await audit(convener, id)).filter((e) => e.action === "signature.withdrawn")).toHaveLength(1);
    expect((await matrixOf(convener, id)).signatures).toHaveLength(0);
  });
});
