/**
 * Anchoring threads on a Y.Doc: a thread belongs to a clause (its `clauseId`) and optionally to a range inside it,
 * stored as two Yjs relative positions plus the quoted text at creation. `from` sticks to the first quoted
 * character (assoc 0) and `to` to the last one (assoc -1), so text typed just outside the range stays outside,
 * text typed inside it grows it, and concurrent edits elsewhere never move it off its words.
 *
 * The server validates new anchors and places threads with these; the client makes anchors from a selection.
 */
import * as Y from "yjs";
import { fromBase64, toBase64 } from "lib0/buffer";
import { clauseElements, DOCUMENT_FIELD } from "../canonical";
import type { AnchorInput, ThreadPlacement } from "./schemas";

/** Any Yjs type: AbstractType is invariant in its event type, so `any` is its only common instantiation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type YType = Y.AbstractType<any>;

/** Base64 of an encoded relative position. */
export function encodePosition(pos: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(pos));
}

/** Decodes a base64 relative position; null when the bytes are not one. */
export function decodePosition(encoded: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(fromBase64(encoded));
  } catch {
    return null;
  }
}

/**
 * The clause element carrying `clauseId` (a top-level block or an item of a top-level list, see
 * shared/canonical.ts), with its index among the clauses, or null.
 */
export function findClause(doc: Y.Doc, clauseId: string): { element: Y.XmlElement; index: number } | null {
  const clauses = clauseElements(doc.getXmlFragment(DOCUMENT_FIELD));
  for (let i = 0; i < clauses.length; i++) {
    if (clauses[i].clauseId === clauseId) return { element: clauses[i].element, index: i };
  }
  return null;
}

/** The position of every clause id in document order (for sorting threads). */
export function clauseOrder(doc: Y.Doc): Map<string, number> {
  const order = new Map<string, number>();
  clauseElements(doc.getXmlFragment(DOCUMENT_FIELD)).forEach((c, i) => {
    if (c.clauseId !== null && !order.has(c.clauseId)) order.set(c.clauseId, i);
  });
  return order;
}

/**
 * A clause's text as one string, with a way to map Yjs positions inside the clause onto it: every text
 * node contributes its characters (an embed one placeholder), a hard break `\n`, and a `\n` separates
 * nested blocks (list items, paragraphs in a quote).
 */
export interface ClauseText {
  text: string;
  /** Offset in {@link text} of `index` inside `type`, or null when `type` is not (live) inside the clause. */
  offsetOf(type: YType, index: number): number | null;
  /** The text node and index at an offset (for making positions). */
  locate(offset: number): { node: Y.XmlText; index: number } | null;
}

/** Builds the {@link ClauseText} of a clause element. */
export function clauseText(clause: Y.XmlElement): ClauseText {
  let text = "";
  const starts = new Map<YType, number>();
  const ends = new Map<YType, number>();
  const childStarts = new Map<YType, number[]>();
  const texts: Array<{ node: Y.XmlText; start: number; length: number }> = [];

  const walk = (el: Y.XmlElement) => {
    starts.set(el, text.length);
    const cs: number[] = [];
    let blockSeen = false;
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) {
        cs.push(text.length);
        starts.set(child, text.length);
        let s = "";
        for (const op of child.toDelta() as Array<{ insert: unknown }>) {
          s += typeof op.insert === "string" ? op.insert : "\uFFFC";
        }
        texts.push({ node: child, start: text.length, length: s.length });
        text += s;
        ends.set(child, text.length);
      } else if (child instanceof Y.XmlElement) {
        const isBlock = child.nodeName !== "hardBreak" && child.nodeName !== "image";
        if (isBlock && blockSeen) text += "\n";
        cs.push(text.length);
        if (child.nodeName === "hardBreak") {
          starts.set(child, text.length);
          text += "\n";
          ends.set(child, text.length);
        } else {
          walk(child);
          blockSeen = blockSeen || isBlock;
        }
      } else {
        cs.push(text.length);
      }
    }
    childStarts.set(el, cs);
    ends.set(el, text.length);
  };
  walk(clause);

  const isLiveInside = (type: YType): boolean => {
    let t: YType | null = type;
    while (t && t !== clause) {
      const item: Y.Item | null = t._item;
      if (!item || item.deleted) return false;
      t = item.parent as YType | null;
    }
    return t === clause && !(clause._item?.deleted ?? true);
  };

  return {
    text,
    offsetOf(type, index) {
      if (!isLiveInside(type) || !starts.has(type)) return null;
      if (type instanceof Y.XmlText) return Math.min(starts.get(type)! + index, ends.get(type)!);
      const cs = childStarts.get(type);
      if (!cs) return null;
      return index < cs.length ? cs[index] : ends.get(type)!;
    },
    locate(offset) {
      for (const t of texts) {
        if (offset >= t.start && offset <= t.start + t.length) return { node: t.node, index: offset - t.start };
      }
      return null;
    },
  };
}

/**
 * Makes an anchor for the characters `[start, end)` of a clause's text ({@link clauseText}), as a client
 * does for a selection. Both ends must lie in text nodes. Throws when the clause or the offsets are not there.
 */
