/** The environment is read once and a bad value stops the start with a clear message. */
import { describe, expect, it } from "vitest";
import path from "node:path";
import { loadConfig } from "./config";

describe("loadConfig", () => {
  it("reads TRUST_PROXY, MAX_BODY_BYTES and MAX_CONNECTIONS_PER_USER, with safe defaults", () => {
    const d = loadConfig({});
    expect(d.trustProxy).toEqual([]);
    expect(d.maxBodyBytes).toBe(256 * 1024);
    expect(d.maxConnectionsPerUser).toBe(20);
    const c = loadConfig({
      TRUST_PROXY: "127.0.0.1, ::1,10.0.0.0/8",
      MAX_BODY_BYTES: "100000",
      MAX_CONNECTIONS_PER_USER: "5",
    });
    expect(c.trustProxy).toEqual(["127.0.0.1", "::1", "10.0.0.0/8"]);
    expect(c.maxBodyBytes).toBe(100000);
    expect(c.maxConnectionsPerUser).toBe(5);
  });

  it("refuses a TRUST_PROXY that is not addresses or CIDR ranges", () => {
    for (const bad of ["*", "true", "proxy.local", "10.0.0.0/33", "1.2.3.4/x"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it("reads every variable, with the defaults the README lists", () => {
    const d = loadConfig({});
    expect(d).toMatchObject({
      port: 8787,
      host: "127.0.0.1",
      origins: [],
      maxFrameBytes: 1048576,
      maxDocumentBytes: 16777216,
      maxDocumentDepth: 32,
      maxMessagesPerSecond: 400,
      sessionIdleMs: 14 * 24 * 3600 * 1000,
      log: true,
      databaseUrl: null,
      redisUrl: null,
      redisPrefix: "concord:",
      smtpUrl: null,
    });
    expect(d.dataDir).toBe(path.resolve("./data"));
    expect(d.clientDir).toBe(path.resolve("./dist/client"));
    const c = loadConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      DATA_DIR: "/tmp/concord-config-test",
      ORIGIN: "https://concord.example.org, https://other.example.org",
      MAX_FRAME_BYTES: "2048",
      MAX_DOCUMENT_BYTES: "4096",
      MAX_DOCUMENT_DEPTH: "8",
      MAX_MESSAGES_PER_SECOND: "10",
      SESSION_IDLE_DAYS: "0.5",
      CLIENT_DIR: "",
      LOG: "0",
      DATABASE_URL: "postgres://u:p@db/concord",
      REDIS_URL: "rediss://cache:6380",
      REDIS_PREFIX: "c1:",
      INSTANCE_ID: "web-1",
      SMTP_URL: "smtp://mail.example.org:587",
      MAIL_FROM: "Concord <c@example.org>",
    });
    expect(c).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      dataDir: "/tmp/concord-config-test",
      origins: ["https://concord.example.org", "https://other.example.org"],
      maxFrameBytes: 2048,
      maxDocumentBytes: 4096,
      maxDocumentDepth: 8,
      maxMessagesPerSecond: 10,
      sessionIdleMs: 12 * 3600 * 1000,
      clientDir: null,
      log: false,
      databaseUrl: "postgres://u:p@db/concord",
      redisUrl: "rediss://cache:6380",
      redisPrefix: "c1:",
      instanceId: "web-1",
      smtpUrl: "smtp://mail.example.org:587",
      mailFrom: "Concord <c@example.org>",
    });
  });

  // Each bad value stops the start with a message that names the variable.
  const BAD: Array<[string, string]> = [
    ["PORT", "http"],
    ["PORT", "-1"],
    ["PORT", "65536"],
    ["PORT", "80.5"],
    ["HOST", ""],
    ["ORIGIN", "https://concord.example.org/"],
    ["ORIGIN", "concord.example.org"],
    ["ORIGIN", "https://concord.example.org/app"],
    ["DATA_DIR", ""],
    ["MAX_FRAME_BYTES", "0"],
    ["MAX_FRAME_BYTES", "1MB"],
    ["MAX_DOCUMENT_BYTES", "-5"],
    ["MAX_DOCUMENT_DEPTH", "3"],
    ["MAX_DOCUMENT_DEPTH", "257"],
    ["MAX_MESSAGES_PER_SECOND", "0"],
    ["SESSION_IDLE_DAYS", "0"],
    ["SESSION_IDLE_DAYS", "never"],
    ["LOG", "yes"],
    ["MAX_BODY_BYTES", "1023"],
    ["MAX_CONNECTIONS_PER_USER", "0"],
    ["DATABASE_URL", "mysql://db/concord"],
    ["REDIS_URL", "http://cache"],
    ["REDIS_PREFIX", ""],
    ["INSTANCE_ID", "has spaces"],
    ["SMTP_URL", "mail.example.org"],
    ["MAIL_FROM", "x"],
  ];
  for (const [name, value] of BAD) {
    it(`refuses ${name}=${JSON.stringify(value)}, naming the variable`, () => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
    });
  }

  it("lists every problem at once", () => {
    let message = "";
    try {
      loadConfig({ PORT: "x", LOG: "maybe", TRUST_PROXY: "*" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/LOG/);
    expect(message).toMatch(/TRUST_PROXY/);
  });
});
