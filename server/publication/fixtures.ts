/**
 * Test helpers for publication (unit and end-to-end): a locked statement signed by real representatives of
 * real organizations, an in-process SMTP server (`smtp-server`) that keeps every message, and links out of mail.
 */
import { SMTPServer } from "smtp-server";
import type * as Y from "yjs";
import type { AddressInfo } from "node:net";
import { connectProvider, eventually, signUp, synced } from "../testing/harness";
import type { ApiClient } from "../testing/harness";
import { appendParagraph } from "../testing/docs";
import { canonicalMarkdownOfDoc, sha256Hex } from "../../shared/canonical";
import { lockOverrideOf } from "../../shared/signoff";
import type { StakeholderGroup } from "../../shared/roles";

export type Client = Awaited<ReturnType<typeof signUp>>;

/** One organization of a scenario: it gets a representative who signs before the lock. */
export interface OrgSpec {
  name: string;
  sortKey?: string;
  group?: StakeholderGroup;
}

/** A statement locked with the given organizations as its original signatories. */
export interface LockedStatement {
  convener: Client;
  statementId: string;
  slug: string;
  hash: string;
  text: string;
  reps: Array<{ rep: Client; organizationId: string; name: string }>;
  /** The editing connection (kept for a later unlock and re-lock); call `destroy()` at the end. */
  editor: ReturnType<typeof connectProvider>;
}

/** Creates, signs and locks a statement; publishes it unless `publish: false`. */
export async function lockedStatement(
  baseUrl: string,
  opts: { title?: string; clauses: string[]; orgs: OrgSpec[]; publish?: boolean; build?: (doc: Y.Doc) => void },
): Promise<LockedStatement> {
  const convener = await signUp(baseUrl, "Convener");
  const created = await convener.post("/api/statements", { title: opts.title ?? "Statement of Purpose" });
  if (created.status !== 201) throw new Error(created.text);
  const statementId: string = created.json.statement.id;
  const slug: string = created.json.statement.slug;
  const reps: LockedStatement["reps"] = [];
  for (const o of opts.orgs) {
    const org = await convener.post("/api/organizations", {
      name: o.name,
      shortName: o.name.slice(0, 20),
      stakeholderGroup: o.group ?? "technical-community",
      sortKey: o.sortKey,
    });
    if (org.status !== 201) throw new Error(`org ${o.name}: ${org.text}`);
    const rep = await signUp(baseUrl, `Rep ${o.name}`.replace(/[^\w .-]/g, ""));
    const m = await convener.post(`/api/statements/${statementId}/members`, {
      email: rep.email,
      role: "drafter",
      organizationId: org.json.organization.id,
    });
    if (m.status !== 201) throw new Error(m.text);
    reps.push({ rep, organizationId: org.json.organization.id, name: o.name });
  }
  const editor = connectProvider(baseUrl, statementId, convener);
  await synced(editor.provider);
  for (const c of opts.clauses) appendParagraph(editor.doc, c);
  opts.build?.(editor.doc);
  const expected = canonicalMarkdownOfDoc(editor.doc);
  await eventually(
    async () => (await convener.get(`/api/statements/${statementId}/export.md`)).text === expected,
    5000,
    "clauses stored",
  );
  for (const r of reps) {
    const s = await signCurrent(r.rep, statementId, r.organizationId);
    if (s.status !== 201) throw new Error(`sign: ${s.text}`);
  }
  const lock = await lockCurrent(convener, statementId);
  if (lock.status !== 200) throw new Error(`lock: ${lock.text}`);
  if (opts.publish !== false) {
    const p = await convener.request("PUT", `/api/statements/${statementId}/publication`, { published: true });
    if (p.status !== 200) throw new Error(`publish: ${p.text}`);
  }
  return { convener, statementId, slug, hash: lock.json.final.hash, text: lock.json.final.markdown, reps, editor };
}

async function shown(c: ApiClient, id: string) {
  const text = (await c.get(`/api/statements/${id}/export.md`)).text;
  return { documentHash: sha256Hex(text), documentText: text };
}

/** Signs the current text for an organization. */
export async function signCurrent(c: ApiClient, id: string, organizationId: string) {
  return c.post(`/api/statements/${id}/signature`, { organizationId, ...(await shown(c, id)) });
}

/** Locks the current text (anyway, over whatever the matrix lists, when not every organization signed). */
export async function lockCurrent(c: ApiClient, id: string) {
  const body: Record<string, unknown> = await shown(c, id);
  const m = (await c.get(`/api/statements/${id}/signoffs`)).json;
  if (!m.readiness.ready) body.override = lockOverrideOf(m.readiness);
  return c.post(`/api/statements/${id}/lock`, body);
}

/** A message the test SMTP server received. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The text body, quoted-printable and soft line breaks undone. */
  text: string;
  subject: string;
}

/** A real SMTP server in this process (no TLS, no auth) that keeps what it receives. */
export class TestSmtp {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly messages: ReceivedMail[],
  ) {}

  static async start(): Promise<TestSmtp> {
    const messages: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (d: Buffer) => chunks.push(d));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            text: decodeBody(raw),
            subject: decodeSubject(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new TestSmtp(
      server,
      (server as unknown as { server: { address(): AddressInfo } }).server.address().port,
      messages,
    );
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Waits for a message to `to` whose subject matches. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 5000): Promise<ReceivedMail> {
    let found: ReceivedMail | undefined;
    await eventually(
      () => !!(found = this.messages.find((m) => m.to.includes(to) && subject.test(m.subject))),
      timeoutMs,
      `mail to ${to} ${subject}`,
    );
    return found!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The text part of a simple nodemailer message (plain text, 7bit or quoted-printable). */
function decodeBody(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split);
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    body = body.replace(/=\r?\n/g, "");
    body = Buffer.from(
      body.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  } else if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  return body.replace(/\r\n/g, "\n");
}

function decodeSubject(raw: string): string {
  const m = /^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(raw);
  if (!m) return "";
  return m[1]
    .replace(/\r\n[ \t]/g, " ")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_x, enc: string, data: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : Buffer.from(
            data
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
}

/** The first link in a text that matches `pattern`. */
export function linkIn(text: string, pattern: RegExp): string {
  const links = text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  const link = links.find((l) => pattern.test(l));
  if (!link) throw new Error(`no link matching ${pattern} in:\n${text}`);
  return link;
}
