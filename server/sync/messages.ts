/** Encoders for the frames the server sends; each returns the bytes of one whole frame. */
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as authProtocol from "y-protocols/auth";
import type * as Y from "yjs";
import { MessageType, SyncMessageType } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";

function frame(type: MessageType, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, type);
  write(enc);
  return encoding.toUint8Array(enc);
}

function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (enc) => {
    encoding.writeVarUint(enc, sub);
    encoding.writeVarUint8Array(enc, payload);
  });
}

export const syncStep1Frame = (doc: Y.Doc): Uint8Array =>
  frame(MessageType.sync, (enc) => syncProtocol.writeSyncStep1(enc, doc));

/** Step 1 from a stored state vector (no Y.Doc needed). */
export const syncStep1FromStateVector = (stateVector: Uint8Array): Uint8Array =>
  syncFrame(SyncMessageType.step1, stateVector);

export const syncStep2Frame = (update: Uint8Array): Uint8Array => syncFrame(SyncMessageType.step2, update);

export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(SyncMessageType.update, update);

export const awarenessFrame = (update: Uint8Array): Uint8Array =>
  frame(MessageType.awareness, (enc) => encoding.writeVarUint8Array(enc, update));

export const permissionDeniedFrame = (reason: string): Uint8Array =>
  frame(MessageType.auth, (enc) => authProtocol.writePermissionDenied(enc, reason));

export const appEventFrame = (event: AppEvent): Uint8Array =>
  frame(MessageType.appEvent, (enc) => encoding.writeVarString(enc, JSON.stringify(event)));
