/**
 * The sign-off state of one open statement, shared by the gutter chips and the side panel: the server's matrix
 * (fetched compact and expanded, see shared/signoff.ts `SignoffMatrixWire`), judged again against the local
 * document whenever it changes, so a drafter's edit shows positions as stale at once, before it is stored.
 * A `signoffs.changed` carrying a delta (a position) is applied in place when it follows the version held;
 * otherwise — no delta, a missed one, `locked`, `unlocked`, membership changes, reconnects — the matrix is
 * refetched, once.
 * (Why a store and not TanStack Query: see the header of comments/store.ts.)
 */
import { useSyncExternalStore } from "react";
import type * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import { applySignoffDelta, expandMatrix, rejudge, signoffText, signoffTextWith } from "../../shared/signoff";
import { sha256Hex } from "../../shared/sha256";
import type { SignoffClause, SignoffDelta, SignoffMatrixDto } from "../../shared/signoff";
import type { AppEvent } from "../../shared/protocol";
import { api, errorMessage } from "../api";

/** What the views read. */
export interface SignoffSnapshot {
  /** The matrix judged against the local text; null until the first load. */
  matrix: SignoffMatrixDto | null;
  error: string | null;
}

/** The clauses and hash of a local document, computed exactly as the server does. */
export function localText(ydoc: Y.Doc): { hash: string; clauses: SignoffClause[] } {
  return signoffText(ydoc);
}

/** A pause in the updates this long triggers a rejudge; a burst never goes longer than the max without one. */
const REJUDGE_PAUSE_MS = 250;
const REJUDGE_MAX_WAIT_MS = 1500;

/** One statement's sign-off store. */
export class SignoffStore {
  private server: SignoffMatrixDto | null = null;
  private snapshot: SignoffSnapshot = { matrix: null, error: null };
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  /** The local text as last judged (clause texts for pushed cells). */
  private local: { hash: string; clauses: SignoffClause[] } | null = null;
  private rejudgeTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the first update of the current burst arrived (a burst is rejudged at most this long after it). */
  private burstStart = 0;
  /** SHA-256 of each clause text (and whole text) last judged: an edit re-hashes only what it changed. */
  private hashes = new Map<string, string>();
  private readonly cleanups: Array<() => void> = [];

  constructor(
    readonly statementId: string,
    private readonly ydoc: Y.Doc,
    onAppEvent: (listener: (event: AppEvent) => void) => () => void,
    provider?: WebsocketProvider,
  ) {
    if (provider) {
      // App events sent while the socket was down are lost: catch up after every (re)sync.
      const onSync = (synced: boolean) => synced && this.refresh();
      provider.on("sync", onSync);
      this.cleanups.push(() => provider.off("sync", onSync));
    }
    this.cleanups.push(
      onAppEvent((e) => {
        if (e.type === "signoffs.changed" && e.delta) this.apply(e.delta);
        else if (
          e.type === "signoffs.changed" ||
          e.type === "locked" ||
          e.type === "unlocked" ||
          e.type === "members.changed"
        )
          this.refresh();
      }),
    );
    const onUpdate = () => this.scheduleRejudge();
    ydoc.on("update", onUpdate);
    this.cleanups.push(() => ydoc.off("update", onUpdate));
    this.refresh();
  }

  /** Refetches the matrix from the server. */
  refresh = (): void => this.load(false);

  private load(again: boolean): void {
    const mine = ++this.seq;
    api.signoffs(this.statementId).then(
      (wire) => {
        if (mine !== this.seq) return;
        const m = expandMatrix(wire);
        // Read before a delta this store applied meanwhile: that delta's cells would be missing.
        // (Once: a version can go down when positions are deleted, as merging organizations may.)
        if (this.server && m.version < this.server.version && !again) return this.load(true);
        this.server = m;
        this.rejudgeNow();
      },
      (err) => {
        if (mine !== this.seq) return;
        this.set({ matrix: this.snapshot.matrix, error: errorMessage(err) });
      },
    );
  }

  /** Applies pushed cells on top of the version held; refetches when they do not follow it. */
  private apply(delta: SignoffDelta): void {
    if (!this.server) return this.refresh(); // the first load may have been read before this change
    if (delta.version <= this.server.version) return; // already in what was fetched
    const next = applySignoffDelta(
      this.server,
      delta,
      (hash) => this.local?.clauses.find((c) => c.hash === hash)?.markdown,
    );
    if (!next) return this.refresh();
    this.server = next;
    this.rejudgeNow();
  }

  private scheduleRejudge(): void {
    // Judging reads the whole text: it waits for a pause in the typing (local or remote), so that no keystroke
    // pays for it, and runs at least every 1.5 s during a long burst.
    const now = Date.now();
    if (this.rejudgeTimer) clearTimeout(this.rejudgeTimer);
    else this.burstStart = now;
    const wait = Math.max(0, Math.min(REJUDGE_PAUSE_MS, this.burstStart + REJUDGE_MAX_WAIT_MS - now));
    this.rejudgeTimer = setTimeout(() => {
      this.rejudgeTimer = null;
      this.rejudgeNow();
    }, wait);
  }

  /** The local text, hashing only the clause texts that changed since the last time. */
  private judgedText(): { hash: string; clauses: SignoffClause[] } {
    const previous = this.hashes;
    const next = new Map<string, string>();
    const hash = (text: string) => {
      const h = next.get(text) ?? previous.get(text) ?? sha256Hex(text);
      next.set(text, h);
      return h;
    };
    const text = signoffTextWith(this.ydoc, hash);
    this.hashes = next;
    return text;
  }

  private rejudgeNow(): void {
    if (!this.server) return;
    const text = this.judgedText();
    this.local = text;
    // An empty local document means it has not synced yet: show the server's view meanwhile.
    const matrix =
      text.clauses.length === 0 && this.server.clauses.length > 0 ? this.server : rejudge(this.server, text);
    this.set({ matrix, error: null });
  }

  private set(s: SignoffSnapshot): void {
    this.snapshot = s;
    for (const l of this.listeners) l();
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getSnapshot = (): SignoffSnapshot => this.snapshot;

  destroy(): void {
    if (this.rejudgeTimer) clearTimeout(this.rejudgeTimer);
    for (const c of this.cleanups) c();
    this.listeners.clear();
  }
}

const stores = new WeakMap<Y.Doc, SignoffStore>();

/** The store of an open document (one per Y.Doc, created on first use). */
export function signoffStoreFor(ctx: {
  statementId: string;
  ydoc: Y.Doc;
  onAppEvent: (listener: (event: AppEvent) => void) => () => void;
  provider?: WebsocketProvider;
}): SignoffStore {
  let s = stores.get(ctx.ydoc);
  if (!s) {
    const store = new SignoffStore(ctx.statementId, ctx.ydoc, ctx.onAppEvent, ctx.provider);
    stores.set(ctx.ydoc, store);
    ctx.ydoc.on("destroy", () => store.destroy());
    s = store;
  }
  return s;
}

/** React binding of a store. */
export function useSignoffs(store: SignoffStore): SignoffSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
