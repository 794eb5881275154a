/**
 * KeepConcurrentTyping (issue 18): words typed while someone else splits (Enter) or joins (Backspace) the
 * block they are typed in are kept, in place, by their author.
 *
 * Why it is needed. Yjs has no "move": y-tiptap writes a ProseMirror split or join as "delete the moved text
 * (or the whole second block) and insert a copy of it elsewhere". Keystrokes another person typed
 * concurrently into the moved text are not in the copy, so:
 * - (a) join: B joins "two" into "one" while A types in "two". A's characters land in the deleted paragraph's
 *   Y.XmlText and are deleted with it ("implicitly": B never named them). Without this extension the
 *   text `["one", "twoXYZ"]` becomes `["onetwo"]` everywhere.
 * - (b) split: B presses Enter before A's caret in "hello world" (" world" is deleted and re-inserted in a new
 *   paragraph) while A types "XYZ" after "wor". A's characters survive but stay where the moved text used to
 *   be: "helloXYZ" / " world". They are left in a *hole*: both neighbours were deleted by the same remote
 *   transaction, which inserted a copy of that text elsewhere.
 *
 * What it does. After every REMOTE transaction that applied an update received from the server (see
 * {@link receivingUpdate}: the provider's sync handler announces the update's bytes), this client looks only
 * at its OWN characters (client id === ydoc.clientID, so the rescue happens exactly once, by the author,
 * and the attribution stays theirs) that the transaction orphaned:
 * - (a) deleted by the transaction but NOT named in the update's explicit delete set: the remote did not
 *   know them, its structural change swallowed them. Characters the update names were deleted deliberately
 *   by someone who saw them, and are not brought back (one exception below);
 * - (b) not deleted, but in a hole: live text between two stretches the transaction deleted (or, for
 *   characters typed in the last RECENT_MS, between a deleted stretch and the end of the text).
 * For each run of such characters it takes the moved text around it (≤ 30 characters on each side that the
 * remote deleted knowingly, skipping other people's concurrent characters) and looks for that context in the
 * text the remote inserted in the same transaction (its copy): a run of case (a) goes right after its left
 * context (or before its right context); a hole needs both contexts side by side (or the left one at the end
 * of a text). Case (a) without a copy (the block was deleted, not joined) falls back to the caret y-tiptap
 * restored; a hole without a copy is left alone (a deliberate deletion around the words).
 * The exception: characters we typed in the last JUST_TYPED_MS that the update names but its copy lacks, the
 * copy holding everything around them (they had reached the remote's Y.Doc but not its editor when it split
 * or joined; seen in Chromium), are put back too.
 * All of it happens in ONE local Yjs transaction (origin {@link keepConcurrentTypingOrigin}) which also deletes
 * the misplaced originals of case (b). The caret follows: if it was in a rescued run it goes into the
 * re-inserted text, if it was right after a character the remote moved (and knew) it goes after that
 * character's copy, so further typing continues there and not where the text used to be.
 *
 * Cost: proportional to the remote transaction (its deleted and inserted items, a bounded walk around each),
 * plus one paragraph walk per rescued run, never the whole document. The update's delete set is decoded only
 * when the transaction deleted or surrounded some of our own characters.
 *
 * Not handled: local transactions (our own edits and undo/redo), remote transactions not announced by
 * {@link receivingUpdate} (the local IndexedDB copy), updates that carry a whole document's delete set (a sync
 * step 2 after a reconnect names everything the server deleted, so words it had already swallowed count as
 * named), text typed before a hard break that moved (contexts do not cross Y.XmlText boundaries), and the
 * formatting of the rescued characters (they take the formatting of the place they are re-inserted at). The
 * rescue is not on the undo stack: Ctrl+Z does not remove re-inserted words.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, Selection } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";

/** The origin of the rescue transactions (local, not tracked by the undo manager). */
export const keepConcurrentTypingOrigin = new PluginKey("keepConcurrentTyping");

