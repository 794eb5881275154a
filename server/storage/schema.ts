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
}

export interface DocUpdatesTable {
  id: Generated<number>;
  statement_id: string;
  data: Uint8Array;
  created_at: number;
}

export interface DocSnapshotsTable {
  statement_id: string;
  data: Uint8Array;
  /** The id of the last update folded into this snapshot. */
  last_update_id: number;
  updated_at: number;
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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  organizations: OrganizationsTable;
  statements: StatementsTable;
  members: MembersTable;
  invites: InvitesTable;
  doc_updates: DocUpdatesTable;
  doc_snapshots: DocSnapshotsTable;
  audit_log: AuditTable;
}

export type UserRow = Selectable<UsersTable>;
export type StatementRow = Selectable<StatementsTable>;
export type MemberRow = Selectable<MembersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewAudit = Insertable<AuditTable>;
