/**
 * Awareness on the server, kept as encoded entries rather than a y-protocols `Awareness` object: the server
 * never reads presence, it only checks identity, stamps it and forwards it, so a map of the latest entry per
 * client is all it holds (no timers, no parsed state per idle document).
 *
 * Wire format of an awareness update (y-protocols/awareness):
 *   varUint count, then count × (varUint clientID, varUint clock, varString JSON state | "null")
 */
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { AwarenessUser } from "../../shared/protocol";
import { isPaletteColor } from "../../shared/colors";

/** One client's latest awareness entry. */
export interface AwarenessEntry {
  clock: number;
  /** JSON text of the state, "null" once removed. */
  state: string;
}

/** Raised when an awareness payload cannot be parsed. */
export class MalformedAwareness extends Error {}

/** Longest JSON text of one awareness state (a caret and a user take a few hundred bytes). */
export const MAX_AWARENESS_STATE_CHARS = 16 * 1024;
/** Deepest nesting of one awareness state (y-tiptap's carets reach 4). */
export const MAX_AWARENESS_DEPTH = 16;

/**
 * Nesting depth of a JSON text, read without parsing it: a state nested thousands deep is refused before
 * JSON.parse or JSON.stringify (which recurse) ever see it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/** Decodes an awareness update into entries; throws MalformedAwareness on bad bytes or JSON. */
export function decodeAwareness(update: Uint8Array): Array<{ clientId: number; clock: number; state: unknown }> {
  try {
    const dec = decoding.createDecoder(update);
    const n = decoding.readVarUint(dec);
    if (n > 1000) throw new MalformedAwareness("too many awareness entries");
    const out: Array<{ clientId: number; clock: number; state: unknown }> = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(dec);
      const clock = decoding.readVarUint(dec);
      const text = decoding.readVarString(dec);
      if (text.length > MAX_AWARENESS_STATE_CHARS) throw new MalformedAwareness("awareness state too large");
      if (jsonDepth(text) > MAX_AWARENESS_DEPTH) throw new MalformedAwareness("awareness state nested too deep");
      const state: unknown = JSON.parse(text);
      out.push({ clientId, clock, state });
    }
    return out;
  } catch (err) {
    if (err instanceof MalformedAwareness) throw err;
    throw new MalformedAwareness(err instanceof Error ? err.message : String(err));
  }
}

/** Encodes entries as an awareness update. */
export function encodeAwareness(entries: Iterable<[number, AwarenessEntry]>): Uint8Array {
  const list = [...entries];
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, list.length);
  for (const [clientId, e] of list) {
    encoding.writeVarUint(enc, clientId);
    encoding.writeVarUint(enc, e.clock);
    encoding.writeVarString(enc, e.state);
  }
  return encoding.toUint8Array(enc);
}

/**
 * Replaces whatever identity a client claims with the one the server knows from its session: a client may
 * publish only its own user. The colour is the one exception: a client may pick any colour of the palette, so
 * that people in a room can take distinct caret colours (shared/colors.ts `caretColorFor`).
 */
export function stampIdentity(state: unknown, user: AwarenessUser): string {
  if (state === null) return "null";
  const base = typeof state === "object" && !Array.isArray(state) ? (state as Record<string, unknown>) : {};
  const claimed = (base.user as { color?: unknown } | null | undefined)?.color;
  const color = isPaletteColor(claimed) ? claimed : user.color;
  return JSON.stringify({ ...base, user: { id: user.id, name: user.name, color } });
}
