/**
 * The realtime connection of one statement: a Y.Doc, its local copy in this browser (y-indexeddb, see
 * offline.ts), y-websocket's `WebsocketProvider` on `/ws/<id>`, the connection state shown to the user (with
 * unsent edits, see delivery.ts), the people present (awareness), and Concord's app events
 * (`MessageType.appEvent`, JSON pushed by the server).
 *
 * Refused edits: when the server answers our update with y-protocols' permission-denied (a reason from
 * `PermissionDeniedReason`, or any other string), the local document holds edits the server will never have.
 * They are rolled back by rebuilding: the provider stops, the local copy is emptied, a fresh Y.Doc syncs from
 * the server and replaces the old one on screen, and the refused text (what the old document holds beyond the
 * server's state vector) is offered to copy with the reason (`Refusals`).
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import * as decoding from "lib0/decoding";
import * as authProtocol from "y-protocols/auth";
import { CloseCode, MessageType, isAppEvent } from "../../shared/protocol";
import type { AppEvent, AwarenessUser } from "../../shared/protocol";
import { DOCUMENT_FIELD, canonicalMarkdownOfDoc } from "../../shared/canonical";
import { Delivery } from "./delivery";
import type { DeliverySnapshot } from "./delivery";
import { LocalCopy, localCopyName } from "./offline";
import { receivingUpdate, updateOfSyncMessage } from "./extensions/keep-concurrent-typing";

/**
 * What the user sees about the connection:
 * - `connecting`: first connection attempt, not synced yet;
 * - `connected`: socket open and document synced (`saving` when a confirmation is slow to come);
 * - `offline`: lost; y-websocket retries with back-off (edits stay local, see `unsent`);
 * - `refused`: the server refused our edits; they are being rolled back to the server's text;
 * - `closed`: the server ended the connection for good (`closeCode` 4401/4403/4404/4413…), no retry.
 * `unsent` is true while local edits have not been confirmed by the server (restored ones included).
 */
export type ConnectionState =
  | { kind: "connecting"; unsent: boolean }
  | { kind: "connected"; unsent: boolean; saving?: boolean }
  | { kind: "offline"; unsent: boolean }
  | { kind: "refused"; unsent: boolean; reason: string }
  | { kind: "closed"; unsent: boolean; closeCode: number; reason: string };

/** One person in the document (several tabs of one user count once). */
export interface Presence {
  user: AwarenessUser;
  /** True for this browser tab's own user. */
  self: boolean;
}

/** The WebSocket URL of the sync endpoint on this origin (`ws(s)://host/ws`). */
export function syncServerUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

/** Edits the server refused, shown until the user dismisses them. */
export interface Refusal {
  /** The permission-denied reason as the server sent it. */
  reason: string;
  /** The text this tab typed that the server does not have, as plain text (empty for a deletion). */
  unsentText: string;
  /** This tab's whole text before the rollback (canonical Markdown). */
  localText: string;
}

/** The refusals of one editor page (the same object across rebuilds of the document). */
export class Refusals {
  private current: Refusal | null = null;
  private listeners = new Set<() => void>();
  get = (): Refusal | null => this.current;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  show(r: Refusal | null): void {
    this.current = r;
    for (const l of this.listeners) l();
  }
  dismiss = (): void => this.show(null);
}

/** A live connection to one statement's document. */
export interface Collaboration {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** Whether local edits reached the server. */
  delivery: Delivery;
  /** Refused edits to show (stable across rebuilds). */
  refusals: Refusals;
  /** Subscribes to app events; returns unsubscribe. */
  onAppEvent: (listener: (event: AppEvent) => void) => () => void;
}

/**
 * The text this document holds that a server with state vector `serverState` does not: the characters of
 * every string struct past the server's clock for its client id and not deleted, i.e. exactly what was typed
 * here and never accepted (restored edits of an earlier tab included). Runs are joined by line breaks.
 */
export function unconfirmedText(doc: Y.Doc, serverState: Map<number, number>): string {
  const runs: string[] = [];
  let run = "";
  const flush = () => {
    if (run.trim()) runs.push(run.trim());
    run = "";
  };
  const walk = (type: Y.AbstractType<unknown>) => {
    for (let item = type._start; item !== null; item = item.right) {
      const content = item.content;
      if (content instanceof Y.ContentType) {
        flush();
        walk(content.type);
        flush();
        continue;
      }
      if (!(content instanceof Y.ContentString)) continue;
      const known = serverState.get(item.id.client) ?? 0;
      const offset = Math.max(0, known - item.id.clock);
      if (item.deleted || offset >= item.length) {
        if (!item.deleted) flush();
        continue;
      }
      if (offset > 0) flush();
      run += content.str.slice(offset);
    }
  };
  walk(doc.getXmlFragment(DOCUMENT_FIELD) as unknown as Y.AbstractType<unknown>);
  flush();
  return runs.join("\n");
}

