import { describe, expect, it } from "vitest";
import { commentBodySchema, threadCreateSchema } from "./schemas";

describe("comment bodies", () => {
  it("validates bodies: trimmed, not empty, bounded", () => {
    expect(commentBodySchema.safeParse("  ok  ").data).toBe("ok");
    expect(commentBodySchema.safeParse("   ").success).toBe(false);
    expect(commentBodySchema.safeParse("x".repeat(10_001)).success).toBe(false);
    expect(commentBodySchema.safeParse(42).success).toBe(false);
    expect(
      threadCreateSchema.safeParse({
        clauseId: "c1",
        body: "x",
        anchor: { from: "not base64!", to: "AA==", quote: "q" },
      }).success,
    ).toBe(false);
  });
});
