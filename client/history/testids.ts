/** Constant selectors of the History tab, for end-to-end tests. */
export const HistoryTestId = {
  panel: "history-panel",
  /** The list of versions; each item is `version` with `data-version-id` and `data-kind`. */
  versions: "history-versions",
  version: "history-version",
  /** A version opened read-only (`data-version-id`). */
  versionText: "history-version-text",
  /** A clause-aware diff; each clause that differs is `change` with `data-clause-id` and `data-status`. */
  diff: "history-diff",
  change: "history-change",
  /** A word diff inside a changed clause. */
  wordDiff: "history-word-diff",
  /** "Changes since my organization's positions": each clause is `positionChange` with `data-clause-id`. */
  positionChanges: "history-position-changes",
  positionChange: "history-position-change",
  /** "Who wrote this": the legend, the clauses (`data-clause-id`), each run with `data-org-id`. */
  attribution: "history-attribution",
  legend: "history-legend",
  run: "history-run",
  /** The convener's per-organization summary table. */
  summary: "history-summary",
} as const;
