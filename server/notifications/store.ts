/**
 * Notifications, stored one row per recipient: creating them (once per person and `dedupeKey`, however many
 * instances report the same event), pushing each new one live to its recipient's event streams (a user-addressed
 * server event, which the Redis fan-out carries to every instance), mailing the important ones when an SMTP
 * server is configured, listing them with the unread count, and marking them read — always for the caller only.
 */
import type { Services } from "../context";
import type { DB } from "../storage/database";
import { newId } from "../ids";
import { mailerFor, sendMail } from "../mail/mailer";
import { notificationLink, notificationText } from "../../shared/notifications";
import type {
  NotificationDetail,
  NotificationDto,
  NotificationKind,
  NotificationListDto,
} from "../../shared/notifications";

/** The kinds worth an email (when an SMTP server is configured; never to the admin's outbox). */
const MAILED: ReadonlySet<NotificationKind> = new Set(["added", "sign.requested", "locked"]);

/** How many notifications the list returns (newest first). */
export const LIST_LIMIT = 50;

/** One event to tell some people about. */
export interface NewNotification {
  kind: NotificationKind;
  statementId: string | null;
  clauseId?: string | null;
  actorId?: string | null;
  detail?: NotificationDetail;
  /** One row per (recipient, key): a second report of the same event changes nothing. */
  dedupeKey?: string | null;
}

/**
 * Creates the notification for each recipient (never for the actor), then pushes and mails those that are new.
 * Returns how many were created. Never throws: a failed notification must not undo what caused it.
 */
export async function notify(services: Services, recipients: Iterable<string>, n: NewNotification): Promise<number> {
  try {
    const now = Date.now();
    const created: string[] = [];
    for (const userId of new Set(recipients)) {
      if (userId === n.actorId) continue;
      const id = newId();
      const res = await services.db
        .insertInto("notifications")
        .values({
          id,
          user_id: userId,
          kind: n.kind,
          statement_id: n.statementId,
          clause_id: n.clauseId ?? null,
          actor_id: n.actorId ?? null,
          detail: JSON.stringify(n.detail ?? {}),
          dedupe_key: n.dedupeKey ?? null,
          created_at: now,
          read_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 1) created.push(id);
    }
    for (const id of created) await deliver(services, id);
    return created.length;
  } catch (err) {
    services.log(`notifications: creating "${n.kind}" failed`, err);
    return 0;
  }
}

/** Pushes one stored notification to its recipient's open streams and mails it if it is an important one. */
async function deliver(services: Services, id: string): Promise<void> {
  const row = await rowsQuery(services.db).where("notifications.id", "=", id).executeTakeFirst();
  if (!row) return;
  const notification = toDto(row);
  services.events.emit({
    kind: "user",
    userId: row.user_id,
    event: { notification, unread: await unreadCount(services.db, row.user_id) },
  });
  if (MAILED.has(notification.kind) && mailerFor(services).kind === "smtp") {
    const link = notificationLink(notification);
    const origin = services.origins()[0] ?? "";
    await sendMail(services, {
      to: row.email,
      subject: `Concord: ${notificationText(notification)}`,
      text: [
        notificationText(notification),
        "",
        ...(link ? [`Open it: ${origin}${link}`, ""] : []),
        "You receive this because you are a member of this statement on Concord.",
      ].join("\n"),
    });
  }
}

function rowsQuery(db: DB) {
  return db
    .selectFrom("notifications")
    .innerJoin("users as recipient", "recipient.id", "notifications.user_id")
    .leftJoin("statements", "statements.id", "notifications.statement_id")
    .leftJoin("users as actor", "actor.id", "notifications.actor_id")
    .select([
      "notifications.id",
      "notifications.user_id",
      "notifications.kind",
      "notifications.statement_id",
      "notifications.clause_id",
      "notifications.detail",
      "notifications.created_at",
      "notifications.read_at",
      "recipient.email",
      "statements.title",
      "actor.name as actor_name",
    ]);
}

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof rowsQuery>["executeTakeFirst"]>>>;

function toDto(r: Row): NotificationDto {
  return {
    id: r.id,
    kind: r.kind as NotificationKind,
    statementId: r.statement_id,
    statementTitle: r.title ?? null,
    clauseId: r.clause_id,
    actorName: r.actor_name ?? null,
    detail: JSON.parse(r.detail) as NotificationDetail,
    createdAt: Number(r.created_at),
    readAt: r.read_at === null ? null : Number(r.read_at),
  };
}

/** How many of the user's notifications are unread. */
export async function unreadCount(db: DB, userId: string): Promise<number> {
  const r = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The user's newest notifications and the unread count. */
export async function listNotifications(db: DB, userId: string): Promise<NotificationListDto> {
  const rows = await rowsQuery(db)
    .where("notifications.user_id", "=", userId)
    .orderBy("notifications.created_at", "desc")
    .orderBy("notifications.id", "desc")
    .limit(LIST_LIMIT)
    .execute();
  return { notifications: rows.map(toDto), unread: await unreadCount(db, userId) };
}

/**
 * Marks the given notifications (or all) of `userId` read. Ids of other people's notifications match nothing:
 * nobody can read or mark anyone else's. Returns how many changed and the unread count left.
 */
export async function markRead(
  db: DB,
  userId: string,
  which: { ids: string[] } | { all: true },
): Promise<{ marked: number; unread: number }> {
  let q = db
    .updateTable("notifications")
    .set({ read_at: Date.now() })
    .where("user_id", "=", userId)
    .where("read_at", "is", null);
  if ("ids" in which) q = q.where("id", "in", which.ids);
  const res = await q.executeTakeFirst();
  return { marked: Number(res.numUpdatedRows), unread: await unreadCount(db, userId) };
}
