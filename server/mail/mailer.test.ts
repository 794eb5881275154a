import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { openDatabase } from "../storage/database";
import { tempDataDir } from "../testing/harness";
import { TestSmtp } from "../publication/fixtures";
import { OutboxMailer, SmtpMailer, readOutbox } from "./mailer";

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(async () => {
  await smtp?.close();
});

describe("mail configuration", () => {
  it("reads SMTP_URL and MAIL_FROM once, and refuses a URL that is not smtp(s)", () => {
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(loadConfig({}).mailFrom).toBe("Concord <concord@localhost>");
    const c = loadConfig({ SMTP_URL: "smtps://user:pw@mail.example.org:465", MAIL_FROM: "Coalition <c@example.org>" });
    expect(c.smtpUrl).toBe("smtps://user:pw@mail.example.org:465");
    expect(c.mailFrom).toBe("Coalition <c@example.org>");
    expect(() => loadConfig({ SMTP_URL: "http://mail.example.org" })).toThrow(/SMTP_URL/);
  });
});

describe("mailers", () => {
  it("SMTP: a real server receives the message, UTF-8 subject and body intact", async () => {
    const m = new SmtpMailer(smtp.url, "Concord <concord@test.example>");
    await m.send({
      to: "ana@example.org",
      subject: "Réseaux — “confirm”",
      text: "Bonjour Ana,\nhttps://example.org/p/x/confirm/abc\n",
    });
    const got = await smtp.waitFor("ana@example.org", /confirm/);
    expect(got.from).toBe("concord@test.example");
    expect(got.subject).toBe("Réseaux — “confirm”");
    expect(got.text).toContain("Bonjour Ana,\nhttps://example.org/p/x/confirm/abc");
  });

  it("outbox: without SMTP the message is stored for the admin", async () => {
    const db = await openDatabase(tempDataDir());
    try {
      await new OutboxMailer(db).send({ to: "b@example.org", subject: "Hello", text: "Body" });
      expect((await readOutbox(db)).map((x) => [x.to, x.subject, x.text])).toEqual([
        ["b@example.org", "Hello", "Body"],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