/** How many characters of moved text around a run identify where it belongs. */
const CONTEXT_CHARS = 30;
/** Bound on the items walked to find one hole (concurrent text not known to the remote) or one context. */
const WALK_LIMIT = 2000;
/** Bound on the characters of one hole (text typed concurrently with the remote change). */
const HOLE_CHARS = 500;
/**
 * A hole at the end of moved text is only believed for characters typed this recently: older ones were
 * surely known to the remote (a drag of text that our older words follow is not a split).
 */
const RECENT_MS = 30_000;
/**
 * A character the remote named but did not copy (it reached the remote's document a moment before the remote's
 * editor split or joined, without being shown there) is only put back if we typed it this recently.
 */
const JUST_TYPED_MS = 3_000;
/** Longest run of named characters aligned against the remote's copy to find one it did not copy. */
const MAX_ALIGN = 400;

// ---------------------------------------------------------------------------------------------------------
// Announcing incoming updates

const incoming = new WeakMap<Y.Doc, Uint8Array>();

/**
 * Runs `apply` (which applies `update`, received from the server, to `doc`) with the update announced to
 * this extension, so that it can read the update's explicit delete set. The provider's sync handler wraps
 * itself in this (client/editor/collaboration.ts); tests do the same around `Y.applyUpdate`.
 */
export function receivingUpdate<T>(doc: Y.Doc, update: Uint8Array, apply: () => T): T {
  const previous = incoming.get(doc);
  incoming.set(doc, update);
  try {
    return apply();
  } finally {
    if (previous) incoming.set(doc, previous);
    else incoming.delete(doc);
  }
}

/** y-protocols sync sub-types that carry an update (step 2, update). */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/**
 * The update carried by a y-protocols sync message (step 2 or update), read from a copy of the decoder so that
 * `decoder` is not consumed; null for a step 1 or anything unreadable.
 */