function canonicalOrEmpty(doc: Y.Doc): string {
  try {
    return canonicalMarkdownOfDoc(doc);
  } catch {
    return "";
  }
}

function whenSynced(provider: WebsocketProvider, timeoutMs: number): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      provider.off("sync", onSync);
      resolve();
    };
    const onSync = (s: boolean) => s && done();
    const t = setTimeout(done, timeoutMs);
    provider.on("sync", onSync);
  });
}

/** Close code of a server that refused an update and will not take it on a retry either. */
const UPDATE_REFUSED_CLOSE = 4422;

interface Session {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  local: LocalCopy | null;
  delivery: Delivery;
  refusing: boolean;
}

/**
 * Opens the document of `statementId` while the component is mounted (null until the local copy is restored
 * and while `statementId` is null). The local copy is keyed by `userId` (none without one).
 * `onEvent` gets app events; `onRightsChanged` is called when the server closed with 4500 (the provider
 * reconnects by itself; the caller refetches the role); `onRefused` when the server refused our edits.
 *
 * The provider connects only once the local copy is restored: its first sync step 1 then carries the whole
 * local state, so one exchange both fetches what we lack and sends every restored edit, and the editor never
 * shows the server's text first and the restored edits jumping in a moment later.
 */
export function useCollaboration(
  statementId: string | null,
  userId: string | null,
  handlers: { onEvent: (event: AppEvent) => void; onRightsChanged: () => void; onRefused?: (reason: string) => void },
): Collaboration | null {
  const [collab, setCollab] = useState<Collaboration | null>(null);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const [refusals] = useState(() => new Refusals());

  useEffect(() => {
    if (!statementId) return;
    let disposed = false;
    let current: Session | null = null;
    const sessions = new Set<Session>();
    const listeners = new Set<(event: AppEvent) => void>();
    const onAppEvent = (l: (event: AppEvent) => void) => {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    };
    const dbName = userId ? localCopyName(userId, statementId) : null;

    const onClose = (event: CloseEvent | null) => {
      if (event?.code === CloseCode.rightsChanged) handlersRef.current.onRightsChanged();
    };

    const teardown = (s: Session) => {
      if (!sessions.delete(s)) return;
      s.provider.off("connection-close", onClose);
      s.delivery.destroy();
      s.provider.destroy();
      void s.local?.close();
      s.ydoc.destroy();
    };

    const open = async (): Promise<Session | null> => {
      const ydoc = new Y.Doc();
      const restored = dbName ? await LocalCopy.open(dbName, ydoc) : null;
      if (disposed) {
        await restored?.copy.close();
        ydoc.destroy();
        return null;
      }
      // BroadcastChannel sync between tabs is off: every update goes through the server, which checks rights.
      const provider = new WebsocketProvider(syncServerUrl(), statementId, ydoc, { disableBc: true, connect: false });
      const delivery = new Delivery(provider, restored?.copy ?? null, restored?.restoredUnsent ?? false);
      // The updates the server sends are announced to KeepConcurrentTyping, which reads their delete sets.
      const syncHandler = provider.messageHandlers[MessageType.sync];
      provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, type) => {
        const update = updateOfSyncMessage(decoder);
        if (!update) return syncHandler(encoder, decoder, p, emitSynced, type);
        return receivingUpdate(ydoc, update, () => syncHandler(encoder, decoder, p, emitSynced, type));
      };
      const session: Session = { ydoc, provider, local: restored?.copy ?? null, delivery, refusing: false };
      sessions.add(session);
      provider.messageHandlers[MessageType.appEvent] = (_encoder, decoder) => {
        let event: unknown;
        try {
          event = JSON.parse(decoding.readVarString(decoder));
        } catch {
          return;
        }
        if (!isAppEvent(event)) return;
        handlersRef.current.onEvent(event);
        for (const l of listeners) l(event);
      };
      provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
        authProtocol.readAuthMessage(decoder, ydoc, (_doc, reason) => onDenied(session, reason));
      };
      provider.on("connection-close", onClose);
      // A server that refuses an invalid update may close for good (4422) right after its permission-denied;
      // should that message be missed, the close alone still rolls the unconfirmed edits back.
      provider.on("closed", ({ code, reason }: { code: number; reason: string }) => {
        if (code === UPDATE_REFUSED_CLOSE)
          onDenied(session, reason || "invalid update: the edit was refused and not saved");
      });
      provider.connect();
      return session;
    };

    const publish = (s: Session) => {
      current = s;
      setCollab({ ydoc: s.ydoc, provider: s.provider, delivery: s.delivery, refusals, onAppEvent });
    };

    const onDenied = (session: Session, reason: string) => {
      if (disposed || session !== current || session.refusing) return;
      // With nothing unconfirmed the refused frame held nothing new (a handshake step 2 repeats the delete
      // set, for instance): the server has all we have, there is nothing to roll back.
      if (!session.delivery.unsent) {
        console.info(`The server refused a write that carried nothing new: ${reason}`);
        return;
      }
      session.refusing = true;
      session.delivery.markRefused(reason);
      handlersRef.current.onRefused?.(reason);
      void rollBack(session, reason);
    };

    const rollBack = async (refused: Session, reason: string) => {
      // Nothing more goes out from the refused document; the local copy must not bring the edits back.
      refused.provider.disconnect();
      await refused.local?.discard();
      const next = await open();
      if (!next) return teardown(refused);
      await whenSynced(next.provider, 5000);
      if (disposed) return;
      const localText = canonicalOrEmpty(refused.ydoc);
      const serverText = canonicalOrEmpty(next.ydoc);
      // A refusal that cost nothing visible (an unconfirmed edit the server had in fact received before it was
      // locked, say) is rolled back silently: there is nothing to copy and nothing to alarm anyone about.
      if (localText !== serverText) {
        const serverState = Y.decodeStateVector(Y.encodeStateVector(next.ydoc));
        refusals.show({ reason, unsentText: unconfirmedText(refused.ydoc, serverState), localText });
      } else {
        console.info(`Refused write rolled back; the text is the server's already: ${reason}`);
      }
      teardown(refused);
      publish(next);
    };

    void open().then((s) => {
      if (s) publish(s);
    });

    return () => {
      disposed = true;
      for (const s of [...sessions]) teardown(s);
      current = null;
      setCollab(null);
    };
  }, [statementId, userId, refusals]);

  return collab;
}

