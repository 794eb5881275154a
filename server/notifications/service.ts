/**
 * The notification machinery that runs beside the routes: the listener for sign-off events (objections, locks)
 * and the stale-position watcher. Started once per server (server/server.ts), stopped with it.
 */
import type { Services } from "../context";
import { StaleWatcher } from "./stale";
import { listenForSignoffEvents } from "./triggers";

/** What `startNotifications` returns. */
export interface NotificationService {
  stale: StaleWatcher;
  stop(): void;
}

const running = new WeakMap<Services, NotificationService>();

/** Starts listening and watching; `stop()` ends both. */
export function startNotifications(services: Services, staleIntervalMs?: number): NotificationService {
  const unlisten = listenForSignoffEvents(services);
  const stale = new StaleWatcher(services, staleIntervalMs);
  const service = {
    stale,
    stop() {
      unlisten();
      stale.stop();
      running.delete(services);
    },
  };
  running.set(services, service);
  return service;
}

/** The running service of a server (tests run a stale round at a moment they choose). */
export function notificationsOf(services: Services): NotificationService | undefined {
  return running.get(services);
}