export function updateOfSyncMessage(decoder: decoding.Decoder): Uint8Array | null {
  try {
    const peek = decoding.createDecoder(decoder.arr);
    peek.pos = decoder.pos;
    const sub = decoding.readVarUint(peek);
    if (sub !== SYNC_STEP2 && sub !== SYNC_UPDATE) return null;
    return decoding.readVarUint8Array(peek);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Analysis (in afterTransaction, before Yjs garbage-collects the deleted content)
//
// Everything is decided per character: one Yjs item may hold characters the remote named and others it did not
// (a run typed as one merged item, the first keystrokes of which the remote had seen).

/** One run of our own characters to put back. */
interface Rescue {
  text: string;
  /** The run's characters as id ranges, in text order. */
  segments: Array<{ client: number; clock: number; length: number }>;
  /** Delete the original (case b: it is still there, misplaced). */
  deleteOriginal: boolean;
  /** Where to insert: a relative position in the remote's copy, or null (case a fallback: the caret). */
  anchor: Y.RelativePosition | null;
  /** Order among the runs of one plan (document order of the originals). */
  order: number;
}

interface Plan {
  rescues: Rescue[];
  /** The caret was inside rescue `caret.rescue`, after `caret.offset` of its characters. */
  caret: { rescue: Rescue; offset: number } | null;
  /** The caret was after a character the remote moved: where that character's copy is. */
  caretMoved: Y.RelativePosition | null;
}

type Item = Y.Item;
type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

function isItem(s: unknown): s is Item {
  return s instanceof Y.Item;
}

/** A character: character `k` of `item`. */
interface Ch {
  item: Item;
  k: number;
}

/** The classification of characters seen by one remote transaction. */
class View {
  private explicitDs: DeleteSet | null = null;
  constructor(
    readonly tr: Y.Transaction,
    readonly own: number,
    private readonly update: Uint8Array,
    /** Our characters from this clock on were typed recently (see RECENT_MS). */
    readonly recentFrom: number,
    /** Our characters from this clock on were typed a moment ago (see JUST_TYPED_MS). */
    readonly justFrom: number,
  ) {}

  /** The update's own delete set: what the remote named (knew) when deleting. */
  private explicit(): DeleteSet {
    if (!this.explicitDs) this.explicitDs = Y.decodeUpdate(this.update).ds;
    return this.explicitDs;
  }

  deletedHere(item: Item): boolean {
    return item.deleted && Y.isDeleted(this.tr.deleteSet, item.id);
  }

  /** Deleted before this transaction, or not a character (formatting): invisible to contexts and holes. */
  ignorable(item: Item): boolean {
    return !item.countable || (item.deleted && !this.deletedHere(item));
  }

  named(c: Ch): boolean {
    return Y.isDeleted(this.explicit(), Y.createID(c.item.id.client, c.item.id.clock + c.k));
  }

  /** Deleted here and named by the remote: text the remote knew (and so may have copied). */
  moved(c: Ch): boolean {
    return this.deletedHere(c.item) && this.named(c);
  }

  /** One of our characters deleted here without the remote naming it. */
  orphan(c: Ch): boolean {
    return c.item.id.client === this.own && isString(c.item) && this.deletedHere(c.item) && !this.named(c);
  }

  /**
   * One of our recent characters deleted here although the remote named it. Normally a deliberate deletion;
   * but a remote whose editor had not shown the character yet when it joined or split (it had reached its
   * Yjs document a moment before) names it without copying it. Such a character is put back only when the
   * remote's copy holds its surroundings side by side without it (see analyze).
   */
  suspect(c: Ch): boolean {
    return c.item.id.client === this.own && isString(c.item) && this.deletedHere(c.item) && this.named(c);
  }

  live(c: Ch): boolean {
    return !c.item.deleted;
  }

  ownLive(c: Ch): boolean {
    return c.item.id.client === this.own && isString(c.item) && !c.item.deleted;
  }
}

function isString(item: Item): boolean {
  return item.content instanceof Y.ContentString;
}

function charOf(c: Ch): string {
  return isString(c.item) ? (c.item.content as Y.ContentString).str[c.k] : "\uFFFC";
}

/** The next item in `dir` that is not ignorable, or null. */
function step(v: View, item: Item, dir: "left" | "right"): Item | null {
  let n = item[dir];
  let guard = 0;
  while (n !== null && v.ignorable(n) && guard++ < WALK_LIMIT) n = n[dir];
  return n !== null && v.ignorable(n) ? null : n;
}

/** The neighbouring character in `dir` (ignorable items skipped), or null at the end of the text. */
function near(v: View, c: Ch, dir: "left" | "right"): Ch | null {
  if (dir === "left" && c.k > 0) return { item: c.item, k: c.k - 1 };
  if (dir === "right" && c.k < c.item.length - 1) return { item: c.item, k: c.k + 1 };
  const n = step(v, c.item, dir);
  return n === null ? null : { item: n, k: dir === "left" ? n.length - 1 : 0 };
}

/** Walks over characters satisfying `pred` in `dir` (at most `limit`); returns the first one that does not. */
function skip(
  v: View,
  from: Ch | null,
  dir: "left" | "right",
  pred: (c: Ch) => boolean,
  limit: number,
): { end: Ch | null; count: number } {
  let c = from;
  let count = 0;
  while (c !== null && pred(c) && count < limit) {
    c = near(v, c, dir);
    count++;
  }
  return { end: c, count };
}

/**
 * The moved text (deleted here, named by the remote) next to `from` in direction `dir`, ≤ CONTEXT_CHARS.
 * Characters the remote did not know are skipped: someone's unnamed deleted ones, and live ones between moved
 * text (a hole: someone else's concurrent words). Live text after some moved text that is not followed by
 * more moved text is the text that stayed: it ends the context.
 */
function context(v: View, from: Ch, dir: "left" | "right"): string {
  let out = "";
  let c = near(v, from, dir);
  let guard = 0;
  while (c !== null && out.length < CONTEXT_CHARS && guard++ < WALK_LIMIT) {
    if (v.moved(c)) {
      out = dir === "left" ? charOf(c) + out : out + charOf(c);
    } else if (v.live(c)) {
      const { end } = skip(v, c, dir, (x) => v.live(x), HOLE_CHARS);
      if (out !== "" && (end === null || !v.moved(end))) break;
      if (end === null || v.live(end)) break;
      c = end;
      continue;
    }
    c = near(v, c, dir);
  }
  return out;
}

/** A stretch of text the remote inserted in this transaction, with up to CONTEXT_CHARS live characters around. */
interface Inserted {
  parentItemId: Y.ID | null;
  /** before + run + after. */
  ext: string;
  pre: number;
  /** The run's characters. */
  chars: Ch[];
  /** Nothing live follows the run in its text. */
  endOfText: boolean;
}

function insertedRuns(v: View): Inserted[] {
  const { tr } = v;
  const fresh = new Set<Item>();
  tr.afterState.forEach((after, client) => {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) return;
    const structs = tr.doc.store.clients.get(client);
    if (!structs) return;
    for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i].id.clock < after; i++) {
      const s = structs[i];
      if (isItem(s) && !s.deleted && isString(s) && s.parent instanceof Y.XmlText) fresh.add(s);
    }
  });
  const live = (n: Item) => !n.deleted && n.countable;
  const prevLive = (n: Item): Item | null => {
    let m = n.left;
    while (m !== null && !live(m)) m = m.left;
    return m;
  };
  const nextLive = (n: Item): Item | null => {
    let m = n.right;
    while (m !== null && !live(m)) m = m.right;
    return m;
  };
  const strOf = (n: Item) => (isString(n) ? (n.content as Y.ContentString).str : "\uFFFC".repeat(n.length));
  const runs: Inserted[] = [];
  for (const start of fresh) {
    const p = prevLive(start);
    if (p !== null && fresh.has(p)) continue;
    const chars: Ch[] = [];
    let text = "";
    let n: Item | null = start;
    let last: Item = start;
    while (n !== null && fresh.has(n)) {
      for (let k = 0; k < n.length; k++) chars.push({ item: n, k });
      text += strOf(n);
      last = n;
      n = nextLive(n);
    }
    let before = "";
    for (let m = p; m !== null && before.length < CONTEXT_CHARS; m = prevLive(m)) before = strOf(m) + before;
    before = before.slice(-CONTEXT_CHARS);
    let after = "";
    const following = nextLive(last);
    for (let m = following; m !== null && after.length < CONTEXT_CHARS; m = nextLive(m)) after += strOf(m);
    after = after.slice(0, CONTEXT_CHARS);
    const parent = start.parent as Y.XmlText;
    runs.push({
      parentItemId: parent._item ? parent._item.id : null,
      ext: before + text + after,
      pre: before.length,
      chars,
      endOfText: following === null,
    });
  }
  return runs;
}

