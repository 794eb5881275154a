/**
 * A room is one loaded statement document and its connections.
 *
 * Durability: an accepted update is applied to the room's Y.Doc at once (that validates it), but nobody sees
 * it before the batch that carries it is committed to the update log: relays go out after the commit, and a
 * sync-step-2 reply computed while a batch is uncommitted waits for that commit. So every edit any
 * collaborator has seen is on disk, and survives a kill -9.
 *
 * Integrity: an update is decoded and checked completely (`validate-update.ts`: well-formed, contiguous, written
 * under client ids of its sender only, schema-shaped, bounded depth) before it touches the document; a refused
 * one is not applied, stored or relayed, and its sender is told why and disconnected. If applying, storing or
 * relaying still throws, the room is failed as a whole: it stops taking writes, its clients reconnect, and the
 * document is loaded again from storage, so a room never goes on quietly with a document nobody stored.
 *
 * Cost: updates arriving in one tick share one transaction, and each connection gets one frame with the
 * merged updates it did not send itself (never an echo to the sender).
 */
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { CloseCode, MessageType, PermissionDeniedReason, SyncMessageType } from "../../shared/protocol";
import type { Phase } from "../../shared/roles";
import type { ClientBinding, DocumentStore } from "../storage/documents";
import { docFromStored } from "../storage/documents";
import { Frame } from "./connection";
import type { Connection } from "./connection";
import { decodeAwareness, encodeAwareness, MalformedAwareness, stampIdentity } from "./awareness";
import type { AwarenessEntry } from "./awareness";
import {
  awarenessFrame,
  permissionDeniedFrame,
  syncStep1Frame,
  syncStep1FromStateVector,
  syncStep2Frame,
  updateFrame,
} from "./messages";
import { validateUpdate, UpdateRefusal } from "./validate-update";

/** Options a room needs from the server's config. */
export interface RoomOptions {
  maxDocumentBytes: number;
  /** Deepest nesting of elements a document may reach (shared/schema.ts DEFAULT_MAX_DOCUMENT_DEPTH). */
  maxDocumentDepth: number;
  compactAfterUpdates: number;
  log: (msg: string, err?: unknown) => void;
}

/** Raised for a frame that cannot be parsed; closes only its own connection. */
export class MalformedFrame extends Error {}

/** Y.encodeStateAsUpdate of an empty document. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);
const EMPTY_UPDATE_BYTES = EMPTY_UPDATE.byteLength;
const MAX_AWARENESS_IDS_PER_CONNECTION = 4;
const MIN_COMPACTION_INTERVAL_MS = 5000;
/** Batches up to this many updates are merged into one; larger ones go out as back-to-back frames. */
const MERGE_LIMIT = 16;

export class Room {
  readonly conns = new Set<Connection>();
  private readonly awareness = new Map<number, AwarenessEntry & { conn: Connection }>();
  private uncommitted: Array<{ update: Uint8Array; origin: Connection | null }> = [];
  /** Client ids bound by accepted updates that are not committed yet; stored with the next batch. */
  private unboundClients: ClientBinding[] = [];
  /** Yjs client id → the user it is bound to (durable: `doc_clients`). */
  private readonly owners: Map<number, string>;
  /** Updates committed so far and relayed so far, counted to assert that nothing is relayed unstored. */
  private stored = 0;
  private relayed = 0;
  private flushing = false;
  private flushScheduled = false;
  private waiters: Array<() => void> = [];
  /** The sync-step-2 frame of the whole document, valid until the next change. */
  private fullStateFrame: Frame | null = null;
  /**
   * The document is kept as its stored bytes until someone writes (or the server reads it): an idle room
   * answers joins straight from the snapshot, so it costs its bytes and no Y.Doc, and a cold join from
   * storage needs no decoding. `stored` holds those bytes and their state vector while `live` is null.
   */
  private live: Y.Doc | null = null;
  private idle: { update: Uint8Array; stateVector: Uint8Array } | null;
  private updatesSinceSnapshot: number;
  /** Size of the stored snapshot; the log is `bytes - snapshotBytes`. */
  private snapshotBytes: number;
  private lastCompactionAt = 0;
  private compacting = false;
  destroyed = false;

