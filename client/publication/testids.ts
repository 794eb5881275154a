/** Test ids of the publication console (constants, so end-to-end tests and components share them). */
export const PublicationTestId = {
  page: "publication-page",
  publishToggle: "publication-publish",
  publicLink: "publication-public-link",
  request: "signon-request",
  approve: "signon-approve",
  decline: "signon-decline",
  signatory: "publication-signatory",
} as const;