function commonSuffix(a: string, b: string, end: number): number {
  let k = 0;
  while (k < a.length && end - 1 - k >= 0 && a[a.length - 1 - k] === b[end - 1 - k]) k++;
  return k;
}

function commonPrefix(a: string, b: string, from: number): number {
  let k = 0;
  while (k < a.length && from + k < b.length && a[k] === b[from + k]) k++;
  return k;
}

/**
 * Where, in the remote's inserted text, the moved context of a run is. `need`: "either" (one side matches in
 * full), "both" (both sides in full: a hole inside moved text), "end" (the left side in full, at the end of a
 * text: a hole at the end of moved text). Among the candidates the one matching most characters wins.
 */
function findAnchor(
  runs: Inserted[],
  left: string,
  right: string,
  need: "either" | "both" | "end",
): Y.RelativePosition | null {
  let best: { score: number; run: Inserted; p: number } | null = null;
  for (const run of runs) {
    for (let p = 0; p <= run.chars.length; p++) {
      if (need === "end" && !(p === run.chars.length && run.endOfText)) continue;
      const at = run.pre + p;
      const ls = left ? commonSuffix(left, run.ext, at) : 0;
      const rs = right ? commonPrefix(right, run.ext, at) : 0;
      const leftFull = left !== "" && ls === left.length;
      const rightFull = right !== "" && rs === right.length;
      const ok = need === "both" ? leftFull && rightFull : need === "end" ? leftFull : leftFull || rightFull;
      if (!ok) continue;
      if (best === null || ls + rs > best.score) best = { score: ls + rs, run, p };
    }
  }
  if (!best) return null;
  const { run, p } = best;
  const c = p > 0 ? run.chars[p - 1] : run.chars[0];
  return new Y.RelativePosition(
    run.parentItemId,
    null,
    Y.createID(c.item.id.client, c.item.id.clock + c.k),
    p > 0 ? -1 : 0,
  );
}

