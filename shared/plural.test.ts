import { describe, expect, it } from "vitest";
import { plural, pluralNoun } from "./plural";

describe("plural", () => {
  it("uses the singular for exactly one and the plural for every other count", () => {
    expect(plural(1, "second")).toBe("1 second");
    expect(plural(0, "second")).toBe("0 seconds");
    expect(plural(2, "second")).toBe("2 seconds");
    expect(plural(1, "organization")).toBe("1 organization");
    expect(plural(14, "organization")).toBe("14 organizations");
  });

  it("takes an irregular plural and groups thousands", () => {
    expect(plural(1, "reply", "replies")).toBe("1 reply");
    expect(plural(3, "reply", "replies")).toBe("3 replies");
    expect(plural(1, "person", "people")).toBe("1 person");
    expect(plural(12000, "character")).toBe("12,000 characters");
    expect(pluralNoun(1, "has", "have")).toBe("has");
    expect(pluralNoun(2, "has", "have")).toBe("have");
  });
});
