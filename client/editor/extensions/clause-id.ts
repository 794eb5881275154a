/**
 * ClauseId: every top-level block of a statement (a *clause*) carries a stable, unique `clauseId`
 * attribute (shared/canonical.ts `CLAUSE_ID_ATTR`, rendered as `data-clause-id`). Comments and sign-offs
 * hang off these ids, so they must survive edits, and copies must not steal them.
 *
 * Rules, enforced by an appendTransaction after every *local* document change:
 * - a top-level block without an id gets a new one;
 * - two top-level blocks with the same id (a paste of a copied clause, a split): one keeps the id, the others
 *   get new ones. The keeper is, in order of preference, a non-empty block over an empty one (so Enter at the
 *   start of a clause leaves the id on the text, not on the new empty line), then the block where the
 *   original clause was mapped to by the transaction, then the first in document order. Hence a split in the
 *   middle keeps the id on the first half and gives the second half a new one;
 * - blocks nested inside others (a paragraph in a list item or blockquote) carry no id.
 *
 * Collaboration: transactions that y-tiptap dispatches for remote Yjs changes (meta `y-sync$` with
 * `isChangeOrigin`) are never fixed up here, otherwise two clients would race to assign different ids to
 * the same block. A client that cannot edit (read-only role, final statement) never writes either.
 */
import { Extension } from "@tiptap/core";
import type { Node as PMNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorState, Transaction } from "@tiptap/pm/state";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { CLAUSE_ID_ATTR } from "../../../shared/canonical";
import { BLOCK_NODES } from "../../../shared/schema";

/** Node types that can be clauses (top-level blocks) and so carry the attribute: the schema's block nodes. */
export const CLAUSE_NODE_TYPES = BLOCK_NODES;

/** The HTML attribute that carries a clause id in the DOM and in copied HTML. */
export const CLAUSE_ID_DOM_ATTR = "data-clause-id";

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A new random clause id: 10 base-36 characters from `crypto.getRandomValues` (~51 bits). */
export function newClauseId(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  let id = "";
  // 252 = 7 * 36: rejecting bytes ≥ 252 keeps every character equally likely.
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i];
    while (b >= 252) b = crypto.getRandomValues(new Uint8Array(1))[0];
    id += ID_ALPHABET[b % 36];
  }
  return id;
}

/** One attribute change the plan asks for: set `clauseId` of the node at `pos` to `id` (null clears). */
export interface ClauseIdFix {
  pos: number;
  id: string | null;
}

/** Options of {@link planClauseIds}. */
export interface PlanOptions {
  /** Makes new ids (default {@link newClauseId}); tests pass a deterministic one. */
  generateId?: () => string;
  /**
   * For an id that already existed before the change, where that clause's start position maps to in the new
   * document; used to decide which duplicate keeps the id.
   */
  previousPositions?: ReadonlyMap<string, number>;
}

function clauseIdOf(node: PMNode): string | null {
  const v = node.attrs[CLAUSE_ID_ATTR] as unknown;
  return typeof v === "string" && v !== "" ? v : null;
}

function hasClauseAttr(node: PMNode): boolean {
  return CLAUSE_ID_ATTR in node.attrs;
}

function isEmptyBlock(node: PMNode): boolean {
  return node.textContent.trim() === "" && !node.type.isAtom && node.type.name !== "horizontalRule";
}

/**
 * The pure core of the extension: the id changes that make `doc` satisfy the rules above. Returns an empty
 * list when the document is already fine.
 */
