import { describe, expect, it } from "vitest";
import { compareNames, sameName, sortOrganizations } from "./collation";
import { lockReadiness } from "./signoff";

describe("one collation for organization lists", () => {
  const names = [
    "DENIC eG",
    ".PT",
    "afnic",
    "Asia Pacific Network Information Centre",
    "Éducation Numérique",
    "Afnic Foundation",
    "eco – Verband der Internetwirtschaft",
    "Internet Society",
    "Österreichische Domain",
    "ccTLD 10",
    "ccTLD 9",
  ];
  const expected = [
    "afnic",
    "Afnic Foundation",
    "Asia Pacific Network Information Centre",
    "ccTLD 9",
    "ccTLD 10",
    "DENIC eG",
    "eco – Verband der Internetwirtschaft",
    "Éducation Numérique",
    "Internet Society",
    "Österreichische Domain",
    ".PT",
  ];

  it("ignores case, accents and punctuation, and compares numbers as numbers", () => {
    expect(sortOrganizations(names.map((name) => ({ name }))).map((o) => o.name)).toEqual(expected);
    // Whatever order the list arrives in.
    expect(sortOrganizations([...names].reverse().map((name) => ({ name }))).map((o) => o.name)).toEqual(expected);
  });

  it("is the order of the lock gate's unsigned organizations and its objections", () => {
    const organizations = sortOrganizations(names.map((name, i) => ({ id: `o${i}`, name })));
    const r = lockReadiness({
      documentHash: "h",
      clauses: [{ clauseId: "c1" }],
      organizations,
      signatures: [],
      positions: organizations.map((o) => ({
        clauseId: "c1",
        organizationId: o.id,
        position: "object" as const,
        reason: "no",
        stale: false,
      })),
    });
    expect(r.unsigned.map((u) => u.organizationName)).toEqual(expected);
    expect(r.objections.map((o) => o.organizationName)).toEqual(expected);
  });

  it("tells names apart only when they differ in more than case, accents or punctuation", () => {
    expect(sameName("afnic", "AFNIC")).toBe(true);
    expect(sameName("Réseau", "reseau")).toBe(true);
    expect(sameName(".PT", "PT")).toBe(true);
    expect(sameName("DENIC", "DENIC eG")).toBe(false);
    // A total order: names equal in the collation still compare in a fixed way.
    expect(compareNames("afnic", "Afnic")).not.toBe(0);
    expect(Math.sign(compareNames("afnic", "Afnic"))).toBe(-Math.sign(compareNames("Afnic", "afnic")));
  });
});
