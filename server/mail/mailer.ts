/**
 * Outgoing mail, behind one small interface: SMTP through nodemailer when `SMTP_URL` is set, otherwise the
 * `mail_outbox` table, which the instance admin reads in the app (`/admin/outbox`) and tests read directly.
 *
 * One mailer per server, built at first use from its config (modules never read `process.env`). Messages are
 * plain text: every value in them comes from users (organization names, messages), and text cannot run.
 */
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import type { Services } from "../context";
import type { DB } from "../storage/database";
import { newId } from "../ids";

/** One message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends messages; `kind` says where they go. */
export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(message: MailMessage): Promise<void>;
}

/** A stored outbox message. */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: number;
}

/** Writes messages to the outbox table (no SMTP server configured). */
export class OutboxMailer implements Mailer {
  readonly kind = "outbox" as const;
  constructor(private readonly db: DB) {}

  async send(message: MailMessage): Promise<void> {
    await this.db
      .insertInto("mail_outbox")
      .values({
        id: newId(),
        to_address: message.to,
        subject: message.subject,
        body: message.text,
        created_at: Date.now(),
      })
      .execute();
  }
}

/** Sends through an SMTP server (nodemailer, one connection per message). */
export class SmtpMailer implements Mailer {
  readonly kind = "smtp" as const;
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }
}

const mailers = new WeakMap<object, Mailer>();

/** The server's mailer (built once per server from `SMTP_URL` / `MAIL_FROM`). */
export function mailerFor(services: Services): Mailer {
  let m = mailers.get(services);
  if (!m) {
    m = services.config.smtpUrl
      ? new SmtpMailer(services.config.smtpUrl, services.config.mailFrom)
      : new OutboxMailer(services.db);
    mailers.set(services, m);
  }
  return m;
}

/**
 * Sends and never throws: a mail server that is down must not undo a decision already committed. A failure
 * is logged (rate-limited) and reported as `false`.
 */
export async function sendMail(services: Services, message: MailMessage): Promise<boolean> {
  try {
    await mailerFor(services).send(message);
    return true;
  } catch (err) {
    services.log("mail: sending failed", err);
    return false;
  }
}

/** The newest outbox messages (for the admin, and tests). */
export async function readOutbox(db: DB, limit = 200): Promise<OutboxMessage[]> {
  const rows = await db
    .selectFrom("mail_outbox")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    text: r.body,
    createdAt: Number(r.created_at),
  }));
}
