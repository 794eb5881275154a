/** Constant selectors of the amendments UI, for end-to-end tests (`data-testid` values and accessible names). */
export const AmendmentTestId = {
  /** A proposal's card in the Comments panel; `data-amendment-id`, `data-status`, `data-clause-id`. */
  card: "amendment-card",
  /** The preview of a proposal in the text: the words it removes; `data-amendment-id`. */
  deletion: "amendment-deletion",
  /** The preview of a proposal in the text: the words it inserts; `data-amendment-id`. */
  insertion: "amendment-insertion",
  /** The form that proposes new wording (in the new-comment composer). */
  form: "amendment-form",
} as const;

/** Accessible names shared by the components and the tests. */
export const AmendmentLabel = {
  modeComment: "Discuss",
  modeSuggest: "Suggest wording",
  replacement: "New wording",
  reason: "Reason for the change",
  propose: "Suggest",
  accept: "Accept",
  decline: "Decline",
  declineReason: "Reason for declining",
  confirmDecline: "Decline suggestion",
  withdraw: "Withdraw",
} as const;