/** The delivery state of a collaboration (unsent, slow, refused). */
function useDelivery(collab: Collaboration | null): DeliverySnapshot {
  const delivery = collab?.delivery ?? null;
  const shown = useRef<DeliverySnapshot>(NO_DELIVERY);
  // Each keystroke turns "unsent" on and, once the server confirms it moments later, off again. Shown at once,
  // that re-rendered the page twice per key, and every React commit while the editor has focus walks the whole
  // editor DOM to save and restore the selection: on a long statement, the largest cost of a keystroke. So
  // "unsent" appears only once it lasts; every other change (confirmed, slow, refused) shows at once.
  const subscribe = useCallback(
    (l: () => void) => {
      if (!delivery) return () => {};
      let timer: ReturnType<typeof setTimeout> | null = null;
      const off = delivery.subscribe(() => {
        if (timer) clearTimeout(timer);
        timer = null;
        const s = delivery.get();
        if (s.unsent && !shown.current.unsent && !s.slow && s.refused === null) {
          timer = setTimeout(() => {
            timer = null;
            l();
          }, UNSENT_SHOWN_AFTER_MS);
          return;
        }
        l();
      });
      return () => {
        if (timer) clearTimeout(timer);
        off();
      };
    },
    [delivery],
  );
  const read = useCallback((): DeliverySnapshot => {
    const s = delivery ? delivery.get() : NO_DELIVERY;
    const last = shown.current;
    if (s.unsent === last.unsent && s.slow === last.slow && s.refused === last.refused) return last;
    shown.current = s;
    return s;
  }, [delivery]);
  return useSyncExternalStore(subscribe, read, read);
}
/** Local edits confirmed within this long never show as unsent (see useDelivery). */
const UNSENT_SHOWN_AFTER_MS = 400;
const NO_DELIVERY: DeliverySnapshot = { unsent: false, slow: false, refused: null };

/** The refused edits to show, if any. */
export function useRefusal(collab: Collaboration | null): Refusal | null {
  const store = collab?.refusals ?? null;
  const subscribe = useCallback((l: () => void) => (store ? store.subscribe(l) : () => {}), [store]);
  const read = useCallback(() => (store ? store.get() : null), [store]);
  return useSyncExternalStore(subscribe, read, read);
}

type Link = { kind: "connecting" | "connected" | "offline" } | { kind: "closed"; closeCode: number; reason: string };

