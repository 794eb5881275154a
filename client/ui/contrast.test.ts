import { describe, expect, it } from "vitest";
import { PALETTE } from "../../shared/colors";
import { contrastRatio, readableTextOn } from "./contrast";

describe("readable text on a user's colour", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#ffffff", "#000000")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  it("reaches 4.5:1 on every colour of a sweep of hues and lightness", () => {
    const hex = (n: number) => n.toString(16).padStart(2, "0");
    for (let r = 0; r < 256; r += 17)
      for (let g = 0; g < 256; g += 17)
        for (let b = 0; b < 256; b += 17) {
          const bg = `#${hex(r)}${hex(g)}${hex(b)}`;
          expect(contrastRatio(readableTextOn(bg), bg)).toBeGreaterThanOrEqual(4.5);
        }
  });

  it("keeps white on dark colours and turns dark on light ones", () => {
    expect(readableTextOn("#1e3a8a")).toBe("#ffffff");
    expect(readableTextOn("#65a30d")).toBe("#000000");
  });
});

describe("people's colours on the paper", () => {
  it("every caret colour stands out from the white paper (3:1 for a line) and carries a readable name", () => {
    for (const color of PALETTE) {
      expect(contrastRatio(color, "#ffffff"), color).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(readableTextOn(color), color), color).toBeGreaterThanOrEqual(4.5);
    }
  });
});
