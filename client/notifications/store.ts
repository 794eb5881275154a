/**
 * The signed-in user's notifications in this tab: loaded once (`GET /api/me/notifications`), then kept live by
 * one EventSource on `GET /api/me/events` (Server-Sent Events, the session cookie authenticates it). The
 * browser reconnects an EventSource by itself after a drop; each (re)connection's `ready` event reloads the
 * list, so nothing created while the stream was down is missed.
 *
 * Only a visible tab holds the stream: over HTTP/1.1 a browser opens at most six connections to a host, and
 * every open EventSource keeps one, so ten background tabs would starve the foreground one. A tab that becomes
 * visible again reopens it (and reloads the list).
 *
 * Anything may listen for new notifications as they arrive (`onNotification`): the dashboard reloads its list
 * of statements when I am added to one.
 */
import { useEffect, useSyncExternalStore } from "react";
import type { NotificationDto, NotificationEvent } from "../../shared/notifications";
import { api } from "../api";

/** What the bell shows. */
export interface NotificationState {
  status: "loading" | "ready" | "error";
  notifications: NotificationDto[];
  unread: number;
  /** Whether the live stream is open (the list may be behind while it is not). */
  live: boolean;
}

type Listener = (n: NotificationDto) => void;

class NotificationStore {
  private state: NotificationState = { status: "loading", notifications: [], unread: 0, live: false };
  private readonly watchers = new Set<() => void>();
  private readonly arrivals = new Set<Listener>();
  private source: EventSource | null = null;
  private users = 0;
  private closing: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    if (typeof document === "undefined") return;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.disconnect();
      else if (this.users > 0 && !this.source) this.open();
    });
  }

  get = (): NotificationState => this.state;

  subscribe = (watcher: () => void): (() => void) => {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  };

  private set(patch: Partial<NotificationState>): void {
    this.state = { ...this.state, ...patch };
    for (const w of this.watchers) w();
  }

  /** Opens the stream while at least one component needs it. */
  retain(): () => void {
    if (this.closing) clearTimeout(this.closing);
    this.closing = null;
    if (this.users++ === 0 && !this.source && document.visibilityState !== "hidden") this.open();
    return () => {
      // Moving between pages unmounts one header and mounts the next: keep the stream across that moment.
      if (--this.users === 0) this.closing = setTimeout(() => this.close(), 2000);
    };
  }

  onNotification(listener: Listener): () => void {
    this.arrivals.add(listener);
    return () => this.arrivals.delete(listener);
  }

  private open(): void {
    if (typeof EventSource === "undefined") {
      void this.reload();
      return;
    }
    const source = new EventSource("/api/me/events");
    this.source = source;
    source.addEventListener("ready", () => {
      this.set({ live: true });
      void this.reload();
    });
    source.addEventListener("notification", (e) => {
      const { notification, unread } = JSON.parse((e as MessageEvent<string>).data) as NotificationEvent;
      const rest = this.state.notifications.filter((n) => n.id !== notification.id);
      this.set({ notifications: [notification, ...rest], unread, status: "ready" });
      for (const l of this.arrivals) l(notification);
    });
    source.addEventListener("error", () => {
      // The browser retries by itself unless the server refused (then readyState is CLOSED: signed out).
      this.set({ live: false });
      if (source.readyState === EventSource.CLOSED) void this.reload();
    });
  }

  /** Ends the stream but keeps what is shown (a hidden tab). */
  private disconnect(): void {
    this.source?.close();
    this.source = null;
    if (this.state.live) this.set({ live: false });
  }

  private close(): void {
    this.closing = null;
    this.disconnect();
    this.state = { status: "loading", notifications: [], unread: 0, live: false };
  }

  async reload(): Promise<void> {
    try {
      const { notifications, unread } = await api.notifications();
      this.set({ status: "ready", notifications, unread });
    } catch {
      if (this.state.status === "loading") this.set({ status: "error" });
    }
  }

  /** Marks some or all read, here at once and then on the server (the server's count wins). */
  async markRead(which: { ids: string[] } | { all: true }): Promise<void> {
    const now = Date.now();
    const hit = (n: NotificationDto) => n.readAt === null && ("all" in which || which.ids.includes(n.id));
    const changed = this.state.notifications.filter(hit).length;
    this.set({
      notifications: this.state.notifications.map((n) => (hit(n) ? { ...n, readAt: now } : n)),
      unread: "all" in which ? 0 : Math.max(0, this.state.unread - changed),
    });
    try {
      const { unread } = await api.markNotificationsRead(which);
      this.set({ unread });
    } catch {
      await this.reload();
    }
  }
}

/** The tab's one store. */
export const notificationStore = new NotificationStore();

/** The notifications, live while the calling component is mounted. */
export function useNotifications(): NotificationState {
  useEffect(() => notificationStore.retain(), []);
  return useSyncExternalStore(notificationStore.subscribe, notificationStore.get, notificationStore.get);
}

/** Calls `listener` for each notification that arrives while the component is mounted. */
export function useNotificationArrivals(listener: Listener): void {
  useEffect(() => {
    const release = notificationStore.retain();
    const off = notificationStore.onNotification(listener);
    return () => {
      off();
      release();
    };
  }, [listener]);
}
