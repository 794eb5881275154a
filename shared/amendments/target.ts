/**
 * Where a proposal applies, on a Y.Doc: the words it replaces are held by two Yjs relative positions (like a
 * comment's range: `from` sticks to the first word, `to` to the last), their text at proposal time (`quote`), and
 * their offsets in the clause's plain text. The server makes targets, checks them and applies accepted ones; the
 * client uses the same check to show a proposal as outdated as soon as its words change.
 *
 * A target lies inside one run of text (one paragraph, heading or list item's paragraph, between line breaks):
 * replacing it is then one delete and one insert in one Y.XmlText, which keeps the words around it, their
 * formatting and everybody's carets where they were. A proposal is current only while the text between its two
 * positions is exactly its quote; anything else (a word changed, the words or the clause deleted) is outdated.
 */
import * as Y from "yjs";
import { clauseElements, DOCUMENT_FIELD } from "../canonical";
import { clauseText, decodePosition, encodePosition, findClause, validateAnchor } from "../comments/anchors";
import type { AnchorInput } from "../comments/schemas";
import type { AmendmentTarget } from "./schemas";

/** What a target is in a document now: its words, where to replace them, or why it no longer applies. */
export type TargetState =
  { kind: "current"; text: Y.XmlText; index: number; length: number } | { kind: "outdated"; reason: string };

function absolute(doc: Y.Doc, encoded: string): Y.AbsolutePosition | null {
  const pos = decodePosition(encoded);
  if (!pos) return null;
  try {
    return Y.createAbsolutePositionFromRelativePosition(pos, doc);
  } catch {
    return null;
  }
}

/** The text nodes of a clause, in order. */
function textNodes(el: Y.XmlElement): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) out.push(child);
    else if (child instanceof Y.XmlElement) out.push(...textNodes(child));
  }
  return out;
}

/**
 * A target for new wording of clause `clauseId`: the words `anchor` names, or without one the whole clause when
 * its text is one run. The quote is the document's own text between the positions (what will be replaced).
 */
export function makeTarget(
  doc: Y.Doc,
  clauseId: string,
  anchor: AnchorInput | null,
): { ok: true; target: AmendmentTarget } | { ok: false; reason: string } {
  const clause = findClause(doc, clauseId);
  if (!clause) return { ok: false, reason: "That clause is not in the document." };
  let text: Y.XmlText;
  let index: number;
  let length: number;
  if (anchor) {
    const checked = validateAnchor(doc, clauseId, anchor);
    if (!checked.ok) return checked;
    const a = absolute(doc, checked.anchor.from);
    const b = absolute(doc, checked.anchor.to);
    if (!a || !b || !(a.type instanceof Y.XmlText) || a.type !== b.type || b.index <= a.index) {
      return { ok: false, reason: "Select words within one paragraph to suggest new wording for them." };
    }
    text = a.type;
    index = a.index;
    length = b.index - a.index;
  } else {
    const runs = textNodes(clause.element).filter((t) => t.length > 0);
    if (runs.length !== 1) {
      return {
        ok: false,
        reason: "This clause has several paragraphs or line breaks: select the words to suggest new wording for.",
      };
    }
    text = runs[0];
    index = 0;
    length = text.length;
  }
  const ct = clauseText(clause.element);
  const start = ct.offsetOf(text, index);
  if (start === null) return { ok: false, reason: "The words are not inside that clause." };
  const quote = ct.text.slice(start, start + length);
  if (quote.trim() === "") return { ok: false, reason: "Select the words to suggest new wording for." };
  return {
    ok: true,
    target: {
      from: encodePosition(Y.createRelativePositionFromTypeIndex(text, index, 0)),
      to: encodePosition(Y.createRelativePositionFromTypeIndex(text, index + length, -1)),
      quote,
      start,
      end: start + length,
    },
  };
}

/** The clause elements of a document by id (the first of a duplicated id), to check many targets at once. */
export function clausesById(doc: Y.Doc): Map<string, Y.XmlElement> {
  const out = new Map<string, Y.XmlElement>();
  for (const c of clauseElements(doc.getXmlFragment(DOCUMENT_FIELD))) {
    if (c.clauseId !== null && !out.has(c.clauseId)) out.set(c.clauseId, c.element);
  }
  return out;
}

/**
 * Whether a target's words are still exactly there (see the module comment). `clauses` ({@link clausesById})
 * spares finding the clause again when many targets are checked on one state of the document.
 */
export function checkTarget(
  doc: Y.Doc,
  amendment: { clauseId: string; target: AmendmentTarget },
  clauses?: ReadonlyMap<string, Y.XmlElement>,
): TargetState {
  const element = clauses ? clauses.get(amendment.clauseId) : findClause(doc, amendment.clauseId)?.element;
  if (!element) return { kind: "outdated", reason: "The clause was removed." };
  const a = absolute(doc, amendment.target.from);
  const b = absolute(doc, amendment.target.to);
  if (!a || !b || !(a.type instanceof Y.XmlText) || a.type !== b.type || b.index <= a.index) {
    return { kind: "outdated", reason: "The words it replaces were removed." };
  }
  const ct = clauseText(element);
  const start = ct.offsetOf(a.type, a.index);
  const end = ct.offsetOf(b.type, b.index);
  if (start === null || end === null || ct.text.slice(start, end) !== amendment.target.quote) {
    return { kind: "outdated", reason: "The words it replaces have changed since it was proposed." };
  }
  return { kind: "current", text: a.type, index: a.index, length: b.index - a.index };
}

/**
 * Replaces the target's words with `replacement`, in the formatting of the first replaced character. Returns the
 * refusal when the target is outdated (and then changes nothing).
 */
export function applyAmendment(
  doc: Y.Doc,
  amendment: { clauseId: string; target: AmendmentTarget; replacement: string },
): { ok: true } | { ok: false; reason: string } {
  const state = checkTarget(doc, amendment);
  if (state.kind === "outdated") return { ok: false, reason: state.reason };
  const { text, index, length } = state;
  const format = formatAt(text, index);
  doc.transact(() => {
    text.delete(index, length);
    if (amendment.replacement !== "") text.insert(index, amendment.replacement, format);
  });
  return { ok: true };
}

/** The formatting attributes of the character at `index`. */
function formatAt(text: Y.XmlText, index: number): Record<string, unknown> {
  let at = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
    const len = typeof op.insert === "string" ? op.insert.length : 1;
    if (index < at + len) return { ...(op.attributes ?? {}) };
    at += len;
  }
  return {};
}
