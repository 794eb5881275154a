/**
 * In-app notifications as both sides see them: the kinds, the DTO the API answers, the sentence each one reads
 * as (the bell's list and the email use the same words), where it links to, and the live event on the per-user
 * channel (`GET /api/me/events`, Server-Sent Events).
 */
import { z } from "zod";

/** What happened to me. */
export const NotificationKinds = [
  /** A convener added me to a statement. */
  "added",
  /** Someone mentioned me in a comment. */
  "mentioned",
  /** A convener asks my organization to sign the statement. */
  "sign.requested",
  /** An organization objected to a clause whose text I wrote (attribution of the clause's characters). */
  "objection",
  /** A clause changed after my organization gave a position on it: the position is stale. */
  "position.stale",
  /** The statement was locked: its text is final. */
  "locked",
] as const;
export type NotificationKind = (typeof NotificationKinds)[number];

/** One notification, as `GET /api/me/notifications` lists it. */
export interface NotificationDto {
  id: string;
  kind: NotificationKind;
  statementId: string | null;
  /** The statement's title now (null once the statement is gone). */
  statementTitle: string | null;
  clauseId: string | null;
  /** Who did it (null for the system, e.g. a stale position). */
  actorName: string | null;
  /** Kind-specific facts: `excerpt` (clause or comment), `reason`, `organizationName`, `role`, `threadId`. */
  detail: NotificationDetail;
  createdAt: number;
  readAt: number | null;
}

/** The kind-specific facts of a notification; every field is optional text. */
export interface NotificationDetail {
  excerpt?: string;
  reason?: string;
  organizationName?: string;
  role?: string;
  threadId?: string;
  hash?: string;
}

/** `GET /api/me/notifications`: the newest notifications and how many are unread in all. */
export interface NotificationListDto {
  notifications: NotificationDto[];
  unread: number;
}

/** What the per-user event stream sends (`event: notification` with this JSON as data). */
export interface NotificationEvent {
  notification: NotificationDto;
  unread: number;
}

/** `POST /api/me/notifications/read`: mark some (`ids`) or every (`all`) notification of mine read. */
export const notificationReadSchema = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type NotificationReadRequest = z.infer<typeof notificationReadSchema>;

/** `POST /api/statements/:id/ask-to-sign`: ask one organization's representatives, or every one not yet signed. */
export const askToSignSchema = z.strictObject({ organizationId: z.string().min(1).max(64).optional() });
export type AskToSignRequest = z.infer<typeof askToSignSchema>;

const quoted = (s: string | undefined) => (s ? `“${s}”` : "");

/** The sentence a notification reads as (the bell's list, and the email's first line). */
export function notificationText(n: Pick<NotificationDto, "kind" | "statementTitle" | "actorName" | "detail">): string {
  const who = n.actorName ?? "Someone";
  const title = quoted(n.statementTitle ?? "a statement");
  switch (n.kind) {
    case "added":
      return `${who} added you to ${title}${n.detail.role ? ` as ${n.detail.role}` : ""}.`;
    case "mentioned":
      return `${who} mentioned you in a comment on ${title}${n.detail.excerpt ? `: ${quoted(n.detail.excerpt)}` : "."}`;
    case "sign.requested":
      return `${who} asks ${n.detail.organizationName ?? "your organization"} to sign ${title}.`;
    case "objection":
      return `${n.detail.organizationName ?? who} objects to a clause you wrote in ${title}${
        n.detail.reason ? `: ${quoted(n.detail.reason)}` : "."
      }`;
    case "position.stale":
      return `A clause changed after your position on it in ${title}: review it again.`;
    case "locked":
      return `${who} locked ${title}: the text is final.`;
  }
}

/** Where a notification leads: the statement, at the clause or thread it concerns. */
export function notificationLink(n: Pick<NotificationDto, "statementId" | "clauseId" | "detail">): string | null {
  if (!n.statementId) return null;
  const query = new URLSearchParams();
  if (n.clauseId) query.set("clause", n.clauseId);
  if (n.detail.threadId) query.set("thread", n.detail.threadId);
  const q = query.toString();
  return `/s/${encodeURIComponent(n.statementId)}${q ? `?${q}` : ""}`;
}

/** Shortens user text for a notification (an excerpt of a clause or comment). */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
