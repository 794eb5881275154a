/**
 * Issue 18's attack classes against a real server: a drafter with a crafted client sends each one over an
 * authenticated socket. For every class: the sender is refused (permission-denied, then close 4422), nothing
 * is applied, stored or relayed, honest clients keep converging, and export and sign-off still answer 200.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { WebSocket } from "ws";
import type { RunningServer } from "../server";
import { startServer } from "../server";
import { makeConfig } from "../config";
import {
  TEST_ARGON2,
  tempDataDir,
  closeCode,
  connectProvider,
  eventually,
  rawSocket,
  receivedFrames,
  startTestServer,
  statementWithMembers,
  synced,
} from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";
import {
  awarenessUpdate,
  deepJson,
  deleteRange,
  foreignClient,
  futureClocks,
  nestingBomb,
  partlyBroken,
  schemaViolations,
} from "../testing/hostile";
import { docFromStored } from "../storage/documents";
import { CloseCode, MessageType, PermissionDeniedReason } from "../../shared/protocol";

function syncUpdateFrame(update: Uint8Array): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, 2);
  encoding.writeVarUint8Array(enc, update);
  return Buffer.from(encoding.toUint8Array(enc));
}

function awarenessFrame(update: Uint8Array): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.awareness);
  encoding.writeVarUint8Array(enc, update);
  return Buffer.from(encoding.toUint8Array(enc));
}

/** The permission-denied reasons a raw socket received. */
function deniedReasons(ws: WebSocket): string[] {
  const out: string[] = [];
  for (const f of receivedFrames(ws)) {
    const dec = decoding.createDecoder(f);
    if (decoding.readVarUint(dec) !== MessageType.auth) continue;
    if (decoding.readVarUint(dec) !== 0) continue;
    out.push(decoding.readVarString(dec));
  }
  return out;
}

const HOSTILE_MARKERS =
  /PARTLY-BROKEN|FUTURE|FORGED|BOMB|LOOSE TEXT|ATTR|BIGID|MARKED|MAPPED|EMBED|blockquote|script|onclick|listItem/;

