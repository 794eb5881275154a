/**
 * What the rest of the server (routes, sign-off, comments, the text cache) may do with the statements' live
 * documents. The realtime layer's `RoomRegistry` implements it; nothing outside server/sync (and the process
 * wiring in server.ts) reaches the registry itself, so joins, frames and unloading stay the realtime layer's own.
 */
import type * as Y from "yjs";
import type { Phase } from "../../shared/roles";
import type { Room } from "./room";

/** A statement's loaded document with every applied update committed: what the lock checks and freezes. */
export type SettledDocument = Pick<Room, "id" | "doc" | "settle" | "destroyed" | "seq">;

export interface LiveDocuments {
  /** Runs `fn` on the statement's current document (the live one, committed, or one read from storage). */
  withDocument<T>(statementId: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** A number that changes whenever the statement's document does (cache key). */
  documentSeq(statementId: string): Promise<number>;
  /** Whether the statement's document is loaded in this process. */
  isLoaded(statementId: string): boolean;
  /** Loads the statement's document (so every connection, even one joining now, is under a freeze) settled. */
  openSettled(statementId: string): Promise<SettledDocument>;
  /** Changes a loaded document's phase at once for every connection. */
  setPhase(statementId: string, phase: Phase): void;
  /** Unloads a document nobody is connected to (after a server-side use). */
  release(statementId: string): void;
  /** Applies a change the server makes on behalf of a user (a restore, an accepted amendment) to the statement's live document: under a Yjs client id bound to that user (so attribution names them and their organization), validated like a client's update, stored durably, then relayed to every connection. Refused with a clear AppError after the lock. Resolves once stored. */
  editAs(
    statementId: string,
    author: { userId: string; organizationId: string | null },
    change: (doc: Y.Doc) => void,
  ): Promise<void>;
}
