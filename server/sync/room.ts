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
 *
 * Several instances (`RoomPeers`, server/realtime/): every stored update has a sequence number per statement.
 * After its commit a batch is handed to the peers (published), and updates stored by other instances arrive
 * through `receiveRemote` with their numbers: they are already validated and stored, so they are applied in
 * number order and relayed to this room's connections. A gap (a lost or late message) is filled from storage
 * (`catchUp`), so the room never holds back an update for long and never applies one out of order. An update
 * from a local client that refers to structs (or client ids) this room has not seen yet is not refused at
 * once: the room first catches up from storage and reloads the client bindings, then checks it again.
 */
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { CloseCode, MessageType, PermissionDeniedReason, SyncMessageType } from "../../shared/protocol";
import type { Phase } from "../../shared/roles";
import type { ClientBinding, DocumentStore } from "../storage/documents";
import { ClientIdTaken, docFromStored, StatementClosed } from "../storage/documents";
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
  /** Other instances serving the same statements (absent: this process is the only one). */
  peers?: RoomPeers;
  /** Whether a session was revoked while its connection waited for the room (it is then closed on joining). */
  isRevoked?: (sessionId: string) => boolean;
}

/** How a room tells other instances what it stored and what its clients announced. */
export interface RoomPeers {
  /** A committed batch: its updates carry the sequence numbers `first`, `first + 1`, … */
  stored(room: Room, first: number, updates: readonly Uint8Array[]): void;
  /** An awareness update accepted from (or about) this room's connections. */
  awareness(room: Room, payload: Uint8Array): void;
}

