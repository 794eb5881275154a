/**
 * Whether this tab's edits are on the server: the "unsent" part of the connection state.
 *
 * The y-websocket protocol has no acknowledgement, but Concord's server answers a sync step 1 only after
 * every update received before it on that socket was applied and committed (or refused: the permission-denied
 * answer goes out at once, before the step 2). So after local edits went out on an open, synced socket the
 * tracker sends a step 1 of its own (a "probe"): the step 2 that answers it confirms every edit sent before it.
 * Answers come in order, and an answer to a later probe confirms at least as much as an earlier one, so
 * counting step 2 frames in FIFO order is safe even if the server answered out of order.
 *
 * Local edits are counted by a sequence number; `unsent` is "some local edit is not confirmed yet". The flag
 * is persisted in the local copy (IndexedDB, see offline.ts), so edits restored after a reload or a browser
 * restart show as unsent until a server confirms them.
 */
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import type { WebsocketProvider } from "y-websocket";
import { MessageType, SyncMessageType } from "../../shared/protocol";
import type { LocalCopy } from "./offline";

/** What the UI reads. */
export interface DeliverySnapshot {
  /** Local edits the server has not confirmed yet. */
  unsent: boolean;
  /** A confirmation has been awaited for a while on a socket that looks open. */
  slow: boolean;
  /** The server refused our edits (the permission-denied reason); they are being rolled back. */
  refused: string | null;
}

/** A probe unanswered this long marks the state `slow` ("Saving…"). */
const SLOW_AFTER_MS = 3000;
/** A probe unanswered this long means the socket is dead although it looks open: reconnect. */
const DEAD_AFTER_MS = 20000;

type SyncHandler = WebsocketProvider["messageHandlers"][number];

/** Tracks the delivery of one document's local edits over one provider. */
export class Delivery {
  /** Local edits so far (restored unsent edits count as one). */
  private seq = 0;
  /** The highest `seq` the server confirmed. */
  private acked = 0;
  /**
   * Step 1 frames sent on the current socket and not answered yet, oldest first: the local `seq` at the time
   * (null for the provider's own handshake step 1, whose answer confirms nothing of ours).
   */
  private probes: Array<{ seq: number | null; at: number }> = [];
  private snapshot: DeliverySnapshot;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private probeQueued = false;
  private readonly originalSync: SyncHandler;
  private destroyed = false;

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly local: LocalCopy | null,
    restoredUnsent: boolean,
  ) {
    if (restoredUnsent) this.seq = 1;
    this.snapshot = { unsent: this.seq > this.acked, slow: false, refused: null };
    this.originalSync = provider.messageHandlers[MessageType.sync];
    provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, type) => {
      // Peek at the sync sub-type without consuming it.
      const peek = decoding.createDecoder(decoder.arr);
      peek.pos = decoder.pos;
      const sub = decoding.readVarUint(peek);
      this.originalSync(encoder, decoder, p, emitSynced, type);
      if (sub === SyncMessageType.step2 && emitSynced) this.onStep2();
    };
    provider.on("status", this.onStatus);
    provider.on("sync", this.onSync);
    provider.doc.on("update", this.onUpdate);
  }

  /** The current state (a stable object until it changes). */
  get = (): DeliverySnapshot => this.snapshot;

  /** Subscribes to changes; returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** True while some local edit has not been confirmed by the server. */
  get unsent(): boolean {
    return this.seq > this.acked;
  }

  /** Marks the edits as refused by the server (they are about to be rolled back). */
  markRefused(reason: string): void {
    this.update({ refused: reason });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    this.provider.messageHandlers[MessageType.sync] = this.originalSync;
    this.provider.off("status", this.onStatus);
    this.provider.off("sync", this.onSync);
    this.provider.doc.off("update", this.onUpdate);
    this.listeners.clear();
  }

  private update(patch: Partial<DeliverySnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    if (
      next.unsent === this.snapshot.unsent &&
      next.slow === this.snapshot.slow &&
      next.refused === this.snapshot.refused
    )
      return;
    const becameUnsent = next.unsent !== this.snapshot.unsent;
    this.snapshot = next;
    if (becameUnsent) this.local?.setUnsent(next.unsent);
    for (const l of this.listeners) l();
  }

  private onStatus = ({ status }: { status: string }) => {
    // A new socket: the provider sends its handshake step 1 right after this event.
    if (status === "connected") this.probes = [{ seq: null, at: Date.now() }];
    else this.probes = [];
    this.update({ slow: false });
    this.armTimer();
  };

  private onSync = (synced: boolean) => {
    // The handshake also sent the server everything it lacked (our step 2 answer to its step 1): confirm it.
    if (synced && this.unsent) this.queueProbe();
  };

  private onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (this.destroyed || origin === this.provider || (this.local && origin === this.local.persistence)) return;
    this.seq++;
    this.update({ unsent: true });
    this.queueProbe();
  };

  private onStep2(): void {
    const answered = this.probes.shift();
    if (!answered) return;
    if (answered.seq !== null && this.snapshot.refused === null) this.acked = Math.max(this.acked, answered.seq);
    if (this.unsent && !this.probes.some((p) => p.seq !== null)) this.queueProbe();
    this.update({ unsent: this.unsent, slow: false });
    this.armTimer();
  }

  /** Sends one probe after the current task (the provider sends the update itself first), if none is pending. */
  private queueProbe(): void {
    if (this.probeQueued) return;
    this.probeQueued = true;
    queueMicrotask(() => {
      this.probeQueued = false;
      this.sendProbe();
    });
  }

  private sendProbe(): void {
    if (this.destroyed || !this.unsent) return;
    const ws = this.provider.ws;
    if (!ws || !this.provider.wsconnected || !this.provider.synced || ws.readyState !== ws.OPEN) return;
    if (this.probes.some((p) => p.seq !== null)) return; // one outstanding probe at a time; its answer sends the next
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, this.provider.doc);
    ws.send(encoding.toUint8Array(encoder));
    this.probes.push({ seq: this.seq, at: Date.now() });
    this.armTimer();
  }

  /** Watches the oldest unanswered probe: "slow" after a few seconds, reconnect when it never comes. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const oldest = this.probes.find((p) => p.seq !== null);
    if (!oldest || this.destroyed) return;
    const age = Date.now() - oldest.at;
    if (age >= DEAD_AFTER_MS) {
      // The socket swallowed our edits without an answer: a fresh connection re-runs the sync exchange.
      this.probes = [];
      if (this.provider.shouldConnect) {
        this.provider.disconnect();
        this.provider.connect();
      }
      return;
    }
    if (age >= SLOW_AFTER_MS) this.update({ slow: true });
    this.timer = setTimeout(() => this.armTimer(), (age >= SLOW_AFTER_MS ? DEAD_AFTER_MS : SLOW_AFTER_MS) - age);
  }
}