/**
 * For a run the remote named but may not have copied in full: a place in the inserted text where `left` ends
 * in full (or, with an empty `left`, the start of an inserted stretch), followed by `text` with one stretch
 * `text[from..to)` missing, then by `right` in full (or, with an empty `right`, the end of the text). Returns
 * the missing stretch (the shortest) and where it goes; null when the copy holds all of `text` or no such place.
 */
function findMissing(
  runs: Inserted[],
  left: string,
  text: string,
  right: string,
): { anchor: Y.RelativePosition; from: number; to: number } | null {
  for (const run of runs) {
    for (let p = 0; p <= run.chars.length; p++) {
      const at = run.pre + p;
      if (left === "" ? p !== 0 : commonSuffix(left, run.ext, at) !== left.length) continue;
      const from = Math.min(commonPrefix(text, run.ext, at), run.chars.length - p);
      if (from >= text.length) continue; // all of it is there
      const q = p + from;
      for (let to = from + 1; to <= text.length; to++) {
        const rest = text.slice(to);
        if (commonPrefix(rest, run.ext, run.pre + q) !== rest.length) continue;
        const r = q + rest.length;
        if (r > run.chars.length) continue;
        const rightOk =
          right !== ""
            ? commonPrefix(right, run.ext, run.pre + r) === right.length
            : r === run.chars.length && run.endOfText;
        if (!rightOk) continue;
        const c = q > 0 ? run.chars[q - 1] : run.chars[0];
        const anchor = new Y.RelativePosition(
          run.parentItemId,
          null,
          Y.createID(c.item.id.client, c.item.id.clock + c.k),
          q > 0 ? -1 : 0,
        );
        return { anchor, from, to };
      }
    }
  }
  return null;
}

/** A run of our characters to consider: its characters in text order. */
type Run = Ch[];

/**
 * Our runs of characters deleted here that satisfy `pred` (case a: `orphan`, the remote did not name them;
 * or `suspect`).
 */
function deletedRuns(v: View, pred: (c: Ch) => boolean): Run[] {
  const mine = v.tr.deleteSet.clients.get(v.own);
  if (!mine || mine.length === 0) return [];
  const ds = Y.createDeleteSet();
  ds.clients.set(v.own, mine);
  const candidates: Item[] = [];
  Y.iterateDeletedStructs(v.tr, ds, (s) => {
    if (isItem(s) && isString(s) && s.parent instanceof Y.XmlText && v.deletedHere(s)) candidates.push(s);
  });
  const runs: Run[] = [];
  for (const item of candidates) {
    for (let k = 0; k < item.length; k++) {
      const c = { item, k };
      if (!pred(c)) continue;
      const before = near(v, c, "left");
      if (before !== null && pred(before)) continue; // not the start of a run
      const run: Run = [];
      for (let x: Ch | null = c; x !== null && pred(x) && run.length < WALK_LIMIT; x = near(v, x, "right")) run.push(x);
      runs.push(run);
    }
  }
  return runs;
}

/**
 * Our runs left in holes (case b): live characters between text deleted here. A hole holds only text the
 * remote did not know (typed concurrently), so it is short: a longer live stretch is ordinary text next to an
 * ordinary deletion and is not walked further. `end`: the hole reaches the end of its text (moved text on its
 * left only); such a hole is only believed for characters we typed recently.
 */
