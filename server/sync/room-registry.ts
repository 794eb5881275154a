/**
 * The rooms of this process: loads a document on first join, unloads it after its last connection leaves
 * (after committing and compacting it), and applies server events (revoked sessions, membership and phase
 * changes, app events) to open connections. With peers (several instances, `server/realtime/peers.ts`), a
 * loaded room is subscribed to its statement's fan-out channel and caught up from storage before anyone joins.
 */
import * as Y from "yjs";
import type { DB } from "../storage/database";
import type { DocumentStore } from "../storage/documents";
import { docFromStored } from "../storage/documents";
import type { ServerEvents } from "../events";
import { Room } from "./room";
import type { LiveDocuments } from "./live-documents";
import type { RoomOptions } from "./room";
import type { Connection } from "./connection";
import { findMembership } from "../statements/access";
import { canEditText } from "../../shared/roles";
import type { Phase } from "../../shared/roles";
import { CloseCode } from "../../shared/protocol";
import { appEventFrame } from "./messages";
import type { Peers } from "../realtime/peers";
import { AppError, statementFinal } from "../errors";

export class RoomRegistry implements LiveDocuments {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();

  private readonly options: RoomOptions;
  /**
   * Sessions revoked lately: a connection whose room was still loading when its session ended (the event found
   * it in no room) is closed as it joins. Kept a few minutes; a revoked session cannot open a new socket.
   */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly db: DB,
    private readonly store: DocumentStore,
    options: RoomOptions,
    events: ServerEvents,
    private readonly peers: Peers | null = null,
  ) {
    const base: RoomOptions = { ...options, isRevoked: (sessionId) => this.revoked.has(sessionId) };
    this.options = peers ? { ...base, peers } : base;
    peers?.attach({
      loaded: (id) => {
        const room = this.rooms.get(id);
        return room && !room.destroyed ? room : undefined;
      },
      all: () => [...this.rooms.values()].filter((r) => !r.destroyed),
    });
    events.on((e) => {
      switch (e.kind) {
        case "sessions.revoked": {
          const ids = new Set(e.sessionIds);
          this.rememberRevoked(e.sessionIds);
          for (const room of this.rooms.values())
            for (const c of room.conns) if (ids.has(c.sessionId)) c.close(CloseCode.unauthorized, "session ended");
          return;
        }
        case "member.changed":
          void this.refreshMember(e.statementId, e.userId);
          return;
        case "statement.phase":
          void this.refreshPhase(e.statementId);
          return;
        case "app": {
          const room = this.rooms.get(e.statementId);
          if (room) room.broadcast(appEventFrame(e.event), null);
          return;
        }
      }
    });
  }

  private rememberRevoked(sessionIds: readonly string[]): void {
    const now = Date.now();
    for (const id of sessionIds) this.revoked.set(id, now);
    for (const [id, at] of this.revoked) {
      if (now - at < 5 * 60_000) break;
      this.revoked.delete(id);
    }
  }

  /** Number of loaded documents (for tests and the benchmark). */
  get size(): number {
    return this.rooms.size;
  }

  /** Whether a statement's document is loaded in this process. */
  isLoaded(statementId: string): boolean {
    return this.rooms.has(statementId);
  }

  /** The room of a statement, loading it if needed. */
  async open(statementId: string, phase: Phase): Promise<Room> {
    const existing = this.rooms.get(statementId);
    if (existing && !existing.destroyed) return existing;
    const pendingUnload = this.unloading.get(statementId);
    if (pendingUnload) await pendingUnload;
    let p = this.loading.get(statementId);
    if (!p) {
      p = Room.load(statementId, phase, this.store, this.options, (room) => this.fail(room)).then(async (room) => {
        this.rooms.set(statementId, room);
        this.loading.delete(statementId);
        // The phase may have changed while the document loaded (a lock commits, its event finds no room):
        // read it again now that the room is registered, before any connection joins and may write.
        await this.refreshPhase(statementId);
        // Other instances' updates stored since the load (and from now on, their messages).
        if (this.peers) {
          await this.peers
            .opened(room)
            .catch((err) => this.options.log(`room ${statementId}: subscribing failed`, err));
        }
        return room;
      });
      p.catch(() => this.loading.delete(statementId));
      this.loading.set(statementId, p);
    }
    return p;
  }

  /** The room of a statement, loaded and with every applied update committed (reopened if it unloads meanwhile). */
  async openSettled(statementId: string): Promise<Room> {
    for (let attempt = 0; ; attempt++) {
      const room = await this.open(statementId, "drafting");
      await room.settle();
      if (!room.destroyed) return room;
      // Unloaded meanwhile (its last connection left, or its storage failed): open it again.
      if (attempt >= 3) throw new Error(`statement ${statementId}: the document could not be loaded`);
    }
  }

  /** Detaches a connection; the last one out unloads the document (committed and compacted first). */
  leave(room: Room, conn: Connection): void {
    room.leave(conn);
    this.unloadIfIdle(room);
  }

  /** Unloads a statement's room if nobody is connected to it (after a server-side use such as the lock). */
  release(statementId: string): void {
    const room = this.rooms.get(statementId);
    if (room) this.unloadIfIdle(room);
  }

  private unloadIfIdle(room: Room): void {
    if (room.conns.size > 0 || room.destroyed || this.unloading.has(room.id)) return;
    const unload = (async () => {
      await room.settle();
      await room.compact();
      // Someone may have joined while we were writing.
      if (room.conns.size === 0 && this.rooms.get(room.id) === room) {
        this.rooms.delete(room.id);
        room.destroy();
        await this.peers?.closedRoom(room.id);
      }
    })()
      .catch((err) => this.options.log(`room ${room.id}: unload failed`, err))
      .finally(() => this.unloading.delete(room.id));
    this.unloading.set(room.id, unload);
  }

  /**
   * Runs `fn` on the statement's current document: the live one when loaded (after its pending batch is
   * committed, so what `fn` reads is what storage holds), otherwise a temporary one read from storage.
   */
  async withDocument<T>(statementId: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const room = this.rooms.get(statementId);
    if (room && !room.destroyed) {
      // With other instances: what they stored counts too (a sign-off's clause text, an export). Then the
      // local batch is committed, last, so that what `fn` reads is exactly what storage holds.
      if (this.peers) await room.catchUp();
      await room.settle();
      return fn(room.doc);
    }
    const doc = docFromStored(await this.store.load(statementId));
    try {
      return fn(doc);
    } finally {
      doc.destroy();
    }
  }

  /**
   * The sequence number of the statement's current document state, read as `withDocument` reads the document
   * (a loaded room's pending batch committed first) but without decoding it: it grows with every accepted
   * update, so it keys whatever is derived from the text (server/text-cache.ts).
   */
  async documentSeq(statementId: string): Promise<number> {
    const room = this.rooms.get(statementId);
    if (room && !room.destroyed) {
      if (this.peers) await room.catchUp();
      await room.settle();
      return room.seq;
    }
    return (await this.store.heads([statementId])).get(statementId) ?? 0;
  }

  /**
   * A server-side edit for a user: `change` runs on a scratch copy of the live document whose client id is
   * fresh, so the update it produces carries only new structs under that id; the room then checks it like a
   * client's update, binds the id to the user and organization, stores and relays it. Copying and applying
   * happen with no await in between, so the update is contiguous with the room's state.
   */
  async editAs(
    statementId: string,
    author: { userId: string; organizationId: string | null },
    change: (doc: Y.Doc) => void,
  ): Promise<void> {
    try {
      const room = await this.openSettled(statementId).catch(() => {
        throw new AppError("internal", "The document could not be loaded; nothing was changed. Try again.");
      });
      if (room.phase === "final") throw statementFinal();
      const scratch = new Y.Doc({ gc: true });
      // An id nobody has written under (one bound through awareness alone is refused by the check: 1 in 2^32).
      const clientId = freshClientId(room.doc);
      let update: Uint8Array | null = null;
      try {
        Y.applyUpdate(scratch, Y.encodeStateAsUpdate(room.doc));
        scratch.clientID = clientId;
        scratch.on("update", (u: Uint8Array) => {
          update = update ? Y.mergeUpdates([update, u]) : u;
        });
        scratch.transact(() => change(scratch));
      } finally {
        scratch.destroy();
      }
      if (!update) return;
      const refusal = room.applyServerUpdate(author, update);
      if (refusal === "final") throw statementFinal();
      if (refusal !== null) throw new AppError("conflict", `The change could not be applied (${refusal}). Try again.`);
      await room.settle();
      if (room.destroyed) {
        // The room went away while settling (failed, or unloaded at that moment): the id's binding is stored in
        // the same transaction as the update, so it tells whether the change was kept.
        const stored = await this.db
          .selectFrom("doc_clients")
          .select("client_id")
          .where("statement_id", "=", statementId)
          .where("client_id", "=", clientId)
          .executeTakeFirst();
        if (stored) return;
        const row = await this.db
          .selectFrom("statements")
          .select("phase")
          .where("id", "=", statementId)
          .executeTakeFirst();
        if (row?.phase === "final") throw statementFinal();
        throw new AppError("internal", "The change could not be stored; nothing was changed. Try again.");
      }
    } finally {
      this.release(statementId);
    }
  }

  private async refreshMember(statementId: string, userId: string): Promise<void> {
    const room = this.rooms.get(statementId);
    if (!room) return;
    const conns = [...room.conns].filter((c) => c.user.id === userId);
    if (conns.length === 0) return;
    const m = await findMembership(this.db, statementId, userId);
    for (const c of conns) {
      if (!m) {
        c.close(CloseCode.forbidden, "no longer a member");
        continue;
      }
      c.role = m.role;
      c.organizationId = m.organizationId;
      c.canEdit = canEditText(m.role, room.phase);
    }
  }

  private async refreshPhase(statementId: string): Promise<void> {
    const room = this.rooms.get(statementId);
    if (!room) return;
    const row = await this.db.selectFrom("statements").select("phase").where("id", "=", statementId).executeTakeFirst();
    const phase: Phase = row?.phase === "final" ? "final" : "drafting";
    room.setPhase(phase, (c) => canEditText(c.role, phase));
  }

  /** Sets a loaded room's phase at once (used inside the lock transaction's aftermath). */
  setPhase(statementId: string, phase: Phase): void {
    const room = this.rooms.get(statementId);
    if (room) room.setPhase(phase, (c) => canEditText(c.role, phase));
  }

  /** A room whose storage failed is dropped; its clients reconnect and resend what they have. */
  private fail(room: Room): void {
    if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
    for (const c of room.conns) c.close(CloseCode.serverShutdown, "storage error; reconnecting");
    room.destroy();
  }

  /** Commits and compacts every room, closes every connection (graceful shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.rooms.values()];
    await Promise.all(
      all.map(async (room) => {
        await room.settle();
        await room.compact();
        for (const c of room.conns) c.close(CloseCode.serverShutdown, "server shutting down");
        room.destroy();
      }),
    );
    this.rooms.clear();
  }

  /** Every connection of every room (for keep-alive). */
  *connections(): Iterable<Connection> {
    for (const room of this.rooms.values()) yield* room.conns;
  }
}

/** A Yjs client id the document has never seen. */
function freshClientId(doc: Y.Doc): number {
  for (;;) {
    const id = Math.floor(Math.random() * 0xffffffff) >>> 0;
    if (id !== 0 && Y.getState(doc.store, id) === 0) return id;
  }
}