/** Tracks the connection state of a collaboration, including local edits the server has not confirmed yet. */
export function useConnectionState(collab: Collaboration | null): ConnectionState {
  const provider = collab?.provider ?? null;
  const [link, setLink] = useState<Link>({ kind: "connecting" });
  const delivery = useDelivery(collab);
  const deliveryRef = useRef(collab?.delivery ?? null);
  deliveryRef.current = collab?.delivery ?? null;

  useEffect(() => {
    if (!provider) return;
    let everConnected = provider.synced;
    let failed = false;
    let closed: { code: number; reason: string } | null = null;
    let online = typeof navigator === "undefined" ? true : navigator.onLine;

    const compute = () => {
      if (closed) return setLink({ kind: "closed", closeCode: closed.code, reason: closed.reason });
      if (provider.wsconnected && provider.synced && online) return setLink({ kind: "connected" });
      if (!everConnected && !failed && online) return setLink({ kind: "connecting" });
      setLink({ kind: "offline" });
    };
    const onStatus = ({ status }: { status: string }) => {
      if (status === "connected") closed = null;
      compute();
    };
    const onSync = (synced: boolean) => {
      if (synced) everConnected = true;
      compute();
    };
    const onClosed = (event: { code: number; reason: string }) => {
      closed = event;
      compute();
    };
    // A first attempt that fails (server unreachable) is "offline", not an endless "connecting".
    const onConnectionClose = () => {
      failed = true;
      compute();
    };
    const onOnline = () => {
      online = true;
      // A socket that survived the outage may have swallowed our updates; a fresh connection re-runs the
      // sync exchange, which delivers whatever the server lacks.
      if (deliveryRef.current?.unsent && provider.wsconnected) {
        provider.disconnect();
        provider.connect();
      }
      compute();
    };
    const onOffline = () => {
      online = false;
      compute();
    };
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("closed", onClosed);
    provider.on("connection-close", onConnectionClose);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    compute();
    return () => {
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("closed", onClosed);
      provider.off("connection-close", onConnectionClose);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
    };
  }, [provider]);

  const unsent = delivery.unsent;
  if (delivery.refused !== null) return { kind: "refused", unsent, reason: delivery.refused };
  if (link.kind === "closed") return { kind: "closed", unsent, closeCode: link.closeCode, reason: link.reason };
  if (link.kind === "connected") return { kind: "connected", unsent, saving: unsent && delivery.slow };
  return { kind: link.kind, unsent };
}

/** Asks the browser to confirm leaving the page while `unsent` (the tab's "Leave site?" dialog). */
export function useLeaveWarning(unsent: boolean): void {
  useEffect(() => {
    if (!unsent) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers need returnValue set to show the dialog.
      e.returnValue = "";
      return "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [unsent]);
}

function isAwarenessUser(value: unknown): value is AwarenessUser {
  const u = value as Partial<AwarenessUser> | null;
  return !!u && typeof u.id === "string" && typeof u.name === "string" && typeof u.color === "string";
}

/** The people in the document now, from awareness states: one entry per user, this user first. */
export function usePresence(provider: WebsocketProvider | null): Presence[] {
  const awareness = provider?.awareness ?? null;
  const cache = useRef<{ key: string; value: Presence[] }>({ key: "", value: [] });
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!awareness) return () => {};
      awareness.on("change", onChange);
      return () => awareness.off("change", onChange);
    },
    [awareness],
  );
  const read = (): Presence[] => {
    if (!awareness) return cache.current.value;
    const selfUser = awareness.getLocalState()?.user as unknown;
    const selfId = isAwarenessUser(selfUser) ? selfUser.id : null;
    const byId = new Map<string, Presence>();
    for (const [, state] of awareness.getStates()) {
      const u = (state as { user?: unknown }).user;
      if (!isAwarenessUser(u) || byId.has(u.id)) continue;
      byId.set(u.id, { user: { id: u.id, name: u.name, color: u.color }, self: u.id === selfId });
    }
    const list = [...byId.values()].sort((a, b) =>
      a.self !== b.self ? (a.self ? -1 : 1) : a.user.name.localeCompare(b.user.name),
    );
    // useSyncExternalStore needs a stable snapshot while nothing changed.
    const key = list.map((p) => `${p.user.id}|${p.user.name}|${p.user.color}|${p.self}`).join(",");
    if (key !== cache.current.key) cache.current = { key, value: list };
    return cache.current.value;
  };
  return useSyncExternalStore(subscribe, read, read);
}
