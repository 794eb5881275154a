/**
 * What every route can reach: the services built once at start, and the caller resolved by the session
 * middleware.
 */
import type { Config } from "./config";
import type { DB } from "./storage/database";
import type { SessionStore, Session } from "./auth/sessions";
import type { ServerEvents } from "./events";
import type { DocumentStore } from "./storage/documents";
import type { RoomRegistry } from "./sync/room-registry";
import type { LiveDocuments } from "./sync/live-documents";
import type { Membership } from "./statements/access";
import type { Log } from "./logging";
import type { ProxyTrust } from "./http/client-address";
import type { Throttles } from "./auth/throttle";

/** The authenticated caller. */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** Services shared by routes and the sync layer. */
export interface Services {
  config: Config;
  db: DB;
  sessions: SessionStore;
  events: ServerEvents;
  documents: DocumentStore;
  /** The statements' live documents, as the rest of the server may use them. */
  rooms: LiveDocuments;
  /** The realtime layer's own registry of rooms (joins, frames, unloading): for server/sync and server.ts only. */
  realtime: RoomRegistry;
  /** Allowed origins, resolved once the port is known. */
  origins: () => string[];
  /** The server's rate-limited log (`server/logging.ts`). */
  log: Log;
  /** Which peers' forwarded headers are believed (`TRUST_PROXY`). */
  proxyTrust: ProxyTrust;
  /** Password-guessing limits, shared by every route that checks a password. */
  throttles: Throttles;
}

/** Hono environment of the app. */
export interface AppEnv {
  Variables: {
    services: Services;
    user: CurrentUser | null;
    session: Session | null;
    /** Set by the realtime upgrade once membership is checked. */
    membership: Membership | null;
  };
}