export function anchorForClauseRange(doc: Y.Doc, clauseId: string, start: number, end: number): AnchorInput {
  const clause = findClause(doc, clauseId);
  if (!clause) throw new Error(`no clause ${clauseId}`);
  const ct = clauseText(clause.element);
  if (!(start < end)) throw new Error("empty range");
  // `from` at the first quoted character, `to` right after the last one, both inside the text nodes that hold them.
  const a = ct.locate(start);
  const b = locateEnd(ct, end);
  if (!a || !b) throw new Error("range outside the clause's text");
  return {
    from: encodePosition(Y.createRelativePositionFromTypeIndex(a.node, a.index, 0)),
    to: encodePosition(Y.createRelativePositionFromTypeIndex(b.node, b.index, -1)),
    quote: ct.text.slice(start, end),
  };
}

function locateEnd(ct: ClauseText, end: number): { node: Y.XmlText; index: number } | null {
  // The end belongs to the node holding the last quoted character (index > 0), not the next node's start.
  const atPrev = ct.locate(end - 1);
  if (!atPrev) return null;
  return { node: atPrev.node, index: atPrev.index + 1 };
}

/**
 * Re-bases an encoded position with the association anchors use (see the file header), whatever the client
 * library produced: `assoc` 0 for `from`, -1 for `to`. Null when it does not resolve in `doc`.
 */
export function withAssoc(doc: Y.Doc, pos: Y.RelativePosition, assoc: 0 | -1): Y.RelativePosition | null {
  const abs = absolute(doc, pos);
  if (!abs) return null;
  return Y.createRelativePositionFromTypeIndex(abs.type, abs.index, assoc);
}

function absolute(doc: Y.Doc, pos: Y.RelativePosition): Y.AbsolutePosition | null {
  try {
    return Y.createAbsolutePositionFromRelativePosition(pos, doc);
  } catch {
    // A position naming items this document has never seen.
    return null;
  }
}

/** Collapses runs of whitespace, so that a quote taken with other block separators still compares equal. */
function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/**
 * Where a thread sits in `doc` now (see {@link ThreadPlacement}). The clause is found by id; the range by
 * its relative positions, which must still resolve inside that clause (or, for a thread made on a whole list,
 * in a later item of that list).
 */
export function resolvePlacement(
  doc: Y.Doc,
  thread: { clauseId: string; anchor: AnchorInput | null },
): ThreadPlacement {
  const clause = findClause(doc, thread.clauseId);
  if (!clause) return { kind: "removed" };
  if (!thread.anchor) return { kind: "clause", clauseIndex: clause.index };
  const from = decodePosition(thread.anchor.from);
  const to = decodePosition(thread.anchor.to);
  const a = from && absolute(doc, from);
  const b = to && absolute(doc, to);
  // A thread made on a list while the whole list was one clause keeps that list's id, which moved to its first
  // item (shared/canonical.ts): its words may be in a later item of the same list, where it is placed.
  const candidates: Array<{ element: Y.XmlElement; index: number }> = [clause];
  const list = clause.element.nodeName === "listItem" ? clause.element.parent : null;
  if (list instanceof Y.XmlElement) {
    const items = list.toArray();
    const at = items.indexOf(clause.element);
    items.forEach((item, i) => {
      if (i > at && item instanceof Y.XmlElement) candidates.push({ element: item, index: clause.index + i - at });
    });
  }
  for (const c of candidates) {
    const ct = clauseText(c.element);
    const start = a ? ct.offsetOf(a.type, a.index) : null;
    const end = b ? ct.offsetOf(b.type, b.index) : null;
    if (start === null || end === null || end <= start) continue;
    const text = ct.text.slice(start, end);
    const quote = squash(text) === squash(thread.anchor.quote) ? "intact" : squash(text) === "" ? "removed" : "edited";
    return { kind: "range", clauseIndex: c.index, start, end, text, quote };
  }
  // The words are gone (the range collapsed, or left the clause).
  const start = a ? clauseText(clause.element).offsetOf(a.type, a.index) : null;
  return { kind: "range", clauseIndex: clause.index, start: start ?? 0, end: start ?? 0, text: "", quote: "removed" };
}

/**
 * Checks a new anchor against the clause it claims: both positions resolve inside the clause and `from`
 * is not after `to`. Returns the anchor re-based to the canonical associations, or a reason.
 */
export function validateAnchor(
  doc: Y.Doc,
  clauseId: string,
  anchor: AnchorInput,
): { ok: true; anchor: AnchorInput } | { ok: false; reason: string } {
  const clause = findClause(doc, clauseId);
  if (!clause) return { ok: false, reason: "That clause is not in the document." };
  const from = decodePosition(anchor.from);
  const to = decodePosition(anchor.to);
  if (!from || !to) return { ok: false, reason: "anchor: from and to must be encoded Yjs relative positions." };
  const ct = clauseText(clause.element);
  const a = absolute(doc, from);
  const b = absolute(doc, to);
  const start = a ? ct.offsetOf(a.type, a.index) : null;
  const end = b ? ct.offsetOf(b.type, b.index) : null;
  if (start === null || end === null) return { ok: false, reason: "anchor: the range is not inside that clause." };
  if (end < start) return { ok: false, reason: "anchor: from comes after to." };
  const rf = withAssoc(doc, from, 0);
  const rt = withAssoc(doc, to, -1);
  return {
    ok: true,
    anchor: {
      from: rf ? encodePosition(rf) : anchor.from,
      to: rt ? encodePosition(rt) : anchor.to,
      quote: anchor.quote,
    },
  };
}