function holeRuns(v: View): Array<{ run: Run; end: boolean }> {
  const out: Array<{ run: Run; end: boolean }> = [];
  const seen = new Set<string>();
  Y.iterateDeletedStructs(v.tr, v.tr.deleteSet, (s) => {
    if (!isItem(s) || !(s.parent instanceof Y.XmlText) || !v.deletedHere(s)) return;
    const last: Ch = { item: s, k: s.length - 1 };
    if (!v.moved(last)) return;
    const first = near(v, last, "right");
    if (first === null || !v.live(first)) return;
    const key = `${first.item.id.client}:${first.item.id.clock + first.k}`;
    if (seen.has(key)) return;
    seen.add(key);
    const stretch: Ch[] = [];
    let c: Ch | null = first;
    while (c !== null && v.live(c) && stretch.length < HOLE_CHARS) {
      stretch.push(c);
      c = near(v, c, "right");
    }
    if (c !== null && !v.moved(c)) return; // too long, or followed by text that stayed: not a hole
    const end = c === null;
    let run: Run = [];
    const flush = () => {
      if (run.length && (!end || run.every((x) => x.item.id.clock + x.k >= v.recentFrom))) out.push({ run, end });
      run = [];
    };
    for (const x of stretch) {
      if (v.ownLive(x)) run.push(x);
      else flush();
    }
    flush();
  });
  return out;
}

/** Whether the transaction inserted anything (new structs beyond its before-state). */
function insertsSomething(tr: Y.Transaction): boolean {
  for (const [client, after] of tr.afterState) if (after > (tr.beforeState.get(client) ?? 0)) return true;
  return false;
}

/** The run's characters as id ranges. */
function segmentsOf(run: Run): Rescue["segments"] {
  const out: Rescue["segments"] = [];
  for (const c of run) {
    const clock = c.item.id.clock + c.k;
    const prev = out[out.length - 1];
    if (prev && prev.client === c.item.id.client && prev.clock + prev.length === clock) prev.length++;
    else out.push({ client: c.item.id.client, clock, length: 1 });
  }
  return out;
}

function analyze(
  tr: Y.Transaction,
  own: number,
  update: Uint8Array,
  recent: { recentFrom: number; justFrom: number },
  caretHead: Y.RelativePosition | null,
): Plan | null {
  // Nothing deleted here means nothing orphaned.
  if (tr.deleteSet.clients.size === 0) return null;
  const v = new View(tr, own, update, recent.recentFrom, recent.justFrom);
  const orphaned = deletedRuns(v, (c) => v.orphan(c));
  // A hole or a moved caret needs a copy of the moved text: without anything inserted here, there is none.
  const inserts = insertsSomething(tr);
  const holes = inserts ? holeRuns(v) : [];
  const suspects = inserts ? deletedRuns(v, (c) => v.suspect(c)) : [];
  const caretChar = inserts ? caretCharOf(tr, caretHead) : null;
  const caretIsMoved = caretChar !== null && v.moved(caretChar);
  if (orphaned.length === 0 && holes.length === 0 && suspects.length === 0 && !caretIsMoved) return null;
  const inserted = insertedRuns(v);
  const rescues: Rescue[] = [];
  let order = 0;
  const add = (run: Run, hole: null | "both" | "end") => {
    const left = context(v, run[0], "left");
    const right = hole === "end" ? "" : context(v, run[run.length - 1], "right");
    const anchor = findAnchor(inserted, left, right, hole ?? "either");
    // A hole without a copy of its surroundings (a deliberate deletion around the words): leave it alone.
    if (anchor === null && hole !== null) return;
    rescues.push({
      text: run.map(charOf).join(""),
      segments: segmentsOf(run),
      deleteOriginal: hole !== null,
      anchor,
      order: order++,
    });
  };
  for (const run of orphaned) add(run, null);
  for (const h of holes) add(h.run, h.end ? "end" : "both");
  for (const run of suspects) {
    // Put back only a stretch of the run that the copy lacks, where the copy holds the run's left context, the
    // rest of the run, then directly its right context (or the end of the text), and only if just typed.
    if (run.length > MAX_ALIGN) continue;
    const left = context(v, run[0], "left");
    const right = context(v, run[run.length - 1], "right");
    const found = findMissing(inserted, left, run.map(charOf).join(""), right);
    if (found === null) continue;
    const missing = run.slice(found.from, found.to);
    if (!missing.every((c) => c.item.id.clock + c.k >= v.justFrom)) continue;
    rescues.push({
      text: missing.map(charOf).join(""),
      segments: segmentsOf(missing),
      deleteOriginal: false,
      anchor: found.anchor,
      order: order++,
    });
  }
  // The caret right after a moved character (the remote knew it): it follows the text into the copy, so that
  // further typing continues there and not where the text used to be.
  let caretMoved: Y.RelativePosition | null = null;
  if (caretChar !== null && caretIsMoved) {
    const left = context(v, caretChar, "left") + charOf(caretChar);
    const right = context(v, caretChar, "right");
    caretMoved = findAnchor(inserted, left.slice(-CONTEXT_CHARS), right, "either");
  }
  if (rescues.length === 0 && caretMoved === null) return null;
  let caret: Plan["caret"] = null;
  const head = caretHead?.item;
  if (caretHead && head) {
    for (const r of rescues) {
      let offset = 0;
      for (const sg of r.segments) {
        if (head.client === sg.client && head.clock >= sg.clock && head.clock < sg.clock + sg.length) {
          caret = { rescue: r, offset: offset + (head.clock - sg.clock) + (caretHead.assoc < 0 ? 1 : 0) };
          break;
        }
        offset += sg.length;
      }
      if (caret) break;
    }
  }
  return { rescues, caret, caretMoved: caret ? null : caretMoved };
}

