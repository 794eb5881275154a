import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import * as awarenessProtocol from "y-protocols/awareness";
import type { RunningServer } from "../server";
import { startServer } from "../server";
import { makeConfig } from "../config";
import {
  TEST_ARGON2,
  closeCode,
  connectProvider,
  eventually,
  rawSocket,
  receivedFrames,
  signUp,
  startTestServer,
  statementWithMembers,
  synced,
  tempDataDir,
  upgradeStatus,
} from "../testing/harness";
import { appendParagraph, plainText, typeInto } from "../testing/docs";
import { canonicalMarkdownOfDoc, sha256Hex } from "../../shared/canonical";
import { CloseCode, MessageType } from "../../shared/protocol";

function updateFrame(update: Uint8Array, sub: 1 | 2 = 2): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, sub);
  encoding.writeVarUint8Array(enc, update);
  return Buffer.from(encoding.toUint8Array(enc));
}

function anUpdate(content: string): Uint8Array {
  const d = new Y.Doc();
  appendParagraph(d, content);
  return Y.encodeStateAsUpdate(d);
}

async function exportMd(client: { get: (p: string) => Promise<{ text: string; headers: Headers }> }, id: string) {
  const r = await client.get(`/api/statements/${id}/export.md`);
  return { text: r.text, hash: r.headers.get("x-content-sha256") };
}

/** Messages a raw socket receives, with their top-level type; a live view that grows as frames arrive. */
function collect(ws: import("ws").WebSocket) {
  const frames = receivedFrames(ws);
  return {
    get list() {
      return frames.map((data) => ({ type: decoding.readVarUint(decoding.createDecoder(data)), data }));
    },
    some: (p: (m: { type: number; data: Uint8Array }) => boolean) =>
      frames.some((data) => p({ type: decoding.readVarUint(decoding.createDecoder(data)), data })),
  };
}

/** Whether a frame is a sync message of the given sub-type. */
function isSync(data: Uint8Array, sub: number): boolean {
  const dec = decoding.createDecoder(data);
  if (decoding.readVarUint(dec) !== MessageType.sync) return false;
  return decoding.readVarUint(dec) === sub;
}

/**
 * Proof that the server handled everything a socket sent before: a sync step 1, which the server answers (with
 * a step 2) only after the frames before it were handled and every update applied so far was committed. Waits
 * for the `n`-th step 2 counted from frame `from` (1: this barrier's, when no other step 1 is outstanding).
 */
async function barrier(ws: import("ws").WebSocket, from = receivedFrames(ws).length, n = 1): Promise<void> {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  syncProtocol.writeSyncStep1(enc, new Y.Doc());
  ws.send(encoding.toUint8Array(enc));
  await eventually(
    () =>
      receivedFrames(ws)
        .slice(from)
        .filter((f) => isSync(f, 1)).length >= n,
    5000,
    "the barrier's sync step 2",
  );
}

/** An awareness frame of `aw`'s local state under `aw.clientID`, with exactly the given clock. */
function awarenessFrameOf(aw: awarenessProtocol.Awareness, clock: number): Buffer {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, aw.clientID);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(aw.getLocalState()));
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.awareness);
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(update));
  return Buffer.from(encoding.toUint8Array(enc));
}

/**
 * A round trip on a provider's own socket: sends `frame` and resolves once a frame `isAnswer` accepts has
 * arrived and been handled by the provider (its own handler runs before this listener). Frames the server sent
 * this socket before the answer have arrived too.
 */
async function roundTrip(
  p: { provider: { ws: unknown } },
  frame: Uint8Array,
  isAnswer: (data: Uint8Array) => boolean,
): Promise<void> {
  type Listener = (ev: { data: ArrayBuffer }) => void;
  const ws = p.provider.ws as {
    send(d: Uint8Array): void;
    addEventListener(t: string, l: Listener): void;
    removeEventListener(t: string, l: Listener): void;
  };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("the round trip was never answered")), 5000);
    const onMessage: Listener = (ev) => {
      if (!isAnswer(new Uint8Array(ev.data))) return;
      clearTimeout(t);
      ws.removeEventListener("message", onMessage);
      resolve();
    };
    ws.addEventListener("message", onMessage);
    ws.send(frame);
  });
}

