/**
 * The drafting record, as both sides see it: versions of a statement, the clause-aware diff between two texts,
 * and attribution of the text to the organizations (and people) who wrote it.
 *
 * The clause diff matches clauses by `clauseId` (never by position), so a clause that moved is reported as
 * moved, not as one removed and one added; inside a changed clause the words are diffed (shared/diff.ts).
 */
import { z } from "zod";
import { diffWords } from "./diff";
import type { DiffPart } from "./diff";

/** Why a version exists. */
export const VersionKinds = ["named", "checkpoint", "signature", "lock", "unlock", "restore"] as const;
export type VersionKind = (typeof VersionKinds)[number];

/** Human labels of the kinds, for lists and screen readers. */
export const VersionKindLabel: Record<VersionKind, string> = {
  named: "Named version",
  checkpoint: "Checkpoint after editing",
  signature: "Signed",
  lock: "Locked",
  unlock: "Unlocked",
  restore: "Restored",
};

/** One version in the History tab's list. */
export interface HistoryVersionDto {
  id: number;
  kind: VersionKind;
  /** The name a drafter or the convener gave it (named versions), or null. */
  name: string | null;
  /** SHA-256 of the version's canonical text. */
  hash: string;
  createdAt: number;
  /** Who asked for it (null for automatic checkpoints). */
  createdBy: string | null;
  createdByName: string | null;
  /** The organization that signed (signature versions). */
  organizationId: string | null;
  organizationName: string | null;
  /** The version a restore brought back. */
  restoredFrom: number | null;
}

/** One clause of a text, as the diff compares it. */
export interface ClauseText {
  clauseId: string;
  type: string;
  markdown: string;
}

/** A version opened read-only: its canonical text and clauses. */
export interface HistoryVersionDetailDto extends HistoryVersionDto {
  markdown: string;
  clauses: ClauseText[];
}

/** How a clause differs between two texts (`changed` clauses may also have `moved`). */
export type ClauseChangeStatus = "added" | "removed" | "changed" | "moved";

/** One clause that differs. */
export interface ClauseChange {
  clauseId: string;
  status: ClauseChangeStatus;
  /** Its order relative to the other clauses changed (also set on a changed clause that moved). */
  moved: boolean;
  before: string | null;
  after: string | null;
  /** The word diff of a changed clause (the whole text for added and removed ones). */
  diff: DiffPart[];
  /** Position among the clauses of each side, from 0 (null where it does not exist). */
  beforeIndex: number | null;
  afterIndex: number | null;
}

/** Which text a side of a diff is: a stored version, or the live text. */
export interface DiffSide {
  versionId: number | null;
  label: string;
  hash: string;
}

/** The clause-aware difference between two texts. */
export interface VersionDiffDto {
  from: DiffSide;
  to: DiffSide;
  /** Only the clauses that differ, in the order of the newer text (removed ones where they stood). */
  changes: ClauseChange[];
  unchanged: number;
}

/** "Changes since my organization signed": null diff when it never signed (or has no organization). */
export interface SinceSignatureDto {
  organizationId: string | null;
  diff: VersionDiffDto | null;
}

/** One of my organization's positions whose clause changed since, with the word diff. */
export interface PositionChangeDto {
  clauseId: string;
  position: string;
  at: number;
  userName: string;
  before: string;
  /** Null when the clause has been removed. */
  after: string | null;
  diff: DiffPart[];
}

/** "Changes since my organization's positions": every clause whose text moved on since the position. */
export interface SincePositionsDto {
  organizationId: string | null;
  changes: PositionChangeDto[];
}

/** A run of text written under one Yjs client id, resolved to a person and organization. */
export interface AttributedRun {
  text: string;
  /** Index into `AttributionDto.authors`. */
  author: number;
}

/** Someone whose words appear: a person, the organization they represented, or unknown. */
export interface AttributionAuthor {
  userId: string | null;
  userName: string;
  organizationId: string | null;
  organizationName: string | null;
}

/** A clause's text by author, with the organizations that wrote any of it (deleted words included). */
export interface AttributedClause {
  clauseId: string;
  runs: AttributedRun[];
  /** Organizations (ids; null: people representing none, or unknown) that wrote in this clause. */
  contributors: Array<string | null>;
}

