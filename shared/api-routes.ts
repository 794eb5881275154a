/**
 * Every HTTP route the client and the tests call, in one typed table: method, path (with `:params`), the zod
 * schema the server validates the body with, and the type of the JSON it answers. `shared/api-client.ts` turns
 * the table into one typed function per route, used by the browser (`client/api.ts`) and by the tests
 * (`server/testing/harness.ts`).
 *
 * Why a table rather than Hono's RPC client (`hc<AppType>`): the RPC client needs every route written as one
 * typed chain with `@hono/zod-validator`, which would rewrite every router while they are being changed; the
 * table reuses the schemas the routes already parse with (shared/validation.ts, shared/comments/schemas.ts,
 * shared/signoff.ts), so a request body cannot drift from what the server checks.
 *
 * What the types promise: request bodies are the zod *input* types of the very schemas the server parses with.
 * Responses are the DTOs of shared/ that the server builds, but the server does not check its answers against
 * this table: the integration and browser tests, which call through it, are what keep the two equal.
 */
import type { z } from "zod";
import type {
  AuditEntryDto,
  InviteCreatedDto,
  InviteInfoDto,
  OutstandingInviteDto,
  MemberDto,
  OrganizationDto,
  OrganizationPermissionsDto,
  SessionDto,
  StatementDetailDto,
  StatementSummaryDto,
  UserDto,
} from "./api";
import {
  inviteCreateSchema,
  loginSchema,
  memberAddSchema,
  memberPatchSchema,
  memberRemoveSchema,
  organizationMergeSchema,
  organizationPatchSchema,
  organizationSchema,
  passwordChangeSchema,
  signupSchema,
  statementCreateSchema,
} from "./validation";
import { askToSignSchema, notificationReadSchema } from "./notifications";
import type { NotificationListDto } from "./notifications";
import { commentHideSchema, commentWriteSchema, threadCreateSchema, threadPatchSchema } from "./comments/schemas";
import type { CommentChangeDto, ThreadDto, ThreadListDto, UnreadCountsDto } from "./comments/schemas";
import { amendmentCreateSchema, amendmentDecisionSchema } from "./amendments/schemas";
import type { AmendmentDto } from "./amendments/schemas";
import {
  bulkApproveSchema,
  expectedAddSchema,
  expectedRemoveSchema,
  lockSchema,
  positionSchema,
  signatureSchema,
  unlockSchema,
  withdrawSignatureSchema,
} from "./signoff-requests";
import type {
  BulkApproveResult,
  ExpectedOrganizationDto,
  FinalVersionDto,
  PositionDto,
  SignatureDto,
  SignoffHistoryDto,
  SignoffMatrixWire,
  VersionDto,
  VersionSummaryDto,
} from "./signoff";

import { namedVersionSchema, restoreSchema } from "./history";
import type {
  AttributionDto,
  AttributionSummaryDto,
  HistoryVersionDetailDto,
  HistoryVersionDto,
  SincePositionsDto,
  SinceSignatureDto,
  VersionDiffDto,
} from "./history";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One route. `response` only carries the type of the JSON answer (its value is always undefined); a `file` route
 * answers something else than JSON (a download), and its caller gets the raw `Response`.
 */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly body?: z.ZodType;
  readonly response: unknown;
  readonly file?: true;
}

/** The type of a route's JSON answer, written where a value is expected: `response: json<UserDto>()`. */
function json<T>(): T {
  return undefined as T;
}

type Ok = { ok: true };

