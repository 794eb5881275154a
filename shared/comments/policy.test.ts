import { describe, expect, it } from "vitest";
import { CommentPolicy } from "./policy";

describe("comment policy", () => {
  it("lists who may do what", () => {
    const roles = ["convener", "drafter", "reviewer", "observer"] as const;
    expect(roles.filter((r) => CommentPolicy.canCreateThread(r))).toEqual(["convener", "drafter", "reviewer"]);
    expect(roles.filter((r) => CommentPolicy.canResolve(r, "me", { authorId: "other" }))).toEqual([
      "convener",
      "drafter",
    ]);
    expect(roles.filter((r) => CommentPolicy.canResolve(r, "me", { authorId: "me" }))).toEqual([
      "convener",
      "drafter",
      "reviewer",
    ]);
    expect(roles.filter((r) => CommentPolicy.canHide(r, { state: "visible" }))).toEqual(["convener"]);
    expect(CommentPolicy.canEdit("convener", "me", { authorId: "other", state: "visible" })).toBe(false);
    expect(CommentPolicy.canEdit("reviewer", "me", { authorId: "me", state: "hidden" })).toBe(false);
    expect(CommentPolicy.canDelete("reviewer", "me", { authorId: "me", state: "hidden" })).toBe(true);
    expect(CommentPolicy.canReply("reviewer", { status: "resolved" })).toBe(false);
  });
});