/** The origin of updates applied from storage or from another instance (already validated and stored). */
const REMOTE = Symbol("remote");
/** How long a gap in the sequence may wait for the missing message before it is read from storage. */
const GAP_WAIT_MS = 150;

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
  /** The owner lookup the update check uses, made once rather than per update. */
  private readonly ownerOf = (clientId: number): string | undefined => this.owners.get(clientId);
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
  /**
   * Sequence numbers above `lastUpdateId` already known: other instances' updates waiting for a gap before
   * them to be filled, or null for this room's own batches (already applied).
   */
  private readonly ahead = new Map<number, Uint8Array | null>();
  private catchingUp: Promise<void> | null = null;
  private catchUpTimer: NodeJS.Timeout | null = null;
  /** Awareness states of clients connected to other instances, refreshed by their messages. */
  private readonly remoteAwareness = new Map<number, AwarenessEntry & { at: number }>();
  /** Frames of a connection held while the room catches up before checking one of its updates again. */
  private readonly held = new Map<Connection, Uint8Array[]>();
  /** The head another instance reported (by polling storage) that this room had not reached yet. */
  staleHead: number | null = null;

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
    const args = [
      phase,
      stored.bytes,
      stored.lastUpdateId,
      stored.updates.length,
      store,
      options,
      onFatal,
      clients,
    ] as const;
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
      // Another instance's update (or one read back from storage) is stored already.
      if (origin === REMOTE) return;
      this.uncommitted.push({ update, origin: (origin as Connection | null) ?? null });
      this.scheduleFlush();
    });
  }

  /** Adds a connection and starts the sync handshake (server step 1, then everyone's awareness). */
  join(conn: Connection): void {
    if (this.options.isRevoked?.(conn.sessionId)) {
      conn.close(CloseCode.unauthorized, "session ended");
      return;
    }
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
    if (removed.length > 0) {
      const payload = encodeAwareness(removed);
      this.broadcast(awarenessFrame(payload), null);
      this.options.peers?.awareness(this, payload);
    }
    this.held.delete(conn);
  }

  /** Handles one binary frame from a connection. Throws MalformedFrame for bytes that cannot be parsed. */
  receive(conn: Connection, data: Uint8Array, recheck = false): void {
    const held = this.held.get(conn);
    if (held && !recheck) {
      held.push(data);
      return;
    }
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
        return this.receiveSync(conn, decoder, data, recheck);
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

  private receiveSync(conn: Connection, decoder: decoding.Decoder, frame: Uint8Array, recheck: boolean): void {
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
      ownerOf: this.ownerOf,
      maxDepth: this.options.maxDocumentDepth,
    });
    if (!verdict.ok) {
      if (
        this.options.peers &&
        !recheck &&
        (verdict.refusal === UpdateRefusal.missingDependency || verdict.refusal === UpdateRefusal.foreignClient)
      ) {
        // Perhaps stored by another instance and not here yet: catch up, then check it once more.
        this.recheckAfterCatchUp(conn, frame);
        return;
      }
      conn.send(permissionDeniedFrame(refusalReason(verdict.refusal, verdict.message)));
      conn.close(CloseCode.updateRefused, `update refused: ${verdict.message}`);
      return;
    }
    for (const clientId of verdict.newClients) this.bind(clientId, conn);
    try {
      Y.applyUpdate(doc, payload, conn);
      // The check above rules this out; if Yjs still parks something, the document is no longer what
      // storage will hold, so it must not be used any further.
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null)
        throw new Error("update left pending structs");
    } catch (err) {
      conn.send(permissionDeniedFrame(refusalReason(UpdateRefusal.malformed, "the update could not be applied")));
      conn.close(CloseCode.updateRefused, "update refused: it could not be applied");
      this.fail("applying an update failed", err);
    }
  }

  /**
   * Holds the connection's frames, reads what other instances stored (and the client bindings they made),
   * then handles the held frames in order, the first one as a final check.
   */
  private recheckAfterCatchUp(conn: Connection, frame: Uint8Array): void {
    this.held.set(conn, [frame]);
    const resume = () => {
      const frames = this.held.get(conn) ?? [];
      this.held.delete(conn);
      if (conn.closed || this.destroyed) return;
      frames.forEach((f, i) => {
        if (conn.closed) return;
        try {
          this.receive(conn, f, i === 0);
        } catch (err) {
          if (err instanceof MalformedFrame) conn.close(CloseCode.malformedFrame, `malformed frame: ${err.message}`);
          else conn.close(1011, "internal error");
        }
      });
    };
    Promise.all([this.catchUp(), this.reloadBindings()]).then(resume, (err) => {
      this.options.log(`room ${this.id}: catching up before a recheck failed`, err);
      resume();
    });
  }

  /** Adds bindings made by other instances to this room's map of owners. */
  private async reloadBindings(): Promise<void> {
    for (const b of await this.store.clients(this.id))
      if (!this.owners.has(b.clientId)) this.owners.set(b.clientId, b.userId);
  }

  /** The sequence number of the last update this room has applied with every earlier one. */
  get seq(): number {
    return this.lastUpdateId;
  }

  /**
   * Updates another instance stored under the numbers `first`, `first + 1`, …: applied in number order (a gap
   * waits briefly, then is read from storage), each once, and relayed to this room's connections.
   */
  receiveRemote(first: number, updates: readonly Uint8Array[]): void {
    if (this.destroyed) return;
    updates.forEach((u, i) => {
      const seq = first + i;
      if (seq > this.lastUpdateId && !this.ahead.has(seq)) this.ahead.set(seq, u);
    });
    this.drain();
  }

  /** Applies what is contiguous with the room's state; schedules a catch-up when a gap remains. */
  private drain(): void {
    const applied: Uint8Array[] = [];
    while (this.ahead.has(this.lastUpdateId + 1)) {
      const next = this.lastUpdateId + 1;
      const u = this.ahead.get(next)!;
      this.ahead.delete(next);
      this.lastUpdateId = next;
      if (u) {
        if (!this.applyStored(u)) return;
        applied.push(u);
      }
    }
    if (this.staleHead !== null && this.lastUpdateId >= this.staleHead) this.staleHead = null;
    if (applied.length > 0) this.relayStored(applied.length === 1 ? applied[0] : Y.mergeUpdates(applied));
    if (this.ahead.size > 0) this.scheduleCatchUp(GAP_WAIT_MS);
  }

  /** Applies an update that is already stored; false (and the room failed) when it cannot be. */
  private applyStored(update: Uint8Array): boolean {
    try {
      Y.applyUpdate(this.doc, update, REMOTE);
      if (this.live!.store.pendingStructs !== null || this.live!.store.pendingDs !== null)
        throw new Error("a stored update left pending structs");
      this.updatesSinceSnapshot += 1;
      return true;
    } catch (err) {
      this.fail("applying a stored update failed", err);
      return false;
    }
  }

  /** Relays updates that are stored already (other instances' or read back) to every connection. */
  private relayStored(update: Uint8Array): void {
    if (this.conns.size === 0) return;
    const frame = Frame.of(updateFrame(update));
    for (const c of this.conns) c.send(frame);
  }

  private scheduleCatchUp(delayMs: number): void {
    if (this.catchUpTimer || this.destroyed) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = null;
      void this.catchUp().catch((err) => this.options.log(`room ${this.id}: catching up from storage failed`, err));
    }, delayMs);
    this.catchUpTimer.unref();
  }

  /** Reads every update stored after this room's state and applies it (one read at a time). */
  catchUp(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    if (this.catchingUp) return this.catchingUp;
    const run = (async () => {
      const got = await this.store.since(this.id, this.lastUpdateId);
      if (this.destroyed) return;
      if (got.snapshot && got.snapshot.seq > this.lastUpdateId) {
        // Compaction folded numbers this room never saw: take the snapshot, and relay what it added.
        const before = Y.encodeStateVector(this.doc);
        if (!this.applyStored(got.snapshot.data)) return;
        this.lastUpdateId = got.snapshot.seq;
        for (const seq of [...this.ahead.keys()]) if (seq <= this.lastUpdateId) this.ahead.delete(seq);
        this.relayStored(Y.encodeStateAsUpdate(this.live!, before));
      }
      for (const u of got.updates)
        if (u.seq > this.lastUpdateId && !this.ahead.has(u.seq)) this.ahead.set(u.seq, u.data);
      this.drain();
    })().finally(() => {
      this.catchingUp = null;
    });
    this.catchingUp = run;
    return run;
  }

  /** Awareness from another instance's connections: kept (for joins) and passed on to this room's. */
  receiveRemoteAwareness(payload: Uint8Array): void {
    if (this.destroyed) return;
    let entries: ReturnType<typeof decodeAwareness>;
    try {
      entries = decodeAwareness(payload);
    } catch {
      return;
    }
    const now = Date.now();
    for (const { clientId, clock, state } of entries) {
      if (state === null) this.remoteAwareness.delete(clientId);
      else this.remoteAwareness.set(clientId, { clock, state: JSON.stringify(state), at: now });
    }
    this.broadcast(awarenessFrame(payload), null);
  }

  /** This room's own clients' awareness (to answer another instance that joined late). */
  localAwareness(): Uint8Array | null {
    if (this.awareness.size === 0) return null;
    return encodeAwareness([...this.awareness].map(([id, e]) => [id, { clock: e.clock, state: e.state }]));
  }

  /** Drops remote awareness not renewed for `maxAgeMs` (its instance died or lost its clients), telling clients. */
  expireRemoteAwareness(maxAgeMs: number, now = Date.now()): void {
    const removed: Array<[number, AwarenessEntry]> = [];
    for (const [id, e] of this.remoteAwareness) {
      if (now - e.at > maxAgeMs) {
        this.remoteAwareness.delete(id);
        removed.push([id, { clock: e.clock + 1, state: "null" }]);
      }
    }
    if (removed.length > 0) this.broadcast(awarenessFrame(encodeAwareness(removed)), null);
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
   * Applies an update the server wrote on behalf of a user (`RoomRegistry.editAs`): refused in the final phase
   * or past the size limit, checked like a client's update (`validateUpdate`), its new client ids bound to that
   * user and organization, then stored and relayed to every connection with the next batch. Returns why it was
   * refused, or null once applied; a refused update changes nothing.
   */
  applyServerUpdate(author: Omit<ClientBinding, "clientId">, update: Uint8Array): string | null {
    if (this.destroyed) return "the document is being reloaded";
    if (this.phase === "final") return "final";
    if (this.bytes + update.byteLength > this.options.maxDocumentBytes) return "the document would be too large";
    const doc = this.doc;
    const verdict = validateUpdate(update, {
      doc,
      userId: author.userId,
      ownerOf: this.ownerOf,
      maxDepth: this.options.maxDocumentDepth,
    });
    if (!verdict.ok) return `${verdict.refusal}: ${verdict.message}`;
    for (const clientId of verdict.newClients) {
      this.owners.set(clientId, author.userId);
      this.unboundClients.push({ clientId, ...author });
    }
    try {
      Y.applyUpdate(doc, update, null);
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null)
        throw new Error("update left pending structs");
    } catch (err) {
      this.fail("applying a server-side update failed", err);
      return "the update could not be applied";
    }
    return null;
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
    if (accepted.length > 0) {
      const payload = encodeAwareness(accepted);
      this.broadcast(awarenessFrame(payload), conn);
      this.options.peers?.awareness(this, payload);
    }
  }

  private awarenessEntries(): Array<[number, AwarenessEntry]> {
    const local: Array<[number, AwarenessEntry]> = [...this.awareness].map(([id, e]) => [
      id,
      { clock: e.clock, state: e.state },
    ]);
    for (const [id, e] of this.remoteAwareness)
      if (!this.awareness.has(id)) local.push([id, { clock: e.clock, state: e.state }]);
    return local;
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
    let last: number;
    try {
      last = await this.store.append(
        this.id,
        batch.map((b) => b.update),
        bindings,
      );
    } catch (err) {
      this.flushing = false;
      if (err instanceof StatementClosed) {
        // Locked meanwhile (perhaps on another instance): these updates were not stored and are never relayed.
        // The document holds them, so it is dropped; the clients reconnect into the final text.
        this.phase = "final";
        for (const c of this.conns) c.canEdit = false;
        this.fail("the statement is final; unstored updates dropped", null);
      } else if (err instanceof ClientIdTaken) {
        // Bound by another instance first: nothing of this batch is stored or relayed; reload from storage.
        this.fail("a client id in the batch is bound to another user elsewhere; batch dropped", null);
      } else this.fail("could not store updates", err);
      return;
    }
    this.flushing = false;
    if (this.destroyed) return;
    this.stored += batch.length;
    this.updatesSinceSnapshot += batch.length;
    const first = last - batch.length + 1;
    try {
      this.relay(batch);
    } catch (err) {
      // Stored but not relayed: the clients resync what they miss when they reconnect.
      this.fail("relaying updates failed", err);
      return;
    }
    if (batch.length > 0) {
      const updates = batch.map((b) => b.update);
      this.options.peers?.stored(this, first, updates);
      // Our own numbers: applied already. A gap before them is another instance's update still on its way.
      for (let i = 0; i < batch.length; i++) if (first + i > this.lastUpdateId) this.ahead.set(first + i, null);
      this.drain();
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
    if (batch.length === 1) {
      // The usual batch (one keystroke's update): one frame, written to everyone but its sender.
      const frame = Frame.of(updateFrame(batch[0].update));
      const origin = batch[0].origin;
      for (const conn of this.conns) if (conn !== origin) conn.send(frame);
      return;
    }
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
      if (this.updatesSinceSnapshot === 0 || this.destroyed) return;
      const folded = this.updatesSinceSnapshot;
      const bytesBefore = this.bytes;
      // Built from storage, up to what is stored now (whichever instance stored it); another instance
      // compacting this statement at the same moment makes this one skip the round.
      const done = await this.store.compact(this.id);
      this.lastCompactionAt = Date.now();
      if (!done) return;
      this.updatesSinceSnapshot = Math.max(0, this.updatesSinceSnapshot - folded);
      // On disk now: the snapshot plus whatever arrived while it was written.
      this.bytes = done.snapshotBytes + (this.bytes - bytesBefore);
      this.snapshotBytes = done.snapshotBytes;
    } catch (err) {
      this.options.log(`room ${this.id}: compaction failed (the log is intact)`, err);
    } finally {
      this.compacting = false;
    }
  }

  /** Waits until every applied update is committed (used before unloading, in shutdown, and before the server reads the text). */
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
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.catchUpTimer = null;
    this.held.clear();
    this.remoteAwareness.clear();
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
