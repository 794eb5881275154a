/**
 * The realtime connection of one statement: a Y.Doc, y-websocket's `WebsocketProvider` on `/ws/<id>`,
 * the connection state shown to the user, the people present (awareness), and Concord's app events
 * (`MessageType.appEvent`, JSON pushed by the server).
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import * as decoding from "lib0/decoding";
import { CloseCode, MessageType, isAppEvent } from "../../shared/protocol";
import type { AppEvent, AwarenessUser } from "../../shared/protocol";

/**
 * What the user sees about the connection:
 * - `connecting`: first connection attempt, not synced yet;
 * - `connected`: socket open and document synced;
 * - `offline`: lost; y-websocket retries with back-off (edits stay local, see `unsent`);
 * - `closed`: the server ended the connection for good (`closeCode` 4401/4403/4404/4413…), no retry.
 */
export type ConnectionState =
  | { kind: "connecting"; unsent: boolean }
  | { kind: "connected"; unsent: boolean }
  | { kind: "offline"; unsent: boolean }
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

/** A live connection to one statement's document. */
export interface Collaboration {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** Subscribes to app events; returns unsubscribe. */
  onAppEvent: (listener: (event: AppEvent) => void) => () => void;
}

/**
 * Opens the document of `statementId` while the component is mounted (null until the first effect ran,
 * and while `statementId` is null).
 * `onEvent` gets app events; `onRightsChanged` is called when the server closed with 4500 (the provider
 * reconnects by itself; the caller refetches the role).
 */
export function useCollaboration(
  statementId: string | null,
  handlers: { onEvent: (event: AppEvent) => void; onRightsChanged: () => void },
): Collaboration | null {
  const [collab, setCollab] = useState<Collaboration | null>(null);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    if (!statementId) return;
    const ydoc = new Y.Doc();
    const listeners = new Set<(event: AppEvent) => void>();
    // BroadcastChannel sync between tabs is off: every update goes through the server, which checks rights.
    const provider = new WebsocketProvider(syncServerUrl(), statementId, ydoc, { disableBc: true });
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
    const onClose = (event: CloseEvent | null) => {
      if (event?.code === CloseCode.rightsChanged) handlersRef.current.onRightsChanged();
    };
    provider.on("connection-close", onClose);
    setCollab({
      ydoc,
      provider,
      onAppEvent: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    });
    return () => {
      provider.off("connection-close", onClose);
      provider.destroy();
      ydoc.destroy();
      setCollab(null);
    };
  }, [statementId]);

  return collab;
}

/** Tracks the connection state of a provider, including local edits the server has not received yet. */
export function useConnectionState(provider: WebsocketProvider | null): ConnectionState {
  const [state, setState] = useState<ConnectionState>({ kind: "connecting", unsent: false });

  useEffect(() => {
    if (!provider) return;
    let unsent = false;
    let everConnected = false;
    let closed: { code: number; reason: string } | null = null;
    let online = typeof navigator === "undefined" ? true : navigator.onLine;

    const compute = () => {
      if (closed) return setState({ kind: "closed", unsent, closeCode: closed.code, reason: closed.reason });
      if (provider.wsconnected && provider.synced && online) return setState({ kind: "connected", unsent });
      if (!everConnected && online) return setState({ kind: "connecting", unsent });
      setState({ kind: "offline", unsent });
    };
    const onStatus = ({ status }: { status: string }) => {
      if (status === "connected") closed = null;
      compute();
    };
    const onSync = (synced: boolean) => {
      if (synced) {
        // The sync exchange sends the server everything it lacks, our offline edits included.
        everConnected = true;
        unsent = false;
      }
      compute();
    };
    const onClosed = (event: { code: number; reason: string }) => {
      closed = event;
      compute();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider) return;
      // A socket can look open for a while after the network went away; the browser's offline flag is faster.
      if (!(provider.wsconnected && provider.synced && online)) {
        unsent = true;
        compute();
      }
    };
    const onOnline = () => {
      online = true;
      // A socket that survived the outage may have swallowed our updates; a fresh connection re-runs the
      // sync exchange, which delivers whatever the server lacks and then clears `unsent`.
      if (unsent && provider.wsconnected) {
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
    provider.doc.on("update", onUpdate);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    everConnected = provider.synced;
    compute();
    return () => {
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("closed", onClosed);
      provider.doc.off("update", onUpdate);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
    };
  }, [provider]);

  return state;
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
