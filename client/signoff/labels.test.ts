import { describe, expect, it } from "vitest";
import { cellName, quoted } from "./labels";
import type { PositionDto } from "../../shared/signoff";

const DAY = 24 * 3600 * 1000;
const now = Date.UTC(2026, 10, 23, 8, 0, 0);
const position = (p: Partial<PositionDto>): PositionDto => ({
  id: 1,
  clauseId: "c4",
  organizationId: "o1",
  position: "approve",
  reason: null,
  clauseHash: "h",
  clauseText: "t",
  stale: false,
  removed: false,
  diff: null,
  userId: "u",
  userName: "Chen Li",
  at: now - 2 * DAY,
  ...p,
});

describe("matrix cell names", () => {
  it("say who holds which position on which clause, and when", () => {
    expect(cellName("CIRA", 4, position({}), now)).toBe("CIRA approves clause 4, 2 days ago");
    expect(cellName("Afnic", 7, undefined, now)).toBe("Afnic has no position on clause 7");
    expect(cellName("DENIC", 2, position({ position: "object", reason: '"Too vague"', at: now - DAY }), now)).toBe(
      "DENIC objects to clause 2, yesterday: “Too vague”",
    );
    expect(cellName("ISOC", 9, position({ position: "abstain", at: now - 3 * 3600 * 1000 }), now)).toBe(
      "ISOC abstains on clause 9, 3 hours ago",
    );
    expect(cellName("CIRA", 4, position({ stale: true }), now)).toBe(
      "CIRA approved clause 4 before it changed (stale), 2 days ago",
    );
  });
});

describe("quoted reasons", () => {
  it("get one pair of quotes whatever their author typed", () => {
    expect(quoted("Too vague")).toBe("“Too vague”");
    expect(quoted('"Too vague"')).toBe("“Too vague”");
    expect(quoted("“Too vague”")).toBe("“Too vague”");
    expect(quoted("'Too vague'")).toBe("“Too vague”");
    expect(quoted('The word "open" is vague')).toBe('“The word "open" is vague”');
  });
});
