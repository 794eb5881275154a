/**
 * Selectors and accessible names of text in and out (import, paste, export) and of the statement search,
 * shared by the components and the end-to-end tests.
 */
export const TextIoTestId = {
  exportPopover: "export-popover",
  importButton: "import-button",
  /** The import status: progress, a refusal, or what was dropped (`data-state`: busy | done | error). */
  importStatus: "import-status",
  linkDialog: "link-dialog",
  searchBar: "search-bar",
  searchCount: "search-count",
  /** One matching comment in the search results (`data-thread-id`). */
  searchComment: "search-comment",
} as const;

/** Accessible names. */
export const TextIoLabel = {
  export: "Export",
  exportDialog: "Export the statement",
  exportMarkdown: "Markdown (.md)",
  exportDocx: "Word (.docx)",
  exportPrint: "Print or save as PDF",
  importFile: "Import a file",
  importInput: "File to import (.md, .docx, .html)",
  link: "Link",
  blockquote: "Quote",
  linkUrl: "Link address",
  applyLink: "Apply link",
  removeLink: "Remove link",
  search: "Search the statement",
  nextMatch: "Next match",
  previousMatch: "Previous match",
  closeSearch: "Close search",
} as const;
