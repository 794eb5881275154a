/**
 * Notifications through a real server: each kind is created by the real action that causes it and arrives live
 * on the recipient's event stream (`GET /api/me/events`, read here as a browser's EventSource would), is listed
 * with the unread count, and is marked read — by its recipient only. The important ones are mailed through a
 * real SMTP server. Last, two instances on one PostgreSQL database and one Redis: a notification created on one
 * reaches a stream open on the other (skipped, saying so, without PostgreSQL or Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server";
import { connectProvider, eventually, signUp, startTestServer, synced } from "../testing/harness";
import type { ApiClient } from "../testing/harness";
import { appendParagraph, typeInto } from "../testing/docs";
import { TestSmtp } from "../publication/fixtures";
import { sha256Hex } from "../../shared/canonical";
import { mentionToken } from "../../shared/comments/mentions";
import type { NotificationEvent, NotificationKind } from "../../shared/notifications";
import { postgresForTests, createTestDatabase } from "../storage/test-targets";
import { redisForTests } from "../realtime/test-targets";
import { notificationsOf } from "./service";
import { notify } from "./store";

type User = Awaited<ReturnType<typeof signUp>>;

/** An open `GET /api/me/events` stream and the notification events it received. */
class EventStream {
  readonly events: NotificationEvent[] = [];
  ready: { unread: number } | null = null;
  /** The server ended the stream. */
  ended = false;
  private constructor(private readonly abort: AbortController) {}