  private constructor(
    readonly id: string,
    initial: { doc: Y.Doc } | { update: Uint8Array; stateVector: Uint8Array },
    public phase: Phase,
    private bytes: number,
    private lastUpdateId: number,
    updatesInLog: number,
    private readonly store: DocumentStore,
    private readonly options: RoomOptions,
    private readonly onFatal: (room: Room) => void,
    clients: readonly ClientBinding[],
  ) {
    this.owners = new Map(clients.map((c) => [c.clientId, c.userId]));
    this.updatesSinceSnapshot = updatesInLog;
    this.snapshotBytes = "doc" in initial ? 0 : initial.update.byteLength;
    if ("doc" in initial) {
      this.idle = null;
      this.attach(initial.doc);
    } else {
      this.idle = initial;
      this.fullStateFrame = Frame.of(syncStep2Frame(initial.update));
    }
  }

  /** Loads a room from storage. */
  static async load(
    id: string,
    phase: Phase,
    store: DocumentStore,
    options: RoomOptions,
    onFatal: (room: Room) => void,
  ): Promise<Room> {
    const [stored, clients] = await Promise.all([store.load(id), store.clients(id)]);
    const args = [phase, stored.bytes, stored.lastUpdateId, stored.updates.length, store, options, onFatal, clients] as const;
    if (stored.updates.length === 0) {
      const update = stored.snapshot ?? EMPTY_UPDATE;
      const stateVector = stored.stateVector ?? Y.encodeStateVectorFromUpdate(update);
      return new Room(id, { update, stateVector }, ...args);
    }
    const room = new Room(id, { doc: docFromStored(stored) }, ...args);
    // A log left by a crash is folded soon, so that the next load and every cold join start from one snapshot.
    room.scheduleCompaction(2000);
    return room;
  }

  /** The live document, decoded from the stored bytes on first use. */
  get doc(): Y.Doc {
    if (!this.live) {
      const doc = new Y.Doc({ gc: true });
      if (this.idle) Y.applyUpdate(doc, this.idle.update);
      this.idle = null;
      this.attach(doc);
    }
    return this.live!;
  }

