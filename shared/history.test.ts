import { describe, expect, it } from "vitest";
import { diffClauses } from "./history";
import type { ClauseText } from "./history";

const clauses = (...spec: Array<[string, string]>): ClauseText[] =>
  spec.map(([clauseId, markdown]) => ({ clauseId, type: "paragraph", markdown }));

describe("diffClauses", () => {
  it("matches clauses by id: one moved clause is moved, not removed and added", () => {
    const before = clauses(["a", "A."], ["b", "B."], ["c", "C."], ["d", "D."]);
    const after = clauses(["b", "B."], ["c", "C."], ["a", "A."], ["d", "D."]);
    const { changes, unchanged } = diffClauses(before, after);
    expect(changes.map((c) => [c.clauseId, c.status, c.beforeIndex, c.afterIndex])).toEqual([["a", "moved", 0, 2]]);
    expect(unchanged).toBe(3);
  });

  it("lists added, removed and changed clauses in the new order, removed ones where they stood", () => {
    const before = clauses(["a", "A."], ["b", "Bee is here."], ["c", "C."]);
    const after = clauses(["a", "A."], ["b", "Bee was here."], ["n", "New."]);
    const { changes } = diffClauses(before, after);
    expect(changes.map((c) => [c.clauseId, c.status])).toEqual([
      ["b", "changed"],
      ["c", "removed"],
      ["n", "added"],
    ]);
    expect(changes[0].diff.filter((p) => p.op !== "equal")).toEqual([
      { op: "delete", text: "is" },
      { op: "insert", text: "was" },
    ]);
  });

  it("marks a changed clause that also moved", () => {
    const before = clauses(["a", "A."], ["b", "B."], ["c", "C."], ["d", "D."]);
    const after = clauses(["a", "A."], ["c", "C."], ["d", "D."], ["b", "B!"]);
    const { changes } = diffClauses(before, after);
    expect(changes.map((c) => [c.clauseId, c.status, c.moved])).toEqual([["b", "changed", true]]);
  });
});