/** One organization's share of the text (the convener's summary). */
export interface OrganizationShare {
  organizationId: string | null;
  organizationName: string | null;
  /** Clauses it wrote in (words since deleted count). */
  clausesTouched: number;
  /** Words of the current text it wrote (a word is its first character's). */
  wordsWritten: number;
  charactersWritten: number;
}

/** The "who wrote this" view of a text. */
export interface AttributionDto {
  versionId: number | null;
  authors: AttributionAuthor[];
  clauses: AttributedClause[];
}

/** The convener's per-organization summary. */
export interface AttributionSummaryDto {
  organizations: OrganizationShare[];
}

/** `POST /api/statements/:id/history`: a named version of the current text. */
export const namedVersionSchema = z.object({
  name: z.string().trim().min(1, "Give the version a name.").max(120),
});
export type NamedVersionRequest = z.infer<typeof namedVersionSchema>;

/** `POST /api/statements/:id/history/:vid/restore`: nothing but the version in the path. */
export const restoreSchema = z.object({}).strict();

/**
 * The clause-aware diff from `before` to `after`: clauses matched by id; the ones whose order relative to the
 * others changed (outside a longest run kept in order) are `moved`; those whose text differs are `changed`
 * with a word diff.
 */
export function diffClauses(
  before: readonly ClauseText[],
  after: readonly ClauseText[],
): { changes: ClauseChange[]; unchanged: number } {
  const beforeIndex = new Map(before.map((c, i) => [c.clauseId, i]));
  const afterIndex = new Map(after.map((c, i) => [c.clauseId, i]));
  // Clauses on both sides, in the old order, by their new position: the longest increasing run stayed put.
  const common = before.filter((c) => afterIndex.has(c.clauseId)).map((c) => afterIndex.get(c.clauseId)!);
  const inPlace = new Set(longestIncreasing(common));
  const changes: Array<ClauseChange & { sortKey: number }> = [];
  let unchanged = 0;
  after.forEach((c, i) => {
    const j = beforeIndex.get(c.clauseId);
    if (j === undefined) {
      changes.push({ ...entry(c.clauseId, "added", null, c.markdown, null, i), sortKey: i });
      return;
    }
    const old = before[j];
    const moved = !inPlace.has(i);
    const changed = old.markdown !== c.markdown;
    if (!moved && !changed) {
      unchanged++;
      return;
    }
    changes.push({
      ...entry(c.clauseId, changed ? "changed" : "moved", old.markdown, c.markdown, j, i),
      moved,
      sortKey: i,
    });
  });
  // A removed clause is listed just after the clause that preceded it in the old text (where it stood).
  let anchor = -0.5;
  before.forEach((c, j) => {
    const i = afterIndex.get(c.clauseId);
    if (i !== undefined) {
      anchor = i;
      return;
    }
    anchor += 1e-6;
    changes.push({ ...entry(c.clauseId, "removed", c.markdown, null, j, null), sortKey: anchor });
  });
  changes.sort((a, b) => a.sortKey - b.sortKey);
  return { changes: changes.map(({ sortKey: _s, ...c }) => c), unchanged };
}

function entry(
  clauseId: string,
  status: ClauseChangeStatus,
  before: string | null,
  after: string | null,
  beforeIndex: number | null,
  afterIndex: number | null,
): ClauseChange {
  return {
    clauseId,
    status,
    moved: status === "moved",
    before,
    after,
    diff: diffWords(before ?? "", after ?? ""),
    beforeIndex,
    afterIndex,
  };
}

/** The values of a longest strictly increasing subsequence of `xs` (patience sorting, O(n log n)). */
function longestIncreasing(xs: readonly number[]): number[] {
  const tails: number[] = [];
  const tailAt: number[] = [];
  const prev: number[] = new Array<number>(xs.length).fill(-1);
  xs.forEach((x, k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
    tailAt[lo] = k;
    prev[k] = lo > 0 ? tailAt[lo - 1] : -1;
  });
  const out: number[] = [];
  for (let k = tails.length > 0 ? tailAt[tails.length - 1] : -1; k !== -1; k = prev[k]) out.push(xs[k]);
  return out.reverse();
}