  private attach(doc: Y.Doc): void {
    this.live = doc;
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      this.fullStateFrame = null;
      this.bytes += update.byteLength;
      this.uncommitted.push({ update, origin: (origin as Connection | null) ?? null });
      this.scheduleFlush();
    });
  }

  /** Adds a connection and starts the sync handshake (server step 1, then everyone's awareness). */
  join(conn: Connection): void {
    this.conns.add(conn);
    conn.send(this.live ? syncStep1Frame(this.live) : syncStep1FromStateVector(this.idle!.stateVector));
    if (this.awareness.size > 0) conn.send(awarenessFrame(encodeAwareness(this.awarenessEntries())));
  }

  /** Removes a connection and its awareness states, telling the others. */
  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    const removed: Array<[number, AwarenessEntry]> = [];
    for (const id of conn.clientIds) {
      const e = this.awareness.get(id);
      if (e && e.conn === conn) {
        this.awareness.delete(id);
        removed.push([id, { clock: e.clock + 1, state: "null" }]);
      }
    }
    if (removed.length > 0) this.broadcast(awarenessFrame(encodeAwareness(removed)), null);
  }

  /** Handles one binary frame from a connection. Throws MalformedFrame for bytes that cannot be parsed. */
  receive(conn: Connection, data: Uint8Array): void {
    let decoder: decoding.Decoder;
    let type: number;
    try {
      decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
    } catch {
      throw new MalformedFrame("empty or truncated frame");
    }
    switch (type) {
      case MessageType.sync:
        return this.receiveSync(conn, decoder);
      case MessageType.awareness:
        return this.receiveAwareness(conn, decoder);
      case MessageType.queryAwareness:
        conn.send(awarenessFrame(encodeAwareness(this.awarenessEntries())));
        return;
      case MessageType.auth:
        return; // clients have nothing to say on the auth channel
      default:
        throw new MalformedFrame(`unknown message type ${type}`);
    }
  }

  private receiveSync(conn: Connection, decoder: decoding.Decoder): void {
    let sub: number;
    let payload: Uint8Array;
    try {
      sub = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new MalformedFrame("truncated sync message");
    }
    if (sub === SyncMessageType.step1) {
      this.afterCommit(() => this.answerStep1(conn, payload));
      return;
    }
    if (sub !== SyncMessageType.step2 && sub !== SyncMessageType.update) {
      throw new MalformedFrame(`unknown sync message ${sub}`);
    }
    // The handshake's empty step 2 (a client with nothing new) changes nothing, whoever sends it.
    if (payload.byteLength <= EMPTY_UPDATE_BYTES) return;
    // Filtered by type before the update is decoded: a read-only connection's writes are never applied.
    if (!conn.canEdit) {
      conn.send(
        permissionDeniedFrame(
          this.phase === "final" ? PermissionDeniedReason.finalText : PermissionDeniedReason.readOnlyRole,
        ),
      );
      return;
    }
    if (this.bytes + payload.byteLength > this.options.maxDocumentBytes) {
      conn.send(permissionDeniedFrame(PermissionDeniedReason.documentTooLarge));
      conn.close(CloseCode.documentTooLarge, "document too large");
      return;
    }
    const doc = this.doc;
    const verdict = validateUpdate(payload, {
      doc,
      userId: conn.user.id,
      ownerOf: (clientId) => this.owners.get(clientId),
      maxDepth: this.options.maxDocumentDepth,
    });
    if (!verdict.ok) {
      conn.send(permissionDeniedFrame(refusalReason(verdict.refusal, verdict.message)));
      conn.close(CloseCode.updateRefused, `update refused: ${verdict.message}`);
      return;
    }
    for (const clientId of verdict.newClients) this.bind(clientId, conn);
    try {
      Y.applyUpdate(doc, payload, conn);
      // The check above rules this out; if Yjs still parks something, the document is no longer what
      // storage will hold, so it must not be used any further.
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) throw new Error("update left pending structs");
    } catch (err) {
      conn.send(permissionDeniedFrame(refusalReason(UpdateRefusal.malformed, "the update could not be applied")));
      conn.close(CloseCode.updateRefused, "update refused: it could not be applied");
      this.fail("applying an update failed", err);
    }
  }

  /** Whether the document holds anything written under a client id. */
  private hasStructsOf(clientId: number): boolean {
    if (this.live) return Y.getState(this.live.store, clientId) > 0;
    return Y.decodeStateVector(this.idle!.stateVector).has(clientId);
  }

  /** Binds a client id to the connection's user (stored with the next commit). */
  private bind(clientId: number, conn: Connection): void {
    this.owners.set(clientId, conn.user.id);
    this.unboundClients.push({ clientId, userId: conn.user.id, organizationId: conn.organizationId });
  }

  /**
   * Stops the room: it takes no more writes, every client is disconnected with a code that makes it
   * reconnect (and resend what it has), and the next join loads the document again from storage.
   */
  private fail(what: string, err: unknown): void {
    if (this.destroyed) return;
    this.options.log(`room ${this.id}: ${what}; reloading it from storage`, err);
    this.destroyed = true;
    this.onFatal(this);
  }

  private answerStep1(conn: Connection, stateVector: Uint8Array): void {
    if (conn.closed) return;
    // A new client (empty state vector, one zero byte) gets the cached full state: cold joins cost one copy.
    if (stateVector.byteLength === 1 && stateVector[0] === 0) {
      this.fullStateFrame ??= Frame.of(syncStep2Frame(Y.encodeStateAsUpdate(this.doc)));
      conn.send(this.fullStateFrame);
      return;
    }
    let diff: Uint8Array;
    try {
      diff = this.live ? Y.encodeStateAsUpdate(this.live, stateVector) : Y.diffUpdate(this.idle!.update, stateVector);
    } catch {
      conn.close(CloseCode.malformedFrame, "bad state vector");
      return;
    }
    conn.send(syncStep2Frame(diff));
  }

  private receiveAwareness(conn: Connection, decoder: decoding.Decoder): void {
    let entries: ReturnType<typeof decodeAwareness>;
    try {
      entries = decodeAwareness(decoding.readVarUint8Array(decoder));
    } catch (err) {
      throw new MalformedFrame(err instanceof MalformedAwareness ? `awareness: ${err.message}` : "truncated awareness");
    }
    const accepted: Array<[number, AwarenessEntry]> = [];
    for (const { clientId, clock, state } of entries) {
      const owner = this.awareness.get(clientId);
      // A client may speak only for the client ids it introduced itself; someone else's are dropped. The same
      // user may take an id over (a reconnect arriving before the server noticed the old socket died).
      if (owner && owner.conn !== conn && owner.conn.user.id !== conn.user.id) continue;
      const bound = this.owners.get(clientId);
      if (bound !== undefined && bound !== conn.user.id) continue;
      if (!conn.clientIds.has(clientId)) {
        if (conn.clientIds.size >= MAX_AWARENESS_IDS_PER_CONNECTION) continue;
        conn.clientIds.add(clientId);
      }
      // A client announces its id in awareness before it writes anything, and everyone sees it there: bind
      // it now (durably, with the next commit), so that nobody else can write under it first and have the
      // owner's own edits refused later.
      if (bound === undefined && !this.hasStructsOf(clientId)) {
        this.bind(clientId, conn);
        this.scheduleFlush();
      }
      if (owner && clock < owner.clock) continue;
      const stamped = stampIdentity(state, conn.user);
      if (stamped === "null") this.awareness.delete(clientId);
      else this.awareness.set(clientId, { clock, state: stamped, conn });
      accepted.push([clientId, { clock, state: stamped }]);
    }
    if (accepted.length > 0) this.broadcast(awarenessFrame(encodeAwareness(accepted)), conn);
  }

  private awarenessEntries(): Array<[number, AwarenessEntry]> {
    return [...this.awareness].map(([id, e]) => [id, { clock: e.clock, state: e.state }]);
  }

  /** Sends a frame to every connection but `except`. */
  broadcast(payload: Uint8Array, except: Connection | null): void {
    if (this.conns.size === 0 || (this.conns.size === 1 && this.conns.has(except!))) return;
    const frame = Frame.of(payload);
    for (const c of this.conns) if (c !== except) c.send(frame);
  }

  /** Runs `fn` once every update applied so far is committed. */
  private afterCommit(fn: () => void): void {
    if (this.uncommitted.length === 0 && !this.flushing) fn();
    else this.waiters.push(fn);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Commits the uncommitted batch in one transaction, then relays it. */
  private async flush(): Promise<void> {
    if (this.flushing || this.destroyed) return;
    const batch = this.uncommitted;
    if (batch.length === 0 && this.unboundClients.length === 0) return this.runWaiters();
    const bindings = this.unboundClients;
    this.uncommitted = [];
    this.unboundClients = [];
    this.flushing = true;
    try {
      const last = await this.store.append(
        this.id,
        batch.map((b) => b.update),
        bindings,
      );
      if (batch.length > 0) this.lastUpdateId = last;
    } catch (err) {
      this.flushing = false;
      this.fail("could not store updates", err);
      return;
    }
    this.flushing = false;
    if (this.destroyed) return;
    this.stored += batch.length;
    this.updatesSinceSnapshot += batch.length;
    try {
      this.relay(batch);
    } catch (err) {
      // Stored but not relayed: the clients resync what they miss when they reconnect.
      this.fail("relaying updates failed", err);
      return;
    }
    if (this.uncommitted.length > 0) this.scheduleFlush();
    else this.runWaiters();
    if (this.shouldCompact()) this.scheduleCompaction();
  }

  private runWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Each connection gets the batch's updates that it did not send, never its own, in one socket write:
   * connections that sent nothing (nearly all of them) share one frame of the merged batch; a sender gets the
   * others' updates, built once per sender. Merging costs more than linear time in the number of updates, so
   * a large batch (a burst under load) is sent as its updates' frames back to back in that one write instead.
   */
  private relay(batch: Array<{ update: Uint8Array; origin: Connection | null }>): void {
    // Relayed ⇒ stored: every update handed out here was counted by a committed append first.
    if (this.relayed + batch.length > this.stored) throw new Error("relaying updates that are not stored");
    this.relayed += batch.length;
    if (this.conns.size === 0) return;
    const origins = new Set<Connection>();
    for (const b of batch) if (b.origin) origins.add(b.origin);
    const merging = batch.length <= MERGE_LIMIT;
    const single = merging ? [] : batch.map((b) => Frame.of(updateFrame(b.update)));
    const pack = (except: Connection | null): Frame | null => {
      const keep = batch.map((_b, i) => i).filter((i) => except === null || batch[i].origin !== except);
      if (keep.length === 0) return null;
      if (!merging) return Frame.concat(keep.map((i) => single[i]));
      const updates = keep.map((i) => batch[i].update);
      return Frame.of(updateFrame(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)));
    };
    const all = pack(null)!;
    for (const conn of this.conns) {
      const frame = origins.has(conn) ? pack(conn) : all;
      if (frame) conn.send(frame);
    }
  }

  /**
   * Compaction re-encodes the whole document, so it must not run per N updates alone (a large, busy
   * document would spend all its time encoding): it waits until the log is at least half the snapshot's
   * size, so that its cost stays proportional to the edits, and runs at most every few seconds.
   */
  private shouldCompact(): boolean {
    return (
      this.updatesSinceSnapshot >= this.options.compactAfterUpdates &&
      this.bytes - this.snapshotBytes >= this.snapshotBytes / 2 &&
      Date.now() - this.lastCompactionAt >= MIN_COMPACTION_INTERVAL_MS
    );
  }

  private scheduleCompaction(delayMs = 50): void {
    if (this.compacting) return;
    this.compacting = true;
    setTimeout(() => void this.compact(), delayMs).unref();
  }

  /** Folds the log into a snapshot (in the background, never while a batch is uncommitted). */
  async compact(): Promise<void> {
    this.compacting = true;
    try {
      // Wait for the in-flight batch so the snapshot's last id covers exactly what it contains.
      await new Promise<void>((resolve) => this.afterCommit(resolve));
      if (this.updatesSinceSnapshot === 0 || !this.live) return;
      const snapshot = Y.encodeStateAsUpdate(this.live);
      const stateVector = Y.encodeStateVector(this.live);
      const upTo = this.lastUpdateId;
      const folded = this.updatesSinceSnapshot;
      const bytesBefore = this.bytes;
      await this.store.compact(this.id, snapshot, upTo, stateVector);
      this.updatesSinceSnapshot -= folded;
      // On disk now: the snapshot plus whatever arrived while it was written.
      this.bytes = snapshot.byteLength + (this.bytes - bytesBefore);
      this.snapshotBytes = snapshot.byteLength;
      this.lastCompactionAt = Date.now();
    } catch (err) {
      this.options.log(`room ${this.id}: compaction failed (the log is intact)`, err);
    } finally {
      this.compacting = false;
    }
  }

  /** Waits until every applied update is committed (used before unloading and in shutdown). */
  settle(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.afterCommit(resolve);
      this.scheduleFlush();
    });
  }

  /** Changes the phase; a final statement refuses writes from every connection at once. */
  setPhase(phase: Phase, canEditFor: (conn: Connection) => boolean): void {
    this.phase = phase;
    for (const c of this.conns) c.canEdit = canEditFor(c);
  }

  destroy(): void {
    this.destroyed = true;
    this.runWaiters();
    this.live?.destroy();
    this.idle = null;
    this.fullStateFrame = null;
    this.awareness.clear();
  }
}

/** The permission-denied reason sent for a refused update. */
function refusalReason(refusal: UpdateRefusal, message: string): string {
  return `${PermissionDeniedReason.invalidUpdate} (${refusal}: ${message})`;
}
