/** Encoders for the frames the server sends; each returns the bytes of one whole frame. */
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as authProtocol from "y-protocols/auth";
import * as Y from "yjs";
import { MessageType, SyncMessageType } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";

export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  syncProtocol.writeSyncStep1(enc, doc);
  return encoding.toUint8Array(enc);
}

/** Step 1 from a stored state vector (no Y.Doc needed). */
export function syncStep1FromStateVector(stateVector: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, SyncMessageType.step1);
  encoding.writeVarUint8Array(enc, stateVector);
  return encoding.toUint8Array(enc);
}

export function syncStep2Frame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, SyncMessageType.step2);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

export function updateFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.sync);
  encoding.writeVarUint(enc, SyncMessageType.update);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.awareness);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

export function permissionDeniedFrame(reason: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.auth);
  authProtocol.writePermissionDenied(enc, reason);
  return encoding.toUint8Array(enc);
}

export function appEventFrame(event: AppEvent): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.appEvent);
  encoding.writeVarString(enc, JSON.stringify(event));
  return encoding.toUint8Array(enc);
}
