import { describe, expect, it } from "vitest";
import {
  cellState,
  lockOverrideOf,
  lockReadiness,
  lockSchema,
  matrixTotals,
  positionSchema,
  rejudge,
  sameLockLists,
  signatureSchema,
  sortSignatories,
} from "./signoff";
import type { SignoffMatrixDto } from "./signoff";
import { sha256Hex } from "./canonical";

describe("sortSignatories", () => {
  it("orders names case-, accent- and punctuation-insensitively", () => {
    const names = ["DENIC eG", ".PT", "Blacknight", "au Domain Administration"];
    expect(sortSignatories(names.map((name) => ({ name }))).map((o) => o.name)).toEqual([
      "au Domain Administration",
      "Blacknight",
      "DENIC eG",
      ".PT",
    ]);
    expect(
      sortSignatories([{ name: "Éco" }, { name: "eco2" }, { name: "Ecole" }, { name: "ECN" }]).map((o) => o.name),
    ).toEqual(["ECN", "Éco", "eco2", "Ecole"]);
  });

  it("uses the sort key when there is one, so 'The X Foundation' sorts under X", () => {
    const list = [
      { name: "The Xylophone Foundation", sortKey: "Xylophone Foundation" },
      { name: "Tucows", sortKey: null },
      { name: "Wikimedia", sortKey: "" },
      { name: "Zeta" },
    ];
    expect(sortSignatories(list).map((o) => o.name)).toEqual([
      "Tucows",
      "Wikimedia",
      "The Xylophone Foundation",
      "Zeta",
    ]);
  });

  it("does not reorder its input", () => {
    const input = [{ name: "b" }, { name: "a" }];
    sortSignatories(input);
    expect(input.map((o) => o.name)).toEqual(["b", "a"]);
  });
});

describe("positionSchema", () => {
  const shown = { clauseHash: sha256Hex("We agree."), clauseText: "We agree." };

  it("requires a reason for an objection only", () => {
    expect(
      positionSchema.safeParse({ ...shown, clauseId: "c1", organizationId: "o1", position: "object" }).success,
    ).toBe(false);
    expect(
      positionSchema.safeParse({ ...shown, clauseId: "c1", organizationId: "o1", position: "object", reason: "   " })
        .success,
    ).toBe(false);
    expect(
      positionSchema.safeParse({
        ...shown,
        clauseId: "c1",
        organizationId: "o1",
        position: "object",
        reason: "Too vague",
      }).success,
    ).toBe(true);
    expect(
      positionSchema.safeParse({ ...shown, clauseId: "c1", organizationId: "o1", position: "approve" }).success,
    ).toBe(true);
    expect(
      positionSchema.safeParse({ ...shown, clauseId: "c1", organizationId: "o1", position: "maybe" }).success,
    ).toBe(false);
  });

  it("requires the clause as shown: its text and the hash of exactly that text", () => {
    const base = { clauseId: "c1", organizationId: "o1", position: "approve" };
    expect(positionSchema.safeParse(base).success).toBe(false);
    expect(positionSchema.safeParse({ ...base, clauseHash: shown.clauseHash }).success).toBe(false);
    expect(positionSchema.safeParse({ ...base, clauseHash: shown.clauseHash, clauseText: "We agree!" }).success).toBe(
      false,
    );
    expect(
      positionSchema.safeParse({ ...base, clauseHash: shown.clauseHash.toUpperCase(), clauseText: shown.clauseText })
        .success,
    ).toBe(false);
    expect(positionSchema.safeParse({ ...base, ...shown }).success).toBe(true);
  });
});

describe("signatureSchema and lockSchema", () => {
  const doc = { documentHash: sha256Hex("We agree.\n"), documentText: "We agree.\n" };

  it("require the document as shown, with a matching hash", () => {
    expect(signatureSchema.safeParse({ organizationId: "o1" }).success).toBe(false);
    expect(signatureSchema.safeParse({ organizationId: "o1", ...doc, documentText: "We agree!\n" }).success).toBe(
      false,
    );
    expect(signatureSchema.safeParse({ organizationId: "o1", ...doc }).success).toBe(true);
    expect(lockSchema.safeParse({}).success).toBe(false);
    expect(lockSchema.safeParse({ override: true }).success).toBe(false);
    expect(lockSchema.safeParse({ ...doc }).success).toBe(true);
    expect(lockSchema.safeParse({ ...doc, override: { unsigned: ["o1"], objections: [] } }).success).toBe(true);
  });
});

describe("sameLockLists", () => {
  const readiness = {
    unsigned: [
      { organizationId: "a", organizationName: "Alpha" },
      { organizationId: "b", organizationName: "Beta" },
    ],
    objections: [
      { clauseId: "c1", clauseNumber: 1, organizationId: "b", organizationName: "Beta", reason: "No", stale: false },
    ],
  };

  it("matches the lists a convener was shown, in any order, and nothing else", () => {
    const shown = lockOverrideOf(readiness);
    expect(sameLockLists(shown, readiness)).toBe(true);
    expect(sameLockLists({ ...shown, unsigned: ["b", "a"] }, readiness)).toBe(true);
    expect(sameLockLists({ ...shown, unsigned: ["a"] }, readiness)).toBe(false);
    expect(sameLockLists({ ...shown, objections: [] }, readiness)).toBe(false);
    expect(
      sameLockLists({ ...shown, objections: [{ clauseId: "c1", organizationId: "b", reason: "Yes" }] }, readiness),
    ).toBe(false);
    expect(sameLockLists({ unsigned: [], objections: [] }, { unsigned: [], objections: [] })).toBe(true);
  });
});

