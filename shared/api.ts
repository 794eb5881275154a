/**
 * Response shapes of the HTTP API, shared by the server (which builds them) and the client (which reads them).
 * Errors are always `{ error: { code, message, details? } }` with a fitting status.
 */
import type { Phase, Role, StakeholderGroup } from "./roles";

export interface ApiError {
  /** `code` is one of `ErrorCode` in shared/errors.ts (which also says what `details` holds for each). */
  error: { code: string; message: string; details?: unknown };
}

export interface UserDto {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** One live session of the signed-in user (`GET /api/auth/sessions`). */
export interface SessionDto {
  id: string;
  createdAt: number;
  /** Refreshed at most hourly by the server. */
  lastUsedAt: number;
  userAgent: string | null;
  current: boolean;
}

/** What the caller may do with organizations, so that the client shows only the controls that will work. */
export interface OrganizationPermissionsDto {
  create: boolean;
  merge: boolean;
  delete: boolean;
  /** Ids of the organizations the caller may edit (every one, for the admin). */
  edit: string[] | "all";
}

export interface OrganizationDto {
  id: string;
  name: string;
  shortName: string;
  stakeholderGroup: StakeholderGroup;
  sortKey: string | null;
}

/** A statement as the dashboard lists it. */
export interface StatementSummaryDto {
  id: string;
  title: string;
  slug: string;
  phase: Phase;
  role: Role;
  organizationId: string | null;
  memberCount: number;
  updatedAt: number;
  createdAt: number;
}

export interface MemberDto {
  userId: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string | null;
  /** Stable colour for carets and avatars. */
  color: string;
  addedAt: number;
}

/** `GET /api/statements/:id` */
export interface StatementDetailDto {
  statement: { id: string; title: string; slug: string; phase: Phase; createdAt: number; updatedAt: number };
  me: { userId: string; role: Role; organizationId: string | null; color: string };
  members: MemberDto[];
  organizations: OrganizationDto[];
}

export interface InviteCreatedDto {
  id: string;
  token: string;
  /** Path the invitee opens, e.g. `/invite/<token>`. */
  path: string;
  expiresAt: number;
}

/** `GET /api/invites/:token` (public) */
export interface InviteInfoDto {
  statementTitle: string;
  role: Role;
  organizationName: string | null;
  invitedBy: string;
  expiresAt: number;
}

/** `GET /api/statements/:id/invites` (conveners): an invite link nobody has used yet, still valid. */
export interface OutstandingInviteDto {
  id: string;
  role: Role;
  organizationId: string | null;
  organizationName: string | null;
  /** The address an emailed invite went to; null for a link the convener copied. */
  sentTo: string | null;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface AuditEntryDto {
  id: number;
  action: string;
  actorId: string | null;
  actorName: string | null;
  detail: Record<string, unknown>;
  hash: string | null;
  at: number;
}