/** Query-awareness: the server answers with every state it holds; the provider then sees what the server holds. */
const awarenessBarrier = (p: { provider: { ws: unknown } }) =>
  roundTrip(p, Uint8Array.from([MessageType.queryAwareness]), (d) => d[0] === MessageType.awareness);

/** A sync step 1 on a provider's socket: every update relayed to it before the answer has arrived. */
function providerBarrier(p: { provider: { ws: unknown } }): Promise<void> {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  syncProtocol.writeSyncStep1(enc, new Y.Doc());
  return roundTrip(p, encoding.toUint8Array(enc), (d) => isSync(d, 1));
}

describe("realtime sync", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("two providers converge after concurrent edits", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "Alpha clause");
    await eventually(() => plainText(b.doc) === "Alpha clause", 5000, "b sees a's clause");
    // Concurrent: both type at once into the same clause and each adds a clause.
    typeInto(a.doc, 0, 0, "[A]");
    typeInto(b.doc, 0, 5, "[B]");
    appendParagraph(a.doc, "From A");
    appendParagraph(b.doc, "From B");
    await eventually(
      () =>
        plainText(a.doc) === plainText(b.doc) &&
        plainText(a.doc).includes("From A") &&
        plainText(a.doc).includes("From B"),
      5000,
      "convergence",
    );
    expect(plainText(a.doc)).toContain("[A]");
    expect(plainText(a.doc)).toContain("[B]");
    const md = await exportMd(convener, statementId);
    expect(md.text).toBe(canonicalMarkdownOfDoc(a.doc));
    expect(canonicalMarkdownOfDoc(b.doc)).toBe(md.text);
    expect(md.hash).toBe(sha256Hex(md.text));
    a.destroy();
    b.destroy();
  });

  it("never echoes: a sender never receives its own update, while everyone else does", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const other = connectProvider(server.url, statementId, convener);
    await synced(other.provider);
    const ws = await rawSocket(server.url, statementId, members[0].cookie);
    await barrier(ws);
    const from = receivedFrames(ws).length;
    ws.send(updateFrame(anUpdate("Sent once")));
    ws.send(updateFrame(anUpdate("Sent twice")));
    await barrier(ws, from);
    await providerBarrier(other);
    expect(plainText(other.doc).split("\n").sort()).toEqual(["Sent once", "Sent twice"]);
    // Everything the sender got after its updates: the barrier's step 2 and nothing else (no sync update).
    const got = receivedFrames(ws).slice(from);
    expect(got.filter((f) => isSync(f, 2))).toEqual([]);
    expect(got.filter((f) => f[0] === MessageType.sync)).toHaveLength(1);
    ws.close();
    other.destroy();
  });

  it("stores many updates that arrive in one tick in one transaction (one append call)", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const documents = server.services.documents;
    const original = documents.append;
    const calls: Array<{ statementId: string; updates: number }> = [];
    documents.append = (id, updates, bindings) => {
      if (id === statementId) calls.push({ statementId: id, updates: updates.length });
      return original.call(documents, id, updates, bindings);
    };
    try {
      const b = connectProvider(server.url, statementId, convener);
      await synced(b.provider);
      const ws = await rawSocket(server.url, statementId, members[0].cookie);
      await barrier(ws);
      calls.length = 0;
      // Twenty updates written as one TCP segment: the server reads them in one go and handles them in one tick.
      const source = new Y.Doc();
      const frames: Buffer[] = [];
      source.on("update", (u: Uint8Array) => frames.push(updateFrame(u)));
      for (let i = 0; i < 20; i++) appendParagraph(source, `Clause ${i}`);
      const socket = (ws as unknown as { _socket: import("node:net").Socket })._socket;
      socket.cork();
      for (const f of frames) ws.send(f);
      socket.uncork();
      await barrier(ws);
      await providerBarrier(b);
      expect(plainText(b.doc)).toBe(plainText(source));
      expect(plainText(b.doc).split("\n")).toHaveLength(20);
      expect(calls).toEqual([{ statementId, updates: 20 }]);
      ws.close();
      b.destroy();
    } finally {
      documents.append = original;
    }
  });

  it("after the last client leaves, the room unloads and its update log is folded into a snapshot", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    appendParagraph(a.doc, "First");
    appendParagraph(b.doc, "Second");
    await providerBarrier(a);
    await providerBarrier(b);
    expect(server.services.rooms.isLoaded(statementId)).toBe(true);
    const logged = await server.services.documents.load(statementId);
    expect(logged.updates.length).toBeGreaterThan(0);
    const text = canonicalMarkdownOfDoc(a.doc);
    a.destroy();
    // One member still there: the room stays.
    await providerBarrier(b);
    expect(server.services.rooms.isLoaded(statementId)).toBe(true);
    b.destroy();
    await eventually(() => !server.services.rooms.isLoaded(statementId), 5000, "the room unloaded");
    const stored = await server.services.documents.load(statementId);
    expect(stored.updates).toEqual([]);
    expect(stored.snapshot).not.toBeNull();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.snapshot!);
    expect(canonicalMarkdownOfDoc(doc)).toBe(text);
    expect((await exportMd(convener, statementId)).text).toBe(text);
  });

  it("a restarted server (same data dir) serves the same canonical text and hash", async () => {
    const dataDir = tempDataDir();
    const config = makeConfig({ dataDir, port: 0, argon2: TEST_ARGON2 });
    const s1 = await startServer(config);
    const { convener, statementId } = await statementWithMembers(s1.url, []);
    const a = connectProvider(s1.url, statementId, convener);
    await synced(a.provider);
    appendParagraph(a.doc, "Clause one, about open standards.");
    appendParagraph(a.doc, "Clause two, about stewardship.");
    typeInto(a.doc, 0, 0, "First: ");
    const before = await exportMd(convener, statementId);
    expect(before.text).toContain("First: Clause one");
    a.destroy();
    await s1.close();

    const s2 = await startServer(config);
    if (convener.baseUrl !== s2.url) Object.assign(convener, { baseUrl: s2.url, origin: s2.url });
    const after = await exportMd(convener, statementId);
    expect(after.text).toBe(before.text);
    expect(after.hash).toBe(before.hash);
    // And a client joining the restarted server gets the same document.
    const b = connectProvider(s2.url, statementId, convener);
    await synced(b.provider);
    expect(canonicalMarkdownOfDoc(b.doc)).toBe(before.text);
    // A client that already holds the text rejoins and gets only what it misses; edits apply to the stored text.
    const c = connectProvider(s2.url, statementId, convener);
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(b.doc));
    await synced(c.provider);
    appendParagraph(b.doc, "Clause three, after the restart.");
    await eventually(() => plainText(c.doc).endsWith("Clause three, after the restart."), 5000, "edit after restart");
    expect((await exportMd(convener, statementId)).text).toBe(before.text + "\nClause three, after the restart.\n");
    b.destroy();
    c.destroy();
    await s2.close();
  });

  for (const role of ["reviewer", "observer"] as const) {
    it(`a ${role}'s raw update and sync-step-2 frames change nothing and are answered with permission denied`, async () => {
      const { convener, statementId, members } = await statementWithMembers(server.url, [role, "drafter"]);
      const drafter = connectProvider(server.url, statementId, members[1]);
      await synced(drafter.provider);
      appendParagraph(drafter.doc, "Agreed text");
      const before = await exportMd(convener, statementId);
      expect(before.text).toBe("Agreed text\n");

      const ws = await rawSocket(server.url, statementId, members[0].cookie);
      const got = collect(ws);
      ws.send(updateFrame(anUpdate("Injected by update"), 2));
      ws.send(updateFrame(anUpdate("Injected by step 2"), 1));
      await eventually(
        () => got.list.filter((m) => m.type === MessageType.auth).length >= 2,
        3000,
        "permission denied replies",
      );
      const denied = got.list.find((m) => m.type === MessageType.auth)!;
      const dec = decoding.createDecoder(denied.data);
      decoding.readVarUint(dec);
      expect(decoding.readVarUint(dec)).toBe(0); // y-protocols auth: permission denied
      expect(decoding.readVarString(dec)).toMatch(/read-only/);

      // The socket stays open (reading is allowed) and nothing reached the store or the drafter: the barrier
      // proves both frames were handled and everything accepted was committed, and the drafter's own round trip
      // that every relay sent before it has arrived.
      await barrier(ws);
      expect(ws.readyState).toBe(ws.OPEN);
      expect((await exportMd(convener, statementId)).text).toBe(before.text);
      await providerBarrier(drafter);
      expect(plainText(drafter.doc)).toBe("Agreed text");
      ws.close();
      drafter.destroy();
    });
  }

  it("refuses a foreign Origin (403), a missing cookie (401) and a non-member (403)", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const stranger = await signUp(server.url, "Stranger");
    expect(await upgradeStatus(server.url, statementId, convener.cookie, "http://evil.example")).toBe(403);
    expect(await upgradeStatus(server.url, statementId, convener.cookie, null)).toBe(403);
    expect(await upgradeStatus(server.url, statementId, "", server.url)).toBe(401);
    expect(await upgradeStatus(server.url, statementId, "concord_session=forged.token", server.url)).toBe(401);
    expect(await upgradeStatus(server.url, statementId, stranger.cookie, server.url)).toBe(403);
    expect(await upgradeStatus(server.url, statementId, convener.cookie, server.url)).toBe(101);
  });

  it("malformed, truncated and oversized frames close only their own socket", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);

    const cases: Array<[string, Buffer | string, number]> = [
      ["unknown message type", Buffer.from([0x7f, 1, 2, 3]), CloseCode.malformedFrame],
      ["truncated sync frame", Buffer.from([0, 2, 50, 1, 2]), CloseCode.malformedFrame],
      ["garbage update", updateFrame(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9])), CloseCode.updateRefused],
      ["garbage awareness", Buffer.from([1, 3, 1, 1, 1]), CloseCode.malformedFrame],
      ["empty frame", Buffer.alloc(0), CloseCode.malformedFrame],
      ["text frame", "hello", CloseCode.malformedFrame],
      ["oversized frame", Buffer.alloc(1024 * 1024 + 10, 0), CloseCode.frameTooLarge],
    ];
    for (const [name, frame, expected] of cases) {
      const ws = await rawSocket(server.url, statementId, members[0].cookie);
      const closed = closeCode(ws);
      ws.send(frame);
      expect(await closed, name).toBe(expected);
    }
    // The others keep editing.
    appendParagraph(a.doc, "Still editing");
    await eventually(() => plainText(b.doc) === "Still editing", 5000, "edit after bad frames");
    appendParagraph(b.doc, "And back");
    await eventually(() => plainText(a.doc) === "Still editing\nAnd back", 5000, "edit back");
    a.destroy();
    b.destroy();
  });

  it("awareness carrying someone else's identity reaches others stamped with the sender's own; another member's client id cannot be taken", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter", "reviewer"]);
    const watcher = connectProvider(server.url, statementId, convener);
    await synced(watcher.provider);

    const ws = await rawSocket(server.url, statementId, members[0].cookie);
    const fake = new awarenessProtocol.Awareness(new Y.Doc());
    fake.setLocalState({
      user: { id: convener.userId, name: "Convener (impersonated)", color: "#000000" },
      cursor: null,
    });
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.awareness);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(fake, [fake.clientID]));
    ws.send(Buffer.from(encoding.toUint8Array(enc)));

    await eventually(() => watcher.provider.awareness.getStates().has(fake.clientID), 3000, "awareness relayed");
    const state = watcher.provider.awareness.getStates().get(fake.clientID) as { user: { id: string; name: string } };
    expect(state.user.id).toBe(members[0].userId);
    expect(state.user.name).toBe("drafter");

    // Nor may it speak for another member's client id, even with a state every receiver would take: a clock
    // well ahead of the victim's own. What matters is what a third member sees afterwards.
    watcher.provider.awareness.setLocalStateField("cursor", "the victim's own");
    const third = connectProvider(server.url, statementId, members[1]);
    await synced(third.provider);
    const victimId = watcher.doc.clientID;
    const victimState = () =>
      third.provider.awareness.getStates().get(victimId) as { user?: { id?: string }; cursor?: string } | undefined;
    await eventually(() => victimState()?.cursor === "the victim's own", 3000, "the third member sees the victim");
    const victimClock = watcher.provider.awareness.meta.get(victimId)!.clock;
    const hijack = new awarenessProtocol.Awareness(new Y.Doc());
    hijack.clientID = victimId;
    hijack.setLocalState({ user: { id: convener.userId, name: "Convener" }, cursor: "forged" });
    // Everything the third member's awareness ever holds for the victim's id from now on (a victim that sees
    // its own id overwritten re-announces itself, so a forged state would show only for a moment).
    const seenByThird: unknown[] = [];
    third.provider.awareness.on("change", () => seenByThird.push(victimState()));
    const from = receivedFrames(ws).length;
    ws.send(awarenessFrameOf(hijack, victimClock + 10));
    // The server handled the forged frame (the barrier), and the third member has every relay sent before its
    // own query was answered, and the server's whole view of awareness.
    await barrier(ws, from);
    await awarenessBarrier(third);
    expect(seenByThird.filter((st) => (st as { cursor?: string } | undefined)?.cursor === "forged")).toEqual([]);
    expect(victimState()).toMatchObject({ user: { id: convener.userId }, cursor: "the victim's own" });
    expect(third.provider.awareness.meta.get(victimId)!.clock).toBe(victimClock);
    // And the victim's own next change still goes through.
    watcher.provider.awareness.setLocalStateField("cursor", "moved");
    await eventually(() => victimState()?.cursor === "moved", 3000, "the victim's next state");
    ws.close();
    watcher.destroy();
    third.destroy();
    fake.destroy();
    hijack.destroy();
  });

  it("the same user may take over an awareness client id (a reconnect before the old socket is noticed dead)", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const watcher = connectProvider(server.url, statementId, convener);
    await synced(watcher.provider);
    const send = (ws: import("ws").WebSocket, aw: awarenessProtocol.Awareness) => {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MessageType.awareness);
      encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(aw, [aw.clientID]));
      ws.send(Buffer.from(encoding.toUint8Array(enc)));
    };
    const aw = new awarenessProtocol.Awareness(new Y.Doc());
    aw.setLocalState({ cursor: "old socket" });
    const old = await rawSocket(server.url, statementId, convener.cookie);
    send(old, aw);
    await eventually(
      () =>
        (watcher.provider.awareness.getStates().get(aw.clientID) as { cursor?: string } | undefined)?.cursor ===
        "old socket",
      3000,
      "old state",
    );
    // The "reconnected" socket of the same user speaks for the same client id while the old one still lingers.
    aw.setLocalState({ cursor: "new socket" });
    const fresh = await rawSocket(server.url, statementId, convener.cookie);
    send(fresh, aw);
    await eventually(
      () =>
        (watcher.provider.awareness.getStates().get(aw.clientID) as { cursor?: string } | undefined)?.cursor ===
        "new socket",
      3000,
      "taken over",
    );
    // When the old socket finally closes, the state the new one owns stays.
    // The server noticed the close (its own count of connections), and the watcher has whatever the server
    // relayed about it, and the server's whole view, before the check.
    const count = () => [...server.services.realtime.connections()].length;
    const open = count();
    old.close();
    await eventually(() => count() === open - 1, 3000, "the server dropped the old socket");
    await awarenessBarrier(watcher);
    expect((watcher.provider.awareness.getStates().get(aw.clientID) as { cursor?: string } | undefined)?.cursor).toBe(
      "new socket",
    );
    fresh.close();
    watcher.destroy();
    aw.destroy();
  });

  it("a demoted member's open socket loses its rights at once; a removed one is closed", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter", "drafter"]);
    const [d1, d2] = members;
    const c = connectProvider(server.url, statementId, convener);
    const ws = await rawSocket(server.url, statementId, d1.cookie);
    const got = collect(ws);
    await synced(c.provider);
    await eventually(() => got.some((m) => m.type === MessageType.sync), 3000, "handshake");
    ws.send(updateFrame(anUpdate("Before demotion")));
    await eventually(() => plainText(c.doc) === "Before demotion", 3000, "drafter edit applied");

    // "At once": the first frame sent after the server acknowledged the demotion (its 200) is refused. No wait
    // in between; the barrier then proves the frame was handled before anything is checked.
    expect(
      (await convener.patch(`/api/statements/${statementId}/members`, { userId: d1.userId, role: "reviewer" })).status,
    ).toBe(200);
    const from = receivedFrames(ws).length;
    ws.send(updateFrame(anUpdate("After demotion")));
    await barrier(ws, from);
    const answers = receivedFrames(ws).slice(from);
    expect(
      answers.some((f) => f[0] === MessageType.auth),
      "permission denied before the barrier's answer",
    ).toBe(true);
    expect(ws.readyState).toBe(ws.OPEN);
    expect((await exportMd(convener, statementId)).text).toBe("Before demotion\n");
    await providerBarrier(c);
    expect(plainText(c.doc)).toBe("Before demotion");

    const ws2 = await rawSocket(server.url, statementId, d2.cookie);
    const closed = closeCode(ws2, 1000);
    expect((await convener.delete(`/api/statements/${statementId}/members/${d2.userId}`)).status).toBe(200);
    expect(await closed).toBe(CloseCode.forbidden);
    ws.close();
    c.destroy();
  });

  it("pushes app events (membership changes) to connected members", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["reviewer"]);
    const ws = await rawSocket(server.url, statementId, members[0].cookie);
    const got = collect(ws);
    const other = await signUp(server.url, "Newcomer");
    await convener.post(`/api/statements/${statementId}/members`, { email: other.email, role: "observer" });
    await eventually(() => got.some((m) => m.type === MessageType.appEvent), 1000, "app event");
    const ev = got.list.find((m) => m.type === MessageType.appEvent)!;
    const dec = decoding.createDecoder(ev.data);
    decoding.readVarUint(dec);
    expect(JSON.parse(decoding.readVarString(dec))).toEqual({ type: "members.changed", statementId });
    ws.close();
  });

  it("refuses updates that would grow a document past its limit", async () => {
    const small = await startTestServer({ maxDocumentBytes: 4000 });
    const { convener, statementId } = await statementWithMembers(small.url, []);
    const ws = await rawSocket(small.url, statementId, convener.cookie);
    const closed = closeCode(ws);
    ws.send(updateFrame(anUpdate("x".repeat(5000))));
    expect(await closed).toBe(CloseCode.documentTooLarge);
    expect((await exportMd(convener, statementId)).text).toBe("");
    await small.close();
  });

  it("closes a connection that floods messages", async () => {
    const limited = await startTestServer({ maxMessagesPerSecond: 20 });
    const { convener, statementId } = await statementWithMembers(limited.url, []);
    const ws = await rawSocket(limited.url, statementId, convener.cookie);
    const closed = closeCode(ws);
    const query = Buffer.from([MessageType.queryAwareness]);
    for (let i = 0; i < 200 && ws.readyState === ws.OPEN; i++) ws.send(query);
    expect(await closed).toBe(CloseCode.rateLimited);
    await limited.close();
  });

  it("relays updates of every frame-length class intact (short, 16-bit and 64-bit lengths)", async () => {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter"]);
    const a = connectProvider(server.url, statementId, convener);
    const b = connectProvider(server.url, statementId, members[0]);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    const sizes = [10, 500, 70_000];
    for (const n of sizes) appendParagraph(a.doc, "x".repeat(n - 1) + "!");
    await eventually(() => plainText(b.doc) === plainText(a.doc), 5000, "large updates relayed");
    expect(
      plainText(b.doc)
        .split("\n")
        .map((l) => l.length),
    ).toEqual(sizes);
    a.destroy();
    b.destroy();
  });

  it("syncProtocol sanity: a y-websocket step 1 gets a step 2 with the whole document", async () => {
    const { convener, statementId } = await statementWithMembers(server.url, []);
    const a = connectProvider(server.url, statementId, convener);
    await synced(a.provider);
    appendParagraph(a.doc, "Known text");
    // Answered only after the server committed what a sent before it.
    await providerBarrier(a);
    const ws = await rawSocket(server.url, statementId, convener.cookie);
    const got = collect(ws);
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.sync);
    syncProtocol.writeSyncStep1(enc, new Y.Doc());
    ws.send(Buffer.from(encoding.toUint8Array(enc)));
    await eventually(() => got.list.filter((m) => m.type === MessageType.sync).length >= 2, 3000, "step 2");
    const fresh = new Y.Doc();
    for (const m of got.list.filter((x) => x.type === MessageType.sync)) {
      const dec = decoding.createDecoder(m.data);
      decoding.readVarUint(dec);
      syncProtocol.readSyncMessage(dec, encoding.createEncoder(), fresh, null);
    }
    expect(plainText(fresh)).toBe("Known text");
    ws.close();
    a.destroy();
  });
});