/** The table (see the module comment). Keys name the calls: `api.createThread(statementId, body)`. */
export const ApiRoutes = {
  // Accounts and sessions
  signup: {
    method: "POST",
    path: "/api/auth/signup",
    body: signupSchema,
    response: json<{ user: UserDto; joinedStatementId: string | null }>(),
  },
  login: { method: "POST", path: "/api/auth/login", body: loginSchema, response: json<{ user: UserDto }>() },
  logout: { method: "POST", path: "/api/auth/logout", response: json<Ok>() },
  changePassword: { method: "POST", path: "/api/auth/password", body: passwordChangeSchema, response: json<Ok>() },
  me: { method: "GET", path: "/api/me", response: json<{ user: UserDto }>() },
  sessions: { method: "GET", path: "/api/auth/sessions", response: json<{ sessions: SessionDto[] }>() },
  /** Ends every session but this one; their open editors are disconnected. */
  signOutOtherSessions: {
    method: "POST",
    path: "/api/auth/sessions/revoke-others",
    response: json<{ ok: true; endedSessions: number }>(),
  },
  endSession: { method: "DELETE", path: "/api/auth/sessions/:id", response: json<Ok>() },

  // Organizations
  organizations: { method: "GET", path: "/api/organizations", response: json<{ organizations: OrganizationDto[] }>() },
  organizationPermissions: {
    method: "GET",
    path: "/api/organizations/permissions",
    response: json<{ permissions: OrganizationPermissionsDto }>(),
  },
  createOrganization: {
    method: "POST",
    path: "/api/organizations",
    body: organizationSchema,
    response: json<{ organization: OrganizationDto }>(),
  },
  updateOrganization: {
    method: "PATCH",
    path: "/api/organizations/:id",
    body: organizationPatchSchema,
    response: json<{ organization: OrganizationDto }>(),
  },
  mergeOrganization: {
    method: "POST",
    path: "/api/organizations/:id/merge",
    body: organizationMergeSchema,
    response: json<{ organization: OrganizationDto }>(),
  },
  deleteOrganization: { method: "DELETE", path: "/api/organizations/:id", response: json<Ok>() },

  // Statements, members, invites
  statements: { method: "GET", path: "/api/statements", response: json<{ statements: StatementSummaryDto[] }>() },
  createStatement: {
    method: "POST",
    path: "/api/statements",
    body: statementCreateSchema,
    response: json<{ statement: StatementSummaryDto }>(),
  },
  statement: { method: "GET", path: "/api/statements/:id", response: json<StatementDetailDto>() },
  renameStatement: {
    method: "PATCH",
    path: "/api/statements/:id",
    body: statementCreateSchema,
    response: json<{ ok: true; title: string }>(),
  },
  addMember: {
    method: "POST",
    path: "/api/statements/:id/members",
    body: memberAddSchema,
    response: json<{ member: MemberDto }>(),
  },
  updateMember: {
    method: "PATCH",
    path: "/api/statements/:id/members",
    body: memberPatchSchema,
    response: json<{ member: MemberDto }>(),
  },
  removeMember: {
    method: "DELETE",
    path: "/api/statements/:id/members",
    body: memberRemoveSchema,
    response: json<Ok>(),
  },
  createInvite: {
    method: "POST",
    path: "/api/statements/:id/invites",
    body: inviteCreateSchema,
    response: json<InviteCreatedDto>(),
  },
  /** Invite links nobody has used, revoked or let expire (conveners). */
  invites: {
    method: "GET",
    path: "/api/statements/:id/invites",
    response: json<{ invites: OutstandingInviteDto[] }>(),
  },
  /** Revokes an unused invite: its link is refused from then on. */
  revokeInvite: { method: "DELETE", path: "/api/statements/:id/invites/:inviteId", response: json<Ok>() },
  invite: { method: "GET", path: "/api/invites/:token", response: json<InviteInfoDto>() },
  acceptInvite: { method: "POST", path: "/api/invites/:token/accept", response: json<{ statementId: string }>() },
  /** The newest audit entries; `?limit=` (≤ 1000) and `?before=<next>` page back through the log. */
  audit: {
    method: "GET",
    path: "/api/statements/:id/audit",
    response: json<{ entries: AuditEntryDto[]; next: number | null }>(),
  },
  /** The canonical Markdown, with its SHA-256 in `X-Content-SHA256` and a file name in `Content-Disposition`. */
  exportMarkdown: { method: "GET", path: "/api/statements/:id/export.md", response: json<Response>(), file: true },
  /** The .docx of the canonical text, with the same `X-Content-SHA256`. */
  exportDocx: { method: "GET", path: "/api/statements/:id/export.docx", response: json<Response>(), file: true },

  // Comments
  threads: { method: "GET", path: "/api/statements/:id/threads", response: json<ThreadListDto>() },
  thread: { method: "GET", path: "/api/threads/:id", response: json<{ thread: ThreadDto }>() },
  createThread: {
    method: "POST",
    path: "/api/statements/:id/threads",
    body: threadCreateSchema,
    response: json<{ thread: ThreadDto }>(),
  },
  reply: {
    method: "POST",
    path: "/api/threads/:id/comments",
    body: commentWriteSchema,
    response: json<CommentChangeDto>(),
  },
  setThreadStatus: {
    method: "PATCH",
    path: "/api/threads/:id",
    body: threadPatchSchema,
    response: json<{ thread: ThreadDto }>(),
  },
  markThreadRead: { method: "POST", path: "/api/threads/:id/read", response: json<{ thread: ThreadDto }>() },
  amendments: {
    method: "GET",
    path: "/api/statements/:id/amendments",
    response: json<{ amendments: AmendmentDto[] }>(),
  },
  proposeAmendment: {
    method: "POST",
    path: "/api/statements/:id/amendments",
    body: amendmentCreateSchema,
    response: json<{ amendment: AmendmentDto }>(),
  },
  /** Accept (applied as an edit in my name), decline with a reason, or withdraw my own suggestion. */
  decideAmendment: {
    method: "POST",
    path: "/api/amendments/:id/decision",
    body: amendmentDecisionSchema,
    response: json<{ amendment: AmendmentDto }>(),
  },
  editComment: {
    method: "PATCH",
    path: "/api/comments/:id",
    body: commentWriteSchema,
    response: json<CommentChangeDto>(),
  },
  deleteComment: { method: "DELETE", path: "/api/comments/:id", response: json<CommentChangeDto>() },
  hideComment: {
    method: "POST",
    path: "/api/comments/:id/hide",
    body: commentHideSchema,
    response: json<CommentChangeDto>(),
  },
  unread: { method: "GET", path: "/api/me/unread", response: json<UnreadCountsDto>() },

  // Notifications (the caller's own; live ones arrive on `GET /api/me/events`, Server-Sent Events)
  notifications: { method: "GET", path: "/api/me/notifications", response: json<NotificationListDto>() },
  markNotificationsRead: {
    method: "POST",
    path: "/api/me/notifications/read",
    body: notificationReadSchema,
    response: json<{ marked: number; unread: number }>(),
  },
  /** The convener asks an organization's representatives (or those of every one not yet signed) to sign. */
  askToSign: {
    method: "POST",
    path: "/api/statements/:id/ask-to-sign",
    body: askToSignSchema,
    response: json<{ organizations: number; people: number }>(),
  },

  // Sign-off, signature, lock, versions
  /** The compact matrix (`expandMatrix` turns it into what the views use); changes arrive as `signoffs.changed`. */
  signoffs: { method: "GET", path: "/api/statements/:id/signoffs", response: json<SignoffMatrixWire>() },
  /** The positions ever given on one clause, newest first (`?organizationId=` for one cell). */
  signoffHistory: {
    method: "GET",
    path: "/api/statements/:id/signoffs/history/:clauseId",
    response: json<SignoffHistoryDto>(),
  },
  /** Records a position on the clause as shown (`clauseHash`, `clauseText`); `text_changed` if it changed since. */
  setPosition: {
    method: "PUT",
    path: "/api/statements/:id/signoffs",
    body: positionSchema,
    response: json<{ position: PositionDto }>(),
  },
  /** Signs the text as shown (`documentHash`, `documentText`); `text_changed` if it changed since. */
  sign: {
    method: "POST",
    path: "/api/statements/:id/signature",
    body: signatureSchema,
    response: json<{ signature: SignatureDto }>(),
  },
  /** Withdraws the organization's signature (before the lock only). */
  withdrawSignature: {
    method: "POST",
    path: "/api/statements/:id/signature/withdraw",
    body: withdrawSignatureSchema,
    response: json<{ withdrawn: true }>(),
  },
  /** Approves, for one organization, the clauses shown that it neither objects to nor abstains on. */
  bulkApprove: {
    method: "POST",
    path: "/api/statements/:id/signoffs/approve-all",
    body: bulkApproveSchema,
    response: json<BulkApproveResult>(),
  },
  /** The expected signatories (and represented organizations), in signatory order. */
  expectedOrganizations: {
    method: "GET",
    path: "/api/statements/:id/expected-organizations",
    response: json<{ organizations: ExpectedOrganizationDto[] }>(),
  },
  /** Convener: expect an organization's signature (an existing one, or one by name). */
  addExpectedOrganization: {
    method: "POST",
    path: "/api/statements/:id/expected-organizations",
    body: expectedAddSchema,
    response: json<{ organizationId: string; created: boolean; organizations: ExpectedOrganizationDto[] }>(),
  },
  /** Convener: no longer expect an organization's signature (refused while a member represents it). */
  removeExpectedOrganization: {
    method: "DELETE",
    path: "/api/statements/:id/expected-organizations",
    body: expectedRemoveSchema,
    response: json<{ organizations: ExpectedOrganizationDto[] }>(),
  },
  /** Locks the text as confirmed; `override` lists what the convener locks over (see shared/signoff.ts). */
  lock: {
    method: "POST",
    path: "/api/statements/:id/lock",
    body: lockSchema,
    response: json<{ final: FinalVersionDto }>(),
  },
  unlock: {
    method: "POST",
    path: "/api/statements/:id/unlock",
    body: unlockSchema,
    response: json<{ voidedSignatures: number }>(),
  },
  final: { method: "GET", path: "/api/statements/:id/final", response: json<{ final: FinalVersionDto | null }>() },
  versions: {
    method: "GET",
    path: "/api/statements/:id/versions",
    response: json<{ versions: VersionSummaryDto[] }>(),
  },
  version: { method: "GET", path: "/api/statements/:id/versions/:vid", response: json<{ version: VersionDto }>() },
  // History: versions, diffs, restore, attribution (shared/history.ts)
  historyVersions: {
    method: "GET",
    path: "/api/statements/:id/history",
    response: json<{ versions: HistoryVersionDto[] }>(),
  },
  /** A named version of the current text (drafters and the convener, while drafting). */
  nameVersion: {
    method: "POST",
    path: "/api/statements/:id/history",
    body: namedVersionSchema,
    response: json<{ version: HistoryVersionDto }>(),
  },
  historyVersion: {
    method: "GET",
    path: "/api/statements/:id/history/:vid",
    response: json<{ version: HistoryVersionDetailDto }>(),
  },
  /** The clause-aware diff between two versions; either side may be `current` (the live text). */
  historyDiff: {
    method: "GET",
    path: "/api/statements/:id/history/diff/:from/:to",
    response: json<{ diff: VersionDiffDto }>(),
  },
  historySinceSignature: {
    method: "GET",
    path: "/api/statements/:id/history/since-signature",
    response: json<SinceSignatureDto>(),
  },
  historySincePositions: {
    method: "GET",
    path: "/api/statements/:id/history/since-positions",
    response: json<SincePositionsDto>(),
  },
  /** Who wrote what, of the live text (`current`) or a version. */
  historyAttribution: {
    method: "GET",
    path: "/api/statements/:id/history/attribution/:at",
    response: json<{ attribution: AttributionDto }>(),
  },
  /** The convener's summary per organization. */
  historySummary: {
    method: "GET",
    path: "/api/statements/:id/history/summary",
    response: json<AttributionSummaryDto>(),
  },
  /** Brings a version's text back as a new change (drafters and the convener, while drafting). */
  restoreVersion: {
    method: "POST",
    path: "/api/statements/:id/history/:vid/restore",
    body: restoreSchema,
    response: json<{ version: HistoryVersionDto }>(),
  },
  /** The audit log as CSV, for the browser to download. */
  auditCsv: { method: "GET", path: "/api/statements/:id/audit.csv", response: json<Response>(), file: true },
} as const satisfies Record<string, ApiRoute>;

export type ApiRoutes = typeof ApiRoutes;