describe("hostile updates from an authenticated drafter", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ maxDocumentBytes: 2 * 1024 * 1024 });
  });
  afterAll(async () => {
    await server.close();
  });

  /** A statement with an honest convener and watcher and an attacking drafter; one honest clause in it. */
  async function scene() {
    const { convener, statementId, members } = await statementWithMembers(server.url, ["drafter", "observer"]);
    const [attacker, observer] = members;
    const honest = connectProvider(server.url, statementId, convener);
    const watcher = connectProvider(server.url, statementId, observer);
    await Promise.all([synced(honest.provider), synced(watcher.provider)]);
    appendParagraph(honest.doc, "Alpha clause");
    await eventually(() => plainText(watcher.doc) === "Alpha clause", 5000, "first clause");
    let round = 0;
    return {
      convener,
      statementId,
      attacker,
      honest,
      watcher,
      /** The watcher's whole document (elements, attributes, text, other root types) has nothing hostile. */
      expectNothingHostileReceived() {
        expect([...watcher.doc.share.keys()]).toEqual(["default"]);
        expect(watcher.doc.getXmlFragment("default").toString()).not.toMatch(HOSTILE_MARKERS);
        expect(watcher.doc.store.pendingStructs).toBeNull();
      },
      /** Sends one frame from a fresh attacker socket and returns its close code and refusal reasons. */
      async attack(frame: Buffer): Promise<{ code: number; reasons: string[] }> {
        const ws = await rawSocket(server.url, statementId, attacker.cookie);
        const closed = closeCode(ws);
        ws.send(frame);
        const code = await closed;
        return { code, reasons: deniedReasons(ws) };
      },
      /**
       * The barrier after an attack: an honest edit made after it reaches the watcher, so the server has
       * processed the attack frame (one socket's frames are handled in order, and the room relays in order).
       * Then the text everyone has — watcher, honest writer, storage — is exactly the honest text.
       */
      async expectOnlyHonestText(expected: string[]): Promise<void> {
        round++;
        appendParagraph(honest.doc, `Honest ${round}`);
        const want = [...expected, `Honest ${round}`].join("\n");
        expected.push(`Honest ${round}`);
        await eventually(() => plainText(watcher.doc) === want, 5000, "the honest edit after the attack");
        expect(plainText(honest.doc)).toBe(want);
        const live = await server.services.rooms.withDocument(statementId, (d) => plainText(d));
        expect(live).toBe(want);
        const stored = docFromStored(await server.services.documents.load(statementId));
        expect(plainText(stored)).toBe(want);
        stored.destroy();
        expect(Y.encodeStateVector(watcher.doc)).toEqual(Y.encodeStateVector(honest.doc));
        const exported = await convener.get(`/api/statements/${statementId}/export.md`);
        expect(exported.status).toBe(200);
        const signoffs = await convener.get(`/api/statements/${statementId}/signoffs`);
        expect(signoffs.status).toBe(200);
      },
      close() {
        honest.destroy();
        watcher.destroy();
      },
    };
  }

  it("refuses a partly-broken update, future clocks, a foreign client id and deletes of unknown ranges", async () => {
    const s = await scene();
    const text = ["Alpha clause"];
    const victim = s.honest.doc.clientID;
    // Built right before sending, from the state the attacker has synced by then.
    const cases: Array<[string, (base: Y.Doc) => Uint8Array]> = [
      ["partly broken", (base) => partlyBroken(base)],
      ["future clocks", (base) => futureClocks(base)],
      ["foreign client id", (base) => foreignClient(base, victim)],
      ["delete of an unknown range", (base) => deleteRange(victim, Y.getState(base.store, victim) + 100, 50)],
      ["delete of someone's future edits", (base) => deleteRange(victim, Y.getState(base.store, victim), 1000)],
    ];
    for (const [name, make] of cases) {
      const { code, reasons } = await s.attack(syncUpdateFrame(make(s.honest.doc)));
      expect(code, name).toBe(CloseCode.updateRefused);
      expect(reasons.length, name).toBe(1);
      expect(reasons[0], name).toContain(PermissionDeniedReason.invalidUpdate);
      await s.expectOnlyHonestText(text);
    }
    // The victim keeps writing under its own id, and everyone still agrees.
    appendParagraph(s.honest.doc, "Victim continues");
    await eventually(() => plainText(s.watcher.doc).endsWith("Victim continues"), 5000, "victim's edit");
    s.expectNothingHostileReceived();
    s.close();
  });

  it("refuses a nesting bomb and every schema violation; export and sign-off keep answering", async () => {
    const s = await scene();
    const text = ["Alpha clause"];
    const cases: Array<[string, (base: Y.Doc) => Uint8Array]> = [
      ["nesting bomb", (base) => nestingBomb(base, 4000)],
      ...Object.entries(schemaViolations),
    ];
    for (const [name, make] of cases) {
      const { code } = await s.attack(syncUpdateFrame(make(s.honest.doc)));
      expect(code, name).toBe(CloseCode.updateRefused);
      await s.expectOnlyHonestText(text);
    }
    const md = await s.convener.get(`/api/statements/${s.statementId}/export.md`);
    expect(md.text).not.toMatch(HOSTILE_MARKERS);
    s.expectNothingHostileReceived();
    s.close();
  });

  it("keeps the size limit: 30 updates of 900 KB with missing clocks are all refused and nothing is kept", async () => {
    const s = await scene();
    const text = ["Alpha clause"];
    for (let i = 0; i < 30; i++) {
      const update = futureClocks(s.honest.doc, `FUTURE${"z".repeat(900 * 1024)}`);
      expect(update.byteLength).toBeGreaterThan(900 * 1024);
      const { code } = await s.attack(syncUpdateFrame(update));
      expect(code).toBe(CloseCode.updateRefused);
    }
    await s.expectOnlyHonestText(text);
    const stored = await server.services.documents.load(s.statementId);
    expect(stored.bytes).toBeLessThan(64 * 1024);
    s.close();
  });

  it("refuses awareness states that are oversized or nested too deep, and relays neither", async () => {
    const s = await scene();
    const seen: unknown[] = [];
    s.watcher.provider.awareness.on("change", () => {
      for (const [, state] of s.watcher.provider.awareness.getStates()) seen.push(state);
    });
    const deep = await s.attack(awarenessFrame(awarenessUpdate(999_001, 5, deepJson(100_000))));
    expect(deep.code).toBe(CloseCode.malformedFrame);
    const big = await s.attack(
      awarenessFrame(awarenessUpdate(999_002, 5, JSON.stringify({ user: { name: "x" }, blob: "y".repeat(200_000) }))),
    );
    expect(big.code).toBe(CloseCode.malformedFrame);
    // Barrier: an honest awareness change made afterwards reaches the watcher.
    s.honest.provider.awareness.setLocalStateField("cursor", { marker: "after" });
    await eventually(
      () =>
        [...s.watcher.provider.awareness.getStates().values()].some(
          (st) => (st as { cursor?: { marker?: string } }).cursor?.marker === "after",
        ),
      5000,
      "honest awareness after the attack",
    );
    expect(s.watcher.provider.awareness.getStates().has(999_001)).toBe(false);
    expect(s.watcher.provider.awareness.getStates().has(999_002)).toBe(false);
    expect(JSON.stringify(seen)).not.toContain("yyyy");
    s.close();
  });

  it("an id announced in awareness cannot be taken over before its owner writes, and bindings survive a restart", async () => {
    const dataDir = tempDataDir();
    const config = makeConfig({ dataDir, port: 0, argon2: TEST_ARGON2 });
    const s1 = await startServer(config);
    const { convener, statementId, members } = await statementWithMembers(s1.url, ["drafter", "drafter"]);
    const [attacker, quiet] = members;
    const writer = connectProvider(s1.url, statementId, convener);
    const silent = connectProvider(s1.url, statementId, quiet);
    await Promise.all([synced(writer.provider), synced(silent.provider)]);
    appendParagraph(writer.doc, "Alpha clause");
    // The silent drafter has written nothing; its client id is known to everyone through its caret only.
    silent.provider.awareness.setLocalStateField("cursor", null);
    const silentId = silent.doc.clientID;
    await eventually(() => writer.provider.awareness.getStates().has(silentId), 5000, "the silent drafter's presence");
    await eventually(() => plainText(silent.doc) === "Alpha clause", 5000, "first clause");

    const squat = async (url: string, victim: number, base: Y.Doc) => {
      const ws = await rawSocket(url, statementId, attacker.cookie);
      const closed = closeCode(ws);
      ws.send(syncUpdateFrame(foreignClient(base, victim, "SQUATTED")));
      return closed;
    };
    expect(await squat(s1.url, silentId, silent.doc)).toBe(CloseCode.updateRefused);
    // The owner then writes under its id as usual, and it reaches the others.
    appendParagraph(silent.doc, "Silent speaks");
    await eventually(() => plainText(writer.doc) === "Alpha clause\nSilent speaks", 5000, "the owner's own edit");
    const writerId = writer.doc.clientID;
    writer.destroy();
    silent.destroy();
    await s1.close();

    // After a restart the bindings come back from storage: still nobody else may write under them.
    const s2 = await startServer(config);
    Object.assign(attacker, { baseUrl: s2.url, origin: s2.url });
    Object.assign(convener, { baseUrl: s2.url, origin: s2.url });
    const reader = connectProvider(s2.url, statementId, convener);
    await synced(reader.provider);
    for (const victim of [writerId, silentId])
      expect(await squat(s2.url, victim, reader.doc)).toBe(CloseCode.updateRefused);
    const stored = docFromStored(await s2.services.documents.load(statementId));
    expect(plainText(stored)).toBe("Alpha clause\nSilent speaks");
    stored.destroy();
    reader.destroy();
    await s2.close();
  });
});
