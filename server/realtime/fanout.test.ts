/**
 * The fan-out contract, on Redis (when reachable): messages reach other instances and never their sender,
 * every kind survives encoding, a dropped connection is reported as recovered (so rooms catch up), and login
 * throttles are shared through it.
 */
import { afterEach, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { Redis } from "ioredis";
import { REDIS_TEST_URL, redisForTests } from "./test-targets";
import { connectRedisFanout } from "./redis";
import { decodeMessage, encodeMessage, throttleSyncOver } from "./fanout";
import type { Delivery, Fanout, FanoutMessage } from "./fanout";
import { Throttles, beginAttempt, isRefusal } from "../auth/throttle";
import { THROTTLE_DEFAULTS } from "../config";
import { eventually } from "../testing/harness";

const redisUp = (await redisForTests("Redis fan-out tests")) !== null;

describe("fan-out message encoding", () => {
  it("round-trips every kind with its sender, and ignores bytes that are not a message", () => {
    const messages: FanoutMessage[] = [
      { kind: "updates", first: 41, updates: [new Uint8Array([1, 2, 3]), new Uint8Array([4])] },
      { kind: "awareness", payload: new Uint8Array([9, 9]) },
      { kind: "awareness.query" },
      { kind: "event", event: { kind: "member.changed", statementId: "s", userId: "u" } },
      { kind: "throttle", change: { op: "book", throttle: "account", key: "a@example.org", at: 5 } },
    ];
    for (const m of messages) expect(decodeMessage(encodeMessage("inst-1", m))).toEqual({ from: "inst-1", message: m });
    expect(decodeMessage(new Uint8Array([99, 1, 65]))).toBeNull();
    expect(decodeMessage(new Uint8Array([]))).toBeNull();
  });
});

describe.skipIf(!redisUp)("Redis fan-out", () => {
  const open: Fanout[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });

  async function pair() {
    const prefix = `concord-test-${crypto.randomBytes(4).toString("hex")}:`;
    const log = () => {};
    const one = await connectRedisFanout({ url: REDIS_TEST_URL, prefix, instanceId: "one", log });
    const two = await connectRedisFanout({ url: REDIS_TEST_URL, prefix, instanceId: "two", log });
    open.push(one, two);
    return { one, two };
  }

  it("delivers a statement's messages to subscribed instances only, never back to the sender", async () => {
    const { one, two } = await pair();
    const got: { one: Delivery[]; two: Delivery[] } = { one: [], two: [] };
    one.onMessage((d) => got.one.push(d));
    two.onMessage((d) => got.two.push(d));
    await Promise.all([one.subscribe("s1"), two.subscribe("s1")]);
    one.publish("s1", { kind: "updates", first: 1, updates: [new Uint8Array([7])] });
    one.publish("s2", { kind: "awareness.query" }); // nobody holds s2
    one.publish(null, { kind: "event", event: { kind: "sessions.revoked", sessionIds: ["x"] } });
    await eventually(() => got.two.length === 2, 3000, "two messages at two");
    await new Promise((r) => setTimeout(r, 100));
    expect(got.one).toEqual([]);
    expect(got.two).toEqual([
      { statementId: "s1", from: "one", message: { kind: "updates", first: 1, updates: [new Uint8Array([7])] } },
      {
        statementId: null,
        from: "one",
        message: { kind: "event", event: { kind: "sessions.revoked", sessionIds: ["x"] } },
      },
    ]);
    await two.unsubscribe("s1");
    one.publish("s1", { kind: "awareness.query" });
    await new Promise((r) => setTimeout(r, 150));
    expect(got.two).toHaveLength(2);
    await expect(one.ping()).resolves.toBeUndefined();
  });

  it("reports a dropped connection once it is restored, with its subscriptions", async () => {
    const { one, two } = await pair();
    let recovered = 0;
    two.onRecovered(() => recovered++);
    const got: Delivery[] = [];
    two.onMessage((d) => got.push(d));
    await two.subscribe("s1");
    const admin = new Redis(REDIS_TEST_URL);
    const list = (await admin.call("CLIENT", "LIST")) as string;
    for (const line of list.split("\n")) {
      if (/name=concord-two-sub\b/.test(line)) await admin.call("CLIENT", "KILL", "ID", /id=(\d+)/.exec(line)![1]);
    }
    admin.disconnect();
    await eventually(() => recovered === 1, 5000, "recovery reported");
    one.publish("s1", { kind: "awareness.query" });
    await eventually(() => got.length === 1, 3000, "a message after the recovery");
  });

  it("shares login throttles: failures booked on one instance slow the same account on the other", async () => {
    const { one, two } = await pair();
    const t1 = new Throttles(THROTTLE_DEFAULTS, throttleSyncOver(one));
    const t2 = new Throttles(THROTTLE_DEFAULTS, throttleSyncOver(two));
    for (let i = 0; i < THROTTLE_DEFAULTS.accountFreeFailures; i++) {
      const attempt = beginAttempt([[t1.account, "victim@example.org"]]);
      expect(isRefusal(attempt)).toBe(false);
    }
    await eventually(
      () => t2.account.waitMs("victim@example.org") > 0,
      3000,
      "the failures to reach the other instance",
    );
    expect(isRefusal(beginAttempt([[t2.account, "victim@example.org"]]))).toBe(true);
    // A correct login on one clears it everywhere.
    t1.account.clear("victim@example.org");
    await eventually(
      () => t2.account.waitMs("victim@example.org") === 0,
      3000,
      "the clear to reach the other instance",
    );
  });
});
