/** Constant selectors of the comments UI, for end-to-end tests (`data-testid` values and accessible names). */
export const CommentTestId = {
  /** The Comments tab's content. */
  panel: "comments-panel",
  /** A thread card; `data-thread-id`, `data-status` (`open|resolved`), `data-unread`, `data-active`, `data-placement`. */
  thread: "comment-thread",
  /** One comment in a card; `data-comment-id`, `data-state` (`visible|deleted|hidden`). */
  comment: "comment",
  /** The quoted text on a card; `data-quote` is `intact|edited|removed`. */
  quote: "comment-quote",
  /** The composer for a new thread. */
  draft: "comment-draft",
  /** A gutter mark beside a clause; `data-clause-id`, `data-count` (open threads). */
  gutterMark: "comment-gutter-mark",
  /** The floating "Comment" button shown for a selection. */
  selectionButton: "comment-selection-button",
  /** A highlighted commented range in the text; `data-thread-id`. */
  highlight: "comment-highlight",
  /** The "On removed text" section. */
  removed: "comments-removed",
  /** The length counter under a comment field (near and past the limit). */
  counter: "comment-counter",
  /** Mention suggestions list. */
  mentionList: "mention-suggestions",
  /** Dashboard: threads waiting for me on a statement; `data-count`. */
  unreadBadge: "comments-unread",
} as const;

/** Accessible names shared by the components and the tests. */
export const CommentLabel = {
  newComment: "New comment",
  reply: "Reply",
  submitComment: "Comment",
  submitReply: "Reply",
  resolve: "Resolve",
  reopen: "Reopen",
  edit: "Edit",
  save: "Save",
  delete: "Delete",
  hide: "Hide",
  cancel: "Cancel",
  filter: "Show",
  organization: "Organization",
} as const;
