/** Constant selectors of the sign-off views, for end-to-end tests. */
export const SignoffTestId = {
  panel: "signoff-panel",
  /** The matrix table; each cell has `data-clause-id`, `data-org-id`, `data-state`. */
  matrix: "signoff-matrix",
  cell: "signoff-cell",
  /** The chips next to a clause in the editor (`data-clause-id`); each chip has `data-org-id`, `data-state`. */
  gutterChips: "signoff-chips",
  /** Details of the selected clause. */
  clauseDetail: "signoff-clause-detail",
  /** My organization's signature status; `data-state` is `signed | void | unsigned`. */
  signature: "signoff-signature",
  /** The banner of a final statement; `data-hash` holds the final SHA-256. */
  finalBanner: "final-banner",
  finalHash: "final-hash",
  lockDialog: "lock-dialog",
  /** The lock box's list of organizations that have not signed the current text (expected ones included). */
  lockGateUnsigned: "lock-gate-unsigned",
  /** "Approve all clauses without my objection" and its confirmation. */
  bulkApprove: "bulk-approve",
  bulkApproveDialog: "bulk-approve-dialog",
  /** The convener's list of expected signatories. */
  expected: "expected-signatories",
  /** The confirmation before withdrawing a signature. */
  withdrawDialog: "withdraw-dialog",
  /** The confirmation before signing: the text and the hash being signed. */
  signDialog: "sign-dialog",
  /** The hash a dialog asks the person to confirm (signing or locking); `data-hash` holds it. */
  shownHash: "shown-hash",
  /** In the sign dialog: what the signature covers (clauses, bytes). */
  signCovers: "sign-covers",
  /** "The text changed while you were reading": the server refused, with the diff (`data-current-hash`). */
  textChanged: "text-changed",
  /** In the clause detail: the clause changed (locally) since it was opened; its diff and "read again". */
  clauseMoved: "clause-moved",
  diff: "signoff-diff",
} as const;

/** Accessible names used by the sign-off views and their tests. */
export const SignoffLabel = {
  approve: "Approve",
  object: "Object",
  abstain: "Abstain",
  confirm: "Confirm position",
  reason: "Reason for objecting",
  submitObjection: "Record objection",
  lock: "Lock final version",
  lockAnyway: "Lock anyway",
  lockNow: "Lock now",
  /** Locking after the server showed that the text changed. */
  lockChanged: "Lock the changed text",
  /** The confirmation in the sign dialog, and after the text changed while it was open. */
  signConfirm: "Sign this text",
  signChanged: "Sign the changed text",
  /** Recording a position again after the clause changed while it was being read. */
  confirmChanged: "Confirm on the changed clause",
  /** Takes the clause's current text as the one being read. */
  readAgain: "Read the new text",
  unlock: "Unlock",
  unlockReason: "Reason for unlocking",
  filterAll: "All clauses",
  filterObjections: "With objections",
  filterStale: "Stale",
  expand: "Open full matrix",
  auditCsv: "Download audit log (CSV)",
  withdraw: "Withdraw signature",
  withdrawConfirm: "Withdraw the signature",
  /** "Approve all clauses without my objection" (with the count in the button). */
  bulkApprove: "Approve all clauses without my objection",
  /** "Approve 7 clauses" */
  bulkApproveConfirm: (n: number) => `Approve ${n} clause${n === 1 ? "" : "s"}`,
  expectedAdd: "Invite",
  expectedCreate: "Create and add",
  /** "Remove <organization> from expected signatories" */
  expectedRemove: (org: string) => `Remove ${org} from expected signatories`,
  /** "Sign for <organization>" */
  signFor: (org: string) => `Sign for ${org}`,
  /** "Clause 3" */
  clause: (n: number) => `Clause ${n}`,
} as const;