describe("matrix arithmetic", () => {
  const clauses = [{ clauseId: "c1" }, { clauseId: "c2" }];
  const organizations = [
    { id: "a", name: "Alpha" },
    { id: "b", name: "Beta" },
  ];
  const positions = [
    { clauseId: "c1", organizationId: "a", position: "approve" as const, reason: null, stale: false },
    { clauseId: "c1", organizationId: "b", position: "object" as const, reason: "No", stale: true },
    { clauseId: "c2", organizationId: "a", position: "abstain" as const, reason: null, stale: false },
    // A position on a clause that is no longer in the text counts nowhere.
    { clauseId: "gone", organizationId: "a", position: "object" as const, reason: "Old", stale: true },
  ];

  it("gives each cell its state and counts them per clause and per organization", () => {
    expect(cellState(undefined)).toBe("pending");
    expect(cellState(positions[1])).toBe("stale");
    const { byClause, byOrganization } = matrixTotals({
      clauses: clauses as never,
      organizations: organizations as never,
      positions: positions as never,
    });
    expect(byClause.get("c1")).toEqual({ approve: 1, object: 0, abstain: 0, stale: 1, pending: 0 });
    expect(byClause.get("c2")).toEqual({ approve: 0, object: 0, abstain: 1, stale: 0, pending: 1 });
    expect(byOrganization.get("a")).toEqual({ approve: 1, object: 0, abstain: 1, stale: 0, pending: 0 });
    expect(byOrganization.get("b")).toEqual({ approve: 0, object: 0, abstain: 0, stale: 1, pending: 1 });
  });

  it("lists unsigned organizations and standing objections (stale ones too) before a lock", () => {
    const r = lockReadiness({
      documentHash: "h2",
      clauses,
      organizations,
      positions,
      signatures: [
        { organizationId: "a", hash: "h2", voidReason: null },
        { organizationId: "b", hash: "h1", voidReason: "text-changed" },
      ],
    });
    expect(r.ready).toBe(false);
    expect(r.unsigned).toEqual([{ organizationId: "b", organizationName: "Beta" }]);
    expect(r.objections).toEqual([
      { clauseId: "c1", clauseNumber: 1, organizationId: "b", organizationName: "Beta", reason: "No", stale: true },
    ]);
    const clean = lockReadiness({
      documentHash: "h2",
      clauses,
      organizations,
      positions: positions.filter((p) => p.position !== "object"),
      signatures: [
        { organizationId: "a", hash: "h2", voidReason: null },
        { organizationId: "b", hash: "h2", voidReason: null },
      ],
    });
    expect(clean).toEqual({ ready: true, unsigned: [], objections: [] });
  });
});

describe("rejudge", () => {
  it("recomputes stale positions, diffs, void signatures and readiness against another reading of the text", () => {
    const c1 = { clauseId: "c1", index: 0, type: "paragraph", markdown: "We agree.", hash: sha256Hex("We agree.") };
    const m: SignoffMatrixDto = {
      statementId: "s",
      phase: "drafting",
      documentHash: "h-old",
      clauses: [c1],
      organizations: [{ id: "a", name: "Alpha", shortName: "A", stakeholderGroup: "academia", sortKey: null }],
      positions: [
        {
          id: 1,
          clauseId: "c1",
          organizationId: "a",
          position: "approve",
          reason: null,
          clauseHash: c1.hash,
          clauseText: c1.markdown,
          stale: false,
          removed: false,
          diff: null,
          userId: "u",
          userName: "U",
          at: 1,
        },
      ],
      signatures: [
        {
          id: 1,
          organizationId: "a",
          hash: "h-old",
          voidReason: null,
          signedText: null,
          versionId: 1,
          userId: "u",
          userName: "U",
          at: 1,
        },
      ],
      version: 1,
      readiness: { ready: true, unsigned: [], objections: [] },
      final: null,
      me: { organizationId: "a", canSign: true, canLock: false },
    };
    const edited = { ...c1, markdown: "We all agree.", hash: sha256Hex("We all agree.") };
    const r = rejudge(m, { hash: "h-new", clauses: [edited] });
    expect(r.positions[0]).toMatchObject({ stale: true, removed: false });
    expect(r.positions[0].diff).toEqual([
      { op: "equal", text: "We " },
      { op: "insert", text: "all " },
      { op: "equal", text: "agree." },
    ]);
    expect(r.signatures[0].voidReason).toBe("text-changed");
    expect(r.readiness.unsigned.map((u) => u.organizationId)).toEqual(["a"]);
    // The same text again: nothing is stale or void.
    const same = rejudge(m, { hash: "h-old", clauses: [c1] });
    expect(same.positions[0].stale).toBe(false);
    expect(same.signatures[0].voidReason).toBeNull();
    expect(same.readiness.ready).toBe(true);
    // A removed clause leaves its position stale and removed, without a diff.
    const gone = rejudge(m, { hash: "h-x", clauses: [] });
    expect(gone.positions[0]).toMatchObject({ stale: true, removed: true, diff: null });
  });
});
