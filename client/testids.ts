/**
 * Constant selectors for end-to-end tests. Components render these as `data-testid`; tests import them
 * (`page.getByTestId(TestId.editor)`) instead of guessing CSS. Where an accessible name is the better
 * handle (form fields, buttons), it is listed in {@link Label} and used verbatim by the components.
 */
export const TestId = {
  /** The ProseMirror content element of the statement editor (contenteditable). */
  editor: "editor",
  /** Toolbar above the editor. */
  editorToolbar: "editor-toolbar",
  /** Banner shown when the current user cannot edit the text; has `role="status"`. */
  readonlyBanner: "readonly-banner",
  /**
   * Connection state pill; `data-state` is `connected | connecting | offline | closed`, and
   * `data-unsent="true"` while local edits have not reached the server yet.
   */
  connectionState: "connection-state",
  /** The list of people currently in the document. */
  presence: "presence",
  /** One avatar in the presence list; `data-user-id` holds the user id. */
  presenceAvatar: "presence-avatar",
  statementTitle: "statement-title",
  phaseBadge: "phase-badge",
  exportButton: "export-button",
  exportHash: "export-hash",
  sidePanel: "side-panel",
  /** People panel: the member list and each row (`data-user-id`). */
  memberList: "member-list",
  memberRow: "member-row",
  inviteLink: "invite-link",
  /** Dashboard: the list of statements and each item (`data-statement-id`). */
  statementList: "statement-list",
  statementItem: "statement-item",
  organizationList: "organization-list",
  /** The signed-in user's menu in the top bar. */
  userMenu: "user-menu",
  /** Form-level error message (`role="alert"`). */
  formError: "form-error",
  /** Shown when access to a statement was revoked or the session ended. */
  accessLost: "access-lost",
} as const;
export type TestId = (typeof TestId)[keyof typeof TestId];

/** Accessible names used by components, shared with tests (`getByLabel`, `getByRole(..., {name})`). */
export const Label = {
  email: "Email",
  password: "Password",
  name: "Name",
  currentPassword: "Current password",
  newPassword: "New password",
  logIn: "Log in",
  signUp: "Create account",
  logOut: "Log out",
  statementTitle: "Title",
  newStatement: "Create statement",
  orgName: "Organization name",
  orgShortName: "Short name",
  orgGroup: "Stakeholder group",
  newOrganization: "Add organization",
  memberEmail: "Member email",
  memberRole: "Role",
  memberOrganization: "Organization",
  addMember: "Add member",
  createInvite: "Create invite link",
  copyInvite: "Copy link",
  acceptInvite: "Accept invitation",
  exportMarkdown: "Export Markdown",
  bold: "Bold",
  italic: "Italic",
  heading1: "Heading 1",
  heading2: "Heading 2",
  heading3: "Heading 3",
  bulletList: "Bullet list",
  orderedList: "Numbered list",
  undo: "Undo",
  redo: "Redo",
} as const;

/** Refused edits (`client/editor/RefusedEditNotice.tsx`). */
export const RefusalTestId = {
  /** The notice shown when the server refused an edit (`role="alert"`). */
  notice: "refused-edit",
  /** Its read-only textarea with the refused text. */
  text: "refused-edit-text",
} as const;

/** Accessible names of the refused-edit notice. */
export const RefusalLabel = {
  copy: "Copy your text",
  dismiss: "Dismiss",
  unsentText: "Your unsaved text",
  /** When the refused change added no words (a deletion, a reformatting): the tab's whole version instead. */
  localVersion: "Your version of the text",
} as const;