export function planClauseIds(doc: PMNode, options: PlanOptions = {}): ClauseIdFix[] {
  const generate = options.generateId ?? newClauseId;
  const fixes: ClauseIdFix[] = [];
  const top: Array<{ pos: number; node: PMNode; id: string | null }> = [];
  doc.forEach((node, offset) => {
    top.push({ pos: offset, node, id: clauseIdOf(node) });
    // Nested blocks never carry ids.
    node.descendants((child, childPos) => {
      if (child.isBlock && hasClauseAttr(child) && clauseIdOf(child) !== null) {
        fixes.push({ pos: offset + 1 + childPos, id: null });
      }
      return !child.isTextblock;
    });
  });

  const used = new Set<string>();
  const groups = new Map<string, number[]>();
  top.forEach((entry, i) => {
    if (entry.id === null) return;
    used.add(entry.id);
    const g = groups.get(entry.id);
    if (g) g.push(i);
    else groups.set(entry.id, [i]);
  });
  const fresh = () => {
    let id = generate();
    while (used.has(id)) id = generate();
    used.add(id);
    return id;
  };

  const reassign = new Set<number>();
  for (const [id, members] of groups) {
    if (members.length < 2) continue;
    const mapped = options.previousPositions?.get(id);
    const rank = (i: number): number => {
      const e = top[i];
      // Lower is better: non-empty first, then the mapped position of the original, then document order.
      return (isEmptyBlock(e.node) ? 2 : 0) + (mapped !== undefined && e.pos === mapped ? 0 : 1);
    };
    let keeper = members[0];
    for (const i of members) if (rank(i) < rank(keeper)) keeper = i;
    for (const i of members) if (i !== keeper) reassign.add(i);
  }

  top.forEach((entry, i) => {
    if (!hasClauseAttr(entry.node)) return;
    if (entry.id === null || reassign.has(i)) fixes.push({ pos: entry.pos, id: fresh() });
  });
  return fixes.sort((a, b) => a.pos - b.pos);
}

/** Applies planned fixes to a transaction (attribute changes keep positions stable). */
export function applyClauseIdFixes(tr: Transaction, fixes: readonly ClauseIdFix[]): Transaction {
  for (const f of fixes) tr.setNodeAttribute(f.pos, CLAUSE_ID_ATTR, f.id);
  return tr;
}

/** Was this transaction dispatched by y-tiptap for a remote (or undo-manager) Yjs change? */
export function isRemoteYjsChange(tr: Transaction): boolean {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
  return meta?.isChangeOrigin === true;
}

/** Where each top-level id of `oldState` lands after `transactions` (only for clauses that survived). */
function mappedPositions(oldState: EditorState, transactions: readonly Transaction[]): Map<string, number> {
  const out = new Map<string, number>();
  oldState.doc.forEach((node, offset) => {
    const id = clauseIdOf(node);
    if (id === null || out.has(id)) return;
    let pos = offset;
    for (const tr of transactions) {
      const r = tr.mapping.mapResult(pos, 1);
      if (r.deleted) return;
      pos = r.pos;
    }
    out.set(id, pos);
  });
  return out;
}

/** Options of the {@link ClauseId} extension. */
export interface ClauseIdOptions {
  /** Node types that get the attribute. */
  types: readonly string[];
  /** Id generator (tests). */
  generateId: () => string;
}

/** The plugin key of the ClauseId appendTransaction plugin. */
export const clauseIdPluginKey = new PluginKey("clauseId");

/** The Tiptap extension: the global attribute plus the plugin that keeps ids present and unique. */
export const ClauseId = Extension.create<ClauseIdOptions>({
  name: "clauseId",

  addOptions() {
    return { types: CLAUSE_NODE_TYPES, generateId: newClauseId };
  },

  addGlobalAttributes() {
    return [
      {
        types: [...this.options.types],
        attributes: {
          [CLAUSE_ID_ATTR]: {
            default: null,
            // A split's new half must not inherit the id (Tiptap's splitBlock honours this at the end of a block).
            keepOnSplit: false,
            parseHTML: (element: HTMLElement) => element.getAttribute(CLAUSE_ID_DOM_ATTR) || null,
            renderHTML: (attributes: Record<string, unknown>) => {
              const id = attributes[CLAUSE_ID_ATTR];
              return typeof id === "string" && id !== "" ? { [CLAUSE_ID_DOM_ATTR]: id } : {};
            },
          },
        },
      },
    ];
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    const generateId = this.options.generateId;
    return [
      new Plugin({
        key: clauseIdPluginKey,
        appendTransaction(transactions, oldState, newState) {
          if (!editor.isEditable) return null;
          const local = transactions.some((tr) => tr.docChanged && !isRemoteYjsChange(tr));
          if (!local) return null;
          const fixes = planClauseIds(newState.doc, {
            generateId,
            previousPositions: mappedPositions(oldState, transactions),
          });
          if (fixes.length === 0) return null;
          return applyClauseIdFixes(newState.tr, fixes);
        },
      }),
    ];
  },
});