/** The character a collapsed caret sits right after (y-tiptap's relative positions associate to the left). */
function caretCharOf(tr: Y.Transaction, head: Y.RelativePosition | null): Ch | null {
  if (head === null || head.item === null || head.assoc >= 0) return null;
  const structs = tr.doc.store.clients.get(head.item.client);
  if (!structs || Y.getState(tr.doc.store, head.item.client) <= head.item.clock) return null;
  const s = structs[Y.findIndexSS(structs, head.item.clock)];
  if (!isItem(s) || !(s.parent instanceof Y.XmlText)) return null;
  return { item: s, k: head.item.clock - s.id.clock };
}

// ---------------------------------------------------------------------------------------------------------
// Execution (in afterAllTransactions, once y-tiptap has rendered the remote change)

interface Binding {
  type: Y.XmlFragment;
  mapping: Map<Y.AbstractType<unknown>, unknown>;
  beforeTransactionSelection: { head: Y.RelativePosition } | null;
}

function bindingOf(view: EditorView): Binding | null {
  const state = ySyncPluginKey.getState(view.state) as { binding?: Binding } | undefined;
  return state?.binding ?? null;
}

/** Whether a type or one of its ancestors is deleted. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isGone(type: Y.AbstractType<any>): boolean {
  let item: Item | null = type._item;
  while (item !== null) {
    if (item.deleted) return true;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    item = (item.parent as Y.AbstractType<any>)._item;
  }
  return false;
}

function execute(doc: Y.Doc, view: EditorView, plans: Plan[]): void {
  const binding = bindingOf(view);
  if (!binding) return;
  // The fallback place (case a without a copy): the caret y-tiptap restored.
  let caretNow: Y.RelativePosition | null = null;
  try {
    caretNow = absolutePositionToRelativePosition(
      view.state.selection.head,
      binding.type,
      binding.mapping as never,
    ) as Y.RelativePosition;
  } catch {
    caretNow = null;
  }
  let caretRel: Y.RelativePosition | null = null;
  for (const p of plans) if (p.caretMoved) caretRel = p.caretMoved;
  const rescues = plans.flatMap((p) => p.rescues);
  if (rescues.length > 0)
    doc.transact(() => {
      for (const r of rescues) {
        if (!r.deleteOriginal) continue;
        const first = r.segments[0];
        const at = Y.createAbsolutePositionFromRelativePosition(
          new Y.RelativePosition(null, null, Y.createID(first.client, first.clock), 0),
          doc,
        );
        if (at && at.type instanceof Y.XmlText) at.type.delete(at.index, r.text.length);
      }
      const byType = new Map<Y.XmlText, Array<{ r: Rescue; type: Y.XmlText; index: number }>>();
      for (const r of rescues) {
        const rel = r.anchor ?? caretNow;
        const at = rel ? Y.createAbsolutePositionFromRelativePosition(rel, doc) : null;
        if (!at || !(at.type instanceof Y.XmlText) || isGone(at.type)) continue;
        const list = byType.get(at.type) ?? [];
        list.push({ r, type: at.type, index: at.index });
        byType.set(at.type, list);
      }
      // From the back, so that the indexes stay valid; at one index, the later run first (it ends up after).
      const targets = [...byType.values()].flatMap((list) =>
        list.sort((x, y) => y.index - x.index || y.r.order - x.r.order),
      );
      for (const t of targets) {
        t.type.insert(t.index, t.r.text);
        for (const p of plans) {
          if (p.caret?.rescue === t.r)
            caretRel = Y.createRelativePositionFromTypeIndex(t.type, t.index + p.caret.offset, -1);
        }
      }
    }, keepConcurrentTypingOrigin);
  if (caretRel) {
    const b = bindingOf(view);
    if (!b) return;
    const pos = relativePositionToAbsolutePosition(doc, b.type, caretRel, b.mapping as never);
    if (pos !== null && pos >= 0 && pos <= view.state.doc.content.size) {
      const tr = view.state.tr.setSelection(Selection.near(view.state.doc.resolve(pos))).setMeta("addToHistory", false);
      view.dispatch(tr);
    }
  }
}

/** The ProseMirror plugin (for editors built without Tiptap's extension list, e.g. tests). */
export function keepConcurrentTypingPlugin(doc: Y.Doc): Plugin {
  return new Plugin({
    key: new PluginKey("keepConcurrentTypingPlugin"),
    view(view) {
      let plans: Plan[] = [];
      // When our recent characters were typed: [time, our clock before that local transaction], oldest first.
      const typed: Array<[number, number]> = [];
      const recentFrom = (now: number, ms: number): number => {
        while (typed.length > 0 && typed[0][0] < now - RECENT_MS) typed.shift();
        const first = typed.find(([t]) => t >= now - ms);
        return first ? first[1] : Y.getState(doc.store, doc.clientID);
      };
      const afterTransaction = (tr: Y.Transaction) => {
        if (tr.local) {
          const before = tr.beforeState.get(doc.clientID) ?? 0;
          if (Y.getState(doc.store, doc.clientID) > before) typed.push([Date.now(), before]);
          return;
        }
        const update = incoming.get(doc);
        if (!update) return;
        const binding = bindingOf(view);
        const plan = analyze(
          tr,
          doc.clientID,
          update,
          { recentFrom: recentFrom(Date.now(), RECENT_MS), justFrom: recentFrom(Date.now(), JUST_TYPED_MS) },
          binding?.beforeTransactionSelection?.head ?? null,
        );
        if (plan) plans.push(plan);
      };
      const afterAllTransactions = () => {
        if (plans.length === 0) return;
        const todo = plans;
        plans = [];
        if (!view.editable) return;
        execute(doc, view, todo);
      };
      doc.on("afterTransaction", afterTransaction);
      doc.on("afterAllTransactions", afterAllTransactions);
      return {
        destroy() {
          doc.off("afterTransaction", afterTransaction);
          doc.off("afterAllTransactions", afterAllTransactions);
        },
      };
    },
  });
}

/** Options of {@link KeepConcurrentTyping}. */
export interface KeepConcurrentTypingOptions {
  /** The statement's Y.Doc (the one Collaboration is bound to). */
  document: Y.Doc | null;
}

/** The Tiptap extension: `KeepConcurrentTyping.configure({ document: ydoc })`. */
export const KeepConcurrentTyping = Extension.create<KeepConcurrentTypingOptions>({
  name: "keepConcurrentTyping",
  addOptions() {
    return { document: null };
  },
  addProseMirrorPlugins() {
    return this.options.document ? [keepConcurrentTypingPlugin(this.options.document)] : [];
  },
});
