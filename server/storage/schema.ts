/**
 * The database schema as Kysely sees it. Times are integer milliseconds since the epoch; ids are random strings.
 */
import type { Generated, Insertable, Selectable } from "kysely";

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: number;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 of the token's secret part; the raw token is never stored. */
  secret_hash: Uint8Array;
  created_at: number;
  last_verified_at: number;
  /** The browser's User-Agent at login (truncated), for the sessions list. */
  user_agent: string | null;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  short_name: string;
  stakeholder_group: string;
  sort_key: string | null;
  created_by: string;
  created_at: number;
}

export interface StatementsTable {
  id: string;
  title: string;
  slug: string;
  phase: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  /** The sequence number of the statement's last stored Yjs update (contiguous per statement). */
  doc_seq: Generated<number>;
}

export interface MembersTable {
  statement_id: string;
  user_id: string;
  role: string;
  organization_id: string | null;
  added_by: string | null;
  added_at: number;
}

export interface InvitesTable {
  id: string;
  statement_id: string;
  /** SHA-256 hex of the invite token. */
  token_hash: string;
  role: string;
  organization_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  /** Set when the convener revoked the link before anyone used it. */
  revoked_at: Generated<number | null>;
  revoked_by: Generated<string | null>;
  /** The address an emailed invite was sent to (null for a link the convener copied). */
  sent_to: Generated<string | null>;
}

export interface DocUpdatesTable {
  statement_id: string;
  data: Uint8Array;
  created_at: number;
  /** Per statement, contiguous: 1, 2, 3, … (`statements.doc_seq` is the last one handed out). */
  seq: number;
}

export interface DocSnapshotsTable {
  statement_id: string;
  data: Uint8Array;
  /** The id of the last update folded into this snapshot. */
  last_update_id: number;
  updated_at: number;
  /** Y.encodeStateVector of the snapshot (null for snapshots written before it was kept). */
  state_vector: Uint8Array | null;
  /** The sequence number of the last update folded into this snapshot (`doc_updates.seq`). */
  last_seq: Generated<number>;
}

export interface AuditTable {
  id: Generated<number>;
  statement_id: string | null;
  actor_id: string | null;
  action: string;
  /** JSON with what changed. */
  detail: string;
  /** The document hash the action concerns, when there is one. */
  hash: string | null;
  at: number;
}

/** Stored versions: automatic ones at each document signature (`signature`) and at lock (`final`). */
export interface StatementVersionsTable {
  id: Generated<number>;
  statement_id: string;
  kind: string;
  markdown: string;
  hash: string;
  /** JSON: the signatory organizations of a final version, in alphabetical order. */
  signatories: string;
  /** JSON: organizations that had not signed when the convener locked anyway. */
  unsigned: string;
  /** JSON: objections that stood when the convener locked anyway. */
  objections: string;
  override: number;
  created_by: string;
  created_at: number;
  unlocked_at: number | null;
  unlocked_by: string | null;
  unlock_reason: string | null;
}

/** Clause positions, append-only: the newest row per (statement, clause, organization) is the current one. */
export interface ClausePositionsTable {
  id: Generated<number>;
  statement_id: string;
  clause_id: string;
  organization_id: string;
  position: string;
  reason: string | null;
  /** SHA-256 hex of the clause's canonical Markdown when the position was given. */
  clause_hash: string;
  clause_text: string;
  user_id: string;
  at: number;
  /** The amendment the position is conditional on ("approve if amended as proposed"), if any. */
  amendment_id: string | null;
}

/** Document signatures; the newest row per (statement, organization) is the current one. */
export interface DocumentSignaturesTable {
  id: Generated<number>;
  statement_id: string;
  organization_id: string;
  user_id: string;
  /** SHA-256 hex of the canonical text that was signed. */
  hash: string;
  version_id: number;
  at: number;
  voided_at: number | null;
  void_reason: string | null;
  /** Who withdrew it (`void_reason = 'withdrawn'`); null otherwise. */
  voided_by: Generated<string | null>;
}

/** An organization a statement invites to sign (rows may repeat after a merge of organizations: read distinct). */
export interface ExpectedOrganizationsTable {
  id: Generated<number>;
  statement_id: string;
  organization_id: string;
  added_by: string;
  added_at: number;
}

/** Proposed wording for a clause or words in it (server/amendments). */
export interface AmendmentsTable {
  id: string;
  statement_id: string;
  clause_id: string;
  anchor_from: string;
  anchor_to: string;
  quote: string;
  start_offset: number;
  end_offset: number;
  replacement: string;
  reason: string;
  status: string;
  proposed_by: string;
  organization_id: string | null;
  created_at: number;
  updated_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
}

export interface CommentThreadsTable {
  id: string;
  statement_id: string;
  clause_id: string;
  /** Base64 Yjs relative positions and the quote at creation (all null for a whole-clause thread). */
  anchor_from: string | null;
  anchor_to: string | null;
  quote: string | null;
  /** `open` | `resolved` */
  status: string;
  created_by: string;
  /** The organization the author represented when starting the thread. */
  organization_id: string | null;
  created_at: number;
  updated_at: number;
  resolved_by: string | null;
  resolved_at: number | null;
}

export interface CommentsTable {
  id: string;
  thread_id: string;
  statement_id: string;
  author_id: string;
  organization_id: string | null;
  /** Empty once deleted; kept (never served) once hidden. */
  body: string;
  /** JSON array of mentioned member ids. */
  mentions: string;
  /** Strictly increasing within a thread. */
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  hidden_at: number | null;
  hidden_by: string | null;
  hidden_reason: string | null;
}

