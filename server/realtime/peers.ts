/**
 * The realtime side of running several instances: connects this process's rooms and server events to the
 * fan-out (`fanout.ts`) and keeps every loaded room level with storage.
 *
 * - A room's committed batches and its clients' awareness are published on its statement's channel; other
 *   instances' are applied to the room (`Room.receiveRemote`, `Room.receiveRemoteAwareness`).
 * - Server events (membership, phase, app events, revoked sessions) emitted here are published too, and
 *   other instances' are delivered to local listeners only.
 * - Pub/sub is a hint: every few hundred milliseconds one query reads the last sequence number of every
 *   loaded statement, and a room still behind a head it saw on the previous round reads what it lacks from
 *   storage. So a lost message heals within a second, and instances converge even while Redis is away.
 *   After Redis comes back every room catches up at once.
 */
import type { DocumentStore } from "../storage/documents";
import type { ServerEvent, ServerEvents } from "../events";
import type { Room, RoomPeers } from "../sync/room";
import type { Fanout } from "./fanout";

/** How long a room's first join waits for its fan-out subscription. */
const SUBSCRIBE_WAIT_MS = 1000;
/** How often loaded rooms are compared with storage's heads. */
const POLL_MS = 400;
/** Remote awareness not renewed for this long is dropped (clients renew every 15 s; y-protocols drops at 30 s). */
const AWARENESS_TTL_MS = 35_000;

/** What peers need from the rooms of this process. */
export interface LoadedRooms {
  loaded(statementId: string): Room | undefined;
  all(): Iterable<Room>;
}

export class Peers implements RoomPeers {
  private rooms: LoadedRooms | null = null;
  private readonly poll: NodeJS.Timeout;
  private readonly expire: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  constructor(
    readonly fanout: Fanout,
    private readonly store: DocumentStore,
    private readonly events: ServerEvents,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {
    events.bridge((event) => fanout.publish(channelOf(event), { kind: "event", event }));
    fanout.onMessage(({ statementId, message }) => {
      if (message.kind === "event") {
        events.deliver(message.event);
        return;
      }
      if (message.kind === "throttle") return; // for the throttles (`throttleSyncOver`)
      const room = statementId === null ? undefined : this.rooms?.loaded(statementId);
      if (!room) return;
      switch (message.kind) {
        case "updates":
          room.receiveRemote(message.first, message.updates);
          return;
        case "awareness":
          room.receiveRemoteAwareness(message.payload);
          return;
        case "awareness.query": {
          const mine = room.localAwareness();
          if (mine) fanout.publish(room.id, { kind: "awareness", payload: mine });
          return;
        }
      }
    });
    fanout.onRecovered(() => {
      for (const room of this.rooms?.all() ?? []) {
        void room.catchUp().catch((err) => this.log(`room ${room.id}: catching up after a Redis outage failed`, err));
        fanout.publish(room.id, { kind: "awareness.query" });
      }
    });
    this.poll = setInterval(() => void this.compareHeads(), POLL_MS);
    this.poll.unref();
    this.expire = setInterval(() => {
      for (const room of this.rooms?.all() ?? []) room.expireRemoteAwareness(AWARENESS_TTL_MS);
    }, 5000);
    this.expire.unref();
  }

  /** Gives the peers this process's rooms (done once, by `RoomRegistry`). */
  attach(rooms: LoadedRooms): void {
    this.rooms = rooms;
  }

  stored(room: Room, first: number, updates: readonly Uint8Array[]): void {
    this.fanout.publish(room.id, { kind: "updates", first, updates: [...updates] });
  }

  awareness(room: Room, payload: Uint8Array): void {
    this.fanout.publish(room.id, { kind: "awareness", payload });
  }

  /**
   * A room was loaded: subscribe, then read what was stored between its load and the subscription, and ask
   * the other instances who is there.
   */
  async opened(room: Room): Promise<void> {
    // A paused or unreachable Redis must not hold the first join: after a second the subscription goes on in
    // the background and the head poll covers what it misses meanwhile.
    const subscribed = this.fanout.subscribe(room.id);
    await Promise.race([subscribed, new Promise((r) => setTimeout(r, SUBSCRIBE_WAIT_MS).unref())]);
    await room.catchUp();
    this.fanout.publish(room.id, { kind: "awareness.query" });
  }

  /** A room was unloaded. */
  async closedRoom(statementId: string): Promise<void> {
    await this.fanout.unsubscribe(statementId);
  }

  private async compareHeads(): Promise<void> {
    if (this.polling || this.closed || !this.rooms) return;
    const rooms = [...this.rooms.all()];
    if (rooms.length === 0) return;
    this.polling = true;
    try {
      const heads = await this.store.heads(rooms.map((r) => r.id));
      for (const room of rooms) {
        const head = heads.get(room.id) ?? 0;
        if (room.staleHead !== null && room.seq < room.staleHead) {
          // Behind for a whole round: the message is lost, not late.
          void room.catchUp().catch((err) => this.log(`room ${room.id}: catching up from storage failed`, err));
        }
        room.staleHead = head > room.seq ? head : null;
      }
    } catch (err) {
      this.log("fan-out: reading the heads failed", err);
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    clearInterval(this.expire);
    this.events.bridge(null);
    await this.fanout.close();
  }
}

/**
 * Statement events go on the statement's channel (only instances holding it care); the rest instance-wide,
 * among them the events addressed to one person, whose stream may be open on any instance.
 */
function channelOf(event: ServerEvent): string | null {
  return event.kind === "sessions.revoked" || event.kind === "user" ? null : event.statementId;
}