  static async open(baseUrl: string, client: ApiClient): Promise<EventStream> {
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/api/me/events`, {
      headers: { cookie: client.cookie, accept: "text/event-stream" },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const s = new EventStream(abort);
    void s.read(res.body!);
    await eventually(() => s.ready !== null, 5000, "the stream's ready event");
    return s;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = body.getReader();
    try {
      for (;;) {
        const { value: chunk, done } = await reader.read();
        if (done) {
          this.ended = true;
          return;
        }
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          if (event === "ready") this.ready = JSON.parse(data) as { unread: number };
          if (event === "notification") this.events.push(JSON.parse(data) as NotificationEvent);
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  /** Waits for a live notification of `kind`. */
  async next(kind: NotificationKind): Promise<NotificationEvent> {
    let found: NotificationEvent | undefined;
    await eventually(
      () => !!(found = this.events.find((e) => e.notification.kind === kind)),
      8000,
      `a live "${kind}" notification`,
    );
    return found!;
  }

  close(): void {
    this.abort.abort();
  }
}

async function kinds(u: ApiClient): Promise<NotificationKind[]> {
  return (await u.api.notifications()).notifications.map((n) => n.kind);
}

describe("notifications", () => {
  let server: RunningServer;
  let smtp: TestSmtp;
  let convener: User;
  let orgA: string;
  let orgB: string;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    server = await startTestServer({ clientDir: "", smtpUrl: smtp.url, mailFrom: "concord@example.org" });
    convener = await signUp(server.url, "Convener");
    orgA = (await convener.api.createOrganization({ name: "Org A", shortName: "A", stakeholderGroup: "civil-society" }))
      .organization.id;
    orgB = (await convener.api.createOrganization({ name: "Org B", shortName: "B", stakeholderGroup: "academia" }))
      .organization.id;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await server?.close();
    await smtp?.close();
  });

  async function stream(u: ApiClient) {
    const s = await EventStream.open(server.url, u);
    streams.push(s);
    return s;
  }

  /** A statement with drafter A (org A, wrote the one clause) and drafter B (org B). */
  async function statement() {
    const { statement: st } = await convener.api.createStatement({ title: `Notified ${Math.random()}` });
    const a = await signUp(server.url, "Drafter A");
    const b = await signUp(server.url, "Drafter B");
    await convener.api.addMember(st.id, { email: a.email, role: "drafter", organizationId: orgA });
    await convener.api.addMember(st.id, { email: b.email, role: "drafter", organizationId: orgB });
    const p = connectProvider(server.url, st.id, a);
    await synced(p.provider);
    appendParagraph(p.doc, "Drafter A wrote this clause.", "clause-1");
    await eventually(
      async () => (await (await a.api.exportMarkdown(st.id)).text()) === "Drafter A wrote this clause.\n",
      5000,
      "the clause is stored",
    );
    return { id: st.id, a, b, p };
  }

  it("added: the member's open stream gets it live, with the unread count, and an email", async () => {
    const member = await signUp(server.url, "Member");
    const live = await stream(member);
    expect(live.ready).toEqual({ unread: 0 });
    const { statement: st } = await convener.api.createStatement({ title: "Joint Statement" });
    await convener.api.addMember(st.id, { email: member.email, role: "reviewer" });
    const e = await live.next("added");
    expect(e.unread).toBe(1);
    expect(e.notification).toMatchObject({
      statementId: st.id,
      statementTitle: "Joint Statement",
      actorName: "Convener",
    });
    expect(e.notification.detail.role).toBe("reviewer");
    const mail = await smtp.waitFor(member.email, /added you to “Joint Statement”/);
    expect(mail.text).toContain(`/s/${st.id}`);
    // The convener who added them is not told of their own action.
    expect(await kinds(convener)).not.toContain("added");
  });

  it("mentioned: once per comment, only the mentioned member, live; an edit does not repeat it", async () => {
    const s = await statement();
    const live = await stream(s.b);
    const body = `Please look, ${mentionToken("Drafter B", s.b.userId)}`;
    const { thread } = await s.a.api.createThread(s.id, { clauseId: "clause-1", body });
    const e = await live.next("mentioned");
    expect(e.notification.detail.threadId).toBe(thread.id);
    expect(e.notification.clauseId).toBe("clause-1");
    // The excerpt reads as the comment does: the mention as "@Name", not its token.
    expect(e.notification.detail.excerpt).toBe("Please look, @Drafter B");
    await s.a.api.editComment(thread.comments[0].id, { body: `${body} again` });
    expect((await kinds(s.b)).filter((k) => k === "mentioned")).toHaveLength(1);
    expect(await kinds(s.a)).not.toContain("mentioned");
    s.p.destroy();
  });

  it("asked to sign: the representatives of the organizations that have not signed, never the others", async () => {
    const s = await statement();
    const text = "Drafter A wrote this clause.\n";
    await s.a.api.sign(s.id, { organizationId: orgA, documentHash: sha256Hex(text), documentText: text });
    const live = await stream(s.b);
    const r = await convener.api.askToSign(s.id, {});
    expect(r).toEqual({ organizations: 1, people: 1 });
    const e = await live.next("sign.requested");
    expect(e.notification.detail.organizationName).toBe("Org B");
    expect(await kinds(s.a)).not.toContain("sign.requested");
    await smtp.waitFor(s.b.email, /asks Org B to sign/);
    // A drafter may not ask.
    await expect(s.a.api.askToSign(s.id, {})).rejects.toMatchObject({ status: 403 });
    s.p.destroy();
  });

  it("objection: the author of the clause hears of it (attribution), the objector does not", async () => {
    const s = await statement();
    const live = await stream(s.a);
    const clause = "Drafter A wrote this clause.";
    await s.b.api.setPosition(s.id, {
      clauseId: "clause-1",
      organizationId: orgB,
      position: "object",
      reason: "Too vague",
      clauseHash: sha256Hex(clause),
      clauseText: clause,
    });
    const e = await live.next("objection");
    expect(e.notification).toMatchObject({ clauseId: "clause-1", actorName: "Drafter B" });
    expect(e.notification.detail).toMatchObject({ organizationName: "Org B", reason: "Too vague" });
    expect(await kinds(s.b)).not.toContain("objection");
    s.p.destroy();
  });

  it("stale position: the clause changes after B approved it, and B is told once", async () => {
    const s = await statement();
    const live = await stream(s.b);
    const clause = "Drafter A wrote this clause.";
    await s.b.api.setPosition(s.id, {
      clauseId: "clause-1",
      organizationId: orgB,
      position: "approve",
      clauseHash: sha256Hex(clause),
      clauseText: clause,
    });
    const watcher = notificationsOf(server.services)!.stale;
    // The watcher sees the statement with the position on a current clause: nothing to tell.
    await watcher.round();
    expect(await kinds(s.b)).not.toContain("position.stale");
    const stored = (prefix: string) =>
      eventually(
        async () => (await (await s.a.api.exportMarkdown(s.id)).text()).startsWith(prefix),
        5000,
        `"${prefix}" stored`,
      );
    typeInto(s.p.doc, 0, 0, "Now ");
    await stored("Now ");
    await watcher.round();
    const e = await live.next("position.stale");
    expect(e.notification.clauseId).toBe("clause-1");
    // Another change to the same stale position is no news.
    typeInto(s.p.doc, 0, 0, "Still ");
    await stored("Still Now ");
    await watcher.round();
    expect((await kinds(s.b)).filter((k) => k === "position.stale")).toHaveLength(1);
    s.p.destroy();
  });

  it("locked: every member but the convener who locked, live and by email", async () => {
    const s = await statement();
    const live = await stream(s.b);
    const text = "Drafter A wrote this clause.\n";
    const shown = { documentHash: sha256Hex(text), documentText: text };
    await s.a.api.sign(s.id, { organizationId: orgA, ...shown });
    await s.b.api.sign(s.id, { organizationId: orgB, ...shown });
    await convener.api.lock(s.id, shown);
    const e = await live.next("locked");
    expect(e.notification.actorName).toBe("Convener");
    await smtp.waitFor(s.a.email, /locked/);
    expect((await kinds(convener)).filter((k) => k === "locked")).toHaveLength(0);
    s.p.destroy();
  });

  it("mark read and mark all read: the recipient's own only; nobody reads or marks another's", async () => {
    const s = await statement();
    const mine = (await s.b.api.notifications()).notifications;
    expect(mine.length).toBeGreaterThan(0);
    const target = mine[0];
    // A reads their own list: B's notification is not in it; marking B's ids as A changes nothing.
    expect((await s.a.api.notifications()).notifications.map((n) => n.id)).not.toContain(target.id);
    expect(await s.a.api.markNotificationsRead({ ids: [target.id] })).toMatchObject({ marked: 0 });
    expect((await s.b.api.notifications()).notifications.find((n) => n.id === target.id)?.readAt).toBeNull();
    const before = (await s.b.api.notifications()).unread;
    const one = await s.b.api.markNotificationsRead({ ids: [target.id] });
    expect(one).toEqual({ marked: 1, unread: before - 1 });
    await convener.api.askToSign(s.id, {});
    expect((await s.b.api.notifications()).unread).toBeGreaterThan(0);
    const all = await s.b.api.markNotificationsRead({ all: true });
    expect(all.unread).toBe(0);
    // A malformed body is refused and changes nothing.
    expect((await s.b.post("/api/me/notifications/read", { ids: [] })).status).toBe(400);
    // Without a session, nothing at all.
    const anon = await fetch(`${server.url}/api/me/notifications`);
    expect(anon.status).toBe(401);
    const anonStream = await fetch(`${server.url}/api/me/events`, { headers: { accept: "text/event-stream" } });
    expect(anonStream.status).toBe(401);
    s.p.destroy();
  });
});

const pgUrl = await postgresForTests();
const redisUrl = pgUrl ? await redisForTests("Notifications across instances") : null;

describe.skipIf(!pgUrl || !redisUrl)("notifications across two instances (PostgreSQL + Redis)", () => {
  it("a member added on instance 1 gets it live on a stream open on instance 2", async () => {
    const db = await createTestDatabase(pgUrl!);
    const prefix = `concord-test-${Math.random().toString(36).slice(2)}:`;
    const common = { clientDir: "", databaseUrl: db.url, redisUrl: redisUrl!, redisPrefix: prefix };
    const one = await startTestServer({ ...common, instanceId: "one" });
    const two = await startTestServer({ ...common, instanceId: "two" });
    try {
      const convener = await signUp(one.url, "Convener");
      const member = await signUp(one.url, "Member");
      // The member's session works on both (one database); the stream is opened on the other instance.
      const live = await EventStream.open(two.url, member);
      const { statement: st } = await convener.api.createStatement({ title: "Across" });
      await convener.api.addMember(st.id, { email: member.email, role: "drafter" });
      const e = await live.next("added");
      expect(e.notification.statementId).toBe(st.id);

      // An objection given on instance 1 reaches the author's stream on instance 2.
      const org = (
        await convener.api.createOrganization({ name: "Org X", shortName: "X", stakeholderGroup: "academia" })
      ).organization.id;
      await convener.api.updateMember(st.id, { userId: convener.userId, organizationId: org });
      const p = connectProvider(one.url, st.id, member);
      await synced(p.provider);
      appendParagraph(p.doc, "Member wrote this.", "c-1");
      await eventually(
        async () => (await (await convener.api.exportMarkdown(st.id)).text()) === "Member wrote this.\n",
        5000,
        "clause stored",
      );
      await convener.api.setPosition(st.id, {
        clauseId: "c-1",
        organizationId: org,
        position: "object",
        reason: "No",
        clauseHash: sha256Hex("Member wrote this."),
        clauseText: "Member wrote this.",
      });
      await live.next("objection");
      // Every instance hears such an event and tells the people concerned; both doing so at the same moment
      // with the same event's key create one notification, pushed once.
      const same = { kind: "locked" as const, statementId: st.id, dedupeKey: `test:${st.id}` };
      const created = await Promise.all([
        notify(one.services, [member.userId], same),
        notify(two.services, [member.userId], same),
      ]);
      expect(created.reduce((a, b) => a + b, 0)).toBe(1);
      await live.next("locked");
      const locked = (await member.api.notifications()).notifications.filter((n) => n.kind === "locked");
      expect(locked).toHaveLength(1);
      p.destroy();
      live.close();
    } finally {
      await one.close();
      await two.close();
      await db.drop();
    }
  });
});

describe("the event stream's limits", () => {
  it("a signed-out stream ends when its session does; one user holds at most the configured number of streams", async () => {
    const server = await startTestServer({ clientDir: "", maxConnectionsPerUser: 2 });
    try {
      const u = await signUp(server.url, "Many Tabs");
      const streams = [await EventStream.open(server.url, u), await EventStream.open(server.url, u)];
      const third = await fetch(`${server.url}/api/me/events`, {
        headers: { cookie: u.cookie, accept: "text/event-stream" },
      });
      expect(third.status).toBe(429);
      // Logging out ends this session's streams, which frees their places.
      const cookie = u.cookie;
      await u.api.logout();
      await eventually(() => streams.every((s) => s.ended), 5000, "the streams end with the session");
      const again = await fetch(`${server.url}/api/me/events`, { headers: { cookie, accept: "text/event-stream" } });
      expect(again.status).toBe(401);
      await u.api.login({ email: u.email, password: "correct horse battery" });
      const reopened = [await EventStream.open(server.url, u), await EventStream.open(server.url, u)];
      for (const s of reopened) s.close();
    } finally {
      await server.close();
    }
  });
});
