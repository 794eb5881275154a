/**
 * Light raw-protocol clients: a `ws` socket that speaks just enough of the y-websocket protocol (or Hocuspocus'
 * dialect of it, which prefixes every message with the document name and wants an auth message first) to join a
 * document, send pre-encoded updates and notice the server's sync step 2. They never decode the updates they
 * receive, so the bench process is not the bottleneck when it plays many writers or many idle connections.
 */
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import WebSocket from "ws";

export type Dialect = "yws" | "hocuspocus";

const MSG_SYNC = 0;
const MSG_AUTH = 2;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
/** An empty state vector: "I have nothing, send me everything". */
const EMPTY_SV = new Uint8Array([0]);

function prefix(enc: encoding.Encoder, dialect: Dialect, room: string): void {
  if (dialect === "hocuspocus") encoding.writeVarString(enc, room);
}

/** Whether a frame the server sent is a sync update (what a relay sends), from its first bytes only. */
export function isUpdateFrame(data: Uint8Array, dialect: Dialect): boolean {
  try {
    const dec = decoding.createDecoder(data);
    if (dialect === "hocuspocus") decoding.readVarString(dec);
    if (decoding.readVarUint(dec) !== MSG_SYNC) return false;
    return decoding.readVarUint(dec) === SYNC_UPDATE;
  } catch {
    return false;
  }
}

export function updateFrame(dialect: Dialect, room: string, update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  prefix(enc, dialect, room);
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, SYNC_UPDATE);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

function step1Frame(dialect: Dialect, room: string): Uint8Array {
  const enc = encoding.createEncoder();
  prefix(enc, dialect, room);
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, SYNC_STEP1);
  encoding.writeVarUint8Array(enc, EMPTY_SV);
  return encoding.toUint8Array(enc);
}

function authFrame(room: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, room);
  encoding.writeVarUint(enc, MSG_AUTH);
  encoding.writeVarUint(enc, 0); // token
  encoding.writeVarString(enc, "");
  return encoding.toUint8Array(enc);
}

/** Answers the server's sync step 1 with an (empty) step 2, as a real client would. */
function emptyStep2Frame(dialect: Dialect, room: string): Uint8Array {
  const enc = encoding.createEncoder();
  prefix(enc, dialect, room);
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, SYNC_STEP2);
  encoding.writeVarUint8Array(enc, new Uint8Array([0, 0])); // update with no structs and no deletes
  return encoding.toUint8Array(enc);
}

export interface RawClient {
  ws: WebSocket;
  /** Frames received so far. */
  framesIn: number;
  /** Bytes received so far. */
  bytesIn: number;
  /** Resolves when the server's sync step 2 (the document state) has arrived. */
  synced: Promise<void>;
  send(frame: Uint8Array): void;
  close(): Promise<void>;
}

export interface RawOptions {
  url: string;
  room: string;
  dialect: Dialect;
  headers?: Record<string, string>;
  /** Called with every frame received (not decoded). */
  onFrame?: (data: Buffer) => void;
  timeoutMs?: number;
}

/** Opens a raw client, sends the handshake, resolves once the socket is open. */
export function openRaw(opts: RawOptions): Promise<RawClient> {
  const { dialect, room } = opts;
  const ws = new WebSocket(opts.url, { headers: opts.headers, perMessageDeflate: false });
  ws.binaryType = "nodebuffer";
  ws.on("error", () => {}); // a reset after open must not crash the bench; close follows
  let resolveSynced!: () => void;
  const synced = new Promise<void>((r) => (resolveSynced = r));
  let isSynced = false;
  const client: RawClient = {
    ws,
    framesIn: 0,
    bytesIn: 0,
    synced,
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    close() {
      return new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000);
        ws.once("close", () => {
          clearTimeout(t);
          resolve();
        });
        ws.close();
      });
    },
  };
  ws.on("message", (data: Buffer) => {
    client.framesIn++;
    client.bytesIn += data.length;
    if (!isSynced) {
      try {
        const dec = decoding.createDecoder(data);
        if (dialect === "hocuspocus") decoding.readVarString(dec);
        const type = decoding.readVarUint(dec);
        if (type === MSG_SYNC) {
          const sub = decoding.readVarUint(dec);
          if (sub === SYNC_STEP2) {
            isSynced = true;
            resolveSynced();
          } else if (sub === SYNC_STEP1) {
            ws.send(emptyStep2Frame(dialect, room));
          }
        }
      } catch {
        /* not ours to judge */
      }
    }
    opts.onFrame?.(data);
  });
  return new Promise<RawClient>((resolve, reject) => {
    const t = setTimeout(() => {
      ws.terminate();
      reject(new Error(`raw client ${opts.url} did not open in time`));
    }, opts.timeoutMs ?? 15_000);
    ws.once("open", () => {
      clearTimeout(t);
      if (dialect === "hocuspocus") ws.send(authFrame(room));
      ws.send(step1Frame(dialect, room));
      resolve(client);
    });
    ws.once("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}