export interface ThreadReadsTable {
  thread_id: string;
  user_id: string;
  /** created_at of the newest comment seen when the user last opened the thread. */
  read_through: number;
}

/** Which user (and organization) introduced each Yjs client id of a statement's document. */
export interface DocClientsTable {
  statement_id: string;
  client_id: number;
  user_id: string;
  organization_id: string | null;
  created_at: number;
}

/** A statement's public page: on (`published` = 1) or taken down. */
export interface PublicationsTable {
  statement_id: string;
  published: number;
  changed_by: string;
  changed_at: number;
  /** When it was first published. */
  published_at: number | null;
}

/** A request to sign on: `unconfirmed` → (email confirmed) `pending` → `approved` | `declined` (or `expired`). */
export interface SignOnRequestsTable {
  id: string;
  statement_id: string;
  /** The final version (and its hash) shown when the request was made. */
  version_id: number;
  hash: string;
  org_name: string;
  /** The name folded for comparison (case, accents, punctuation): one open request per organization. */
  name_key: string;
  website: string;
  country: string;
  stakeholder_group: string;
  contact_name: string;
  contact_title: string;
  contact_email: string;
  status: string;
  created_at: number;
  confirmed_at: number | null;
  decided_at: number | null;
  decided_by: string | null;
  decision_message: string | null;
}

/**
 * Organizations on a public list beyond the lock's own signatories: approved sign-ons, and originals once they
 * withdrew, were removed or confirmed a later version (`organization_id` set). `active` | `withdrawn` | `removed`.
 */
export interface SignatoriesTable {
  id: string;
  statement_id: string;
  organization_id: string | null;
  request_id: string | null;
  name: string;
  name_key: string;
  sort_key: string | null;
  stakeholder_group: string;
  website: string | null;
  country: string | null;
  contact_email: string | null;
  status: string;
  created_at: number;
  ended_at: number | null;
  ended_by: string | null;
  ended_reason: string | null;
}

/** Which final versions (hashes) a signatory has signed, and how (`sign-on` | `confirmation`). */
export interface SignatoryHashesTable {
  signatory_id: string;
  version_id: number;
  hash: string;
  via: string;
  at: number;
}

/** Emailed links: only the SHA-256 of the token is kept. `confirm` and `reconfirm` are single-use and expire. */
export interface EmailTokensTable {
  token_hash: string;
  /** `confirm` (a sign-on request's email) | `withdraw` (a signatory's private link) | `reconfirm` (a new version). */
  purpose: string;
  statement_id: string;
  /** The request id, the signatory id, or `org:<organization id>` for an original signatory. */
  subject_id: string;
  version_id: number | null;
  created_at: number;
  expires_at: number | null;
  used_at: number | null;
}

/** Mail written instead of sent when no SMTP server is configured; the admin reads it in the app. */
export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  created_at: number;
}

/** A document state kept for the versions taken at it (server/history/versions.ts). */
export interface HistorySnapshotsTable {
  statement_id: string;
  doc_seq: number;
  data: Uint8Array;
  /** Null: `data` is the whole document; else the difference from the snapshot at this `doc_seq`. */
  base_seq: number | null;
}

/** A version of a statement: automatic (signature, lock, unlock, checkpoint, restore) or named. */
export interface HistoryVersionsTable {
  id: Generated<number>;
  statement_id: string;
  kind: string;
  name: string | null;
  doc_seq: number;
  hash: string;
  created_by: string | null;
  organization_id: string | null;
  restored_from: number | null;
  created_at: number;
}

/** One in-app notification for one person (server/notifications/store.ts). */
export interface NotificationsTable {
  id: string;
  user_id: string;
  /** A `NotificationKind` (shared/notifications.ts). */
  kind: string;
  statement_id: string | null;
  clause_id: string | null;
  actor_id: string | null;
  /** JSON: what the sentence needs besides names (an excerpt, a reason, an organization, a hash). */
  detail: string;
  /** Makes one event land once per person however many instances report it. */
  dedupe_key: string | null;
  created_at: number;
  read_at: number | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  organizations: OrganizationsTable;
  statements: StatementsTable;
  members: MembersTable;
  invites: InvitesTable;
  doc_updates: DocUpdatesTable;
  doc_snapshots: DocSnapshotsTable;
  doc_clients: DocClientsTable;
  history_snapshots: HistorySnapshotsTable;
  history_versions: HistoryVersionsTable;
  audit_log: AuditTable;
  amendments: AmendmentsTable;
  comment_threads: CommentThreadsTable;
  comments: CommentsTable;
  thread_reads: ThreadReadsTable;
  statement_versions: StatementVersionsTable;
  clause_positions: ClausePositionsTable;
  document_signatures: DocumentSignaturesTable;
  expected_organizations: ExpectedOrganizationsTable;
  publications: PublicationsTable;
  sign_on_requests: SignOnRequestsTable;
  signatories: SignatoriesTable;
  signatory_hashes: SignatoryHashesTable;
  email_tokens: EmailTokensTable;
  mail_outbox: MailOutboxTable;
  notifications: NotificationsTable;
}

export type UserRow = Selectable<UsersTable>;
export type StatementRow = Selectable<StatementsTable>;
export type MemberRow = Selectable<MembersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewAudit = Insertable<AuditTable>;
