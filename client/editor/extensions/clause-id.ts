/**
 * ClauseId: every clause of a statement — a top-level block, or an item of a top-level list (shared/canonical.ts
 * explains why) — carries a stable, unique `clauseId` attribute (shared/canonical.ts `CLAUSE_ID_ATTR`, rendered
 * as `data-clause-id`). Comments and sign-offs hang off these ids, so they must survive edits, and copies must
 * not steal them.
 *
 * Rules, enforced by an appendTransaction after every *local* document change:
 * - a top-level block without an id gets a new one;
 * - two top-level blocks with the same id (a paste of a copied clause, a split): one keeps the id, the others
 *   get new ones. The keeper is, in order of preference, a non-empty block over an empty one (so Enter at the
 *   start of a clause leaves the id on the text, not on the new empty line), then the block where the
 *   original clause was mapped to by the transaction, then the first in document order. Hence a split in the
 *   middle keeps the id on the first half and gives the second half a new one;
 * - blocks nested inside a clause (a paragraph in a list item or blockquote) carry no id; a clause without an
 *   id takes the first id found inside it, so wrapping a paragraph in a list or a quote keeps its threads and
 *   positions;
 * - a top-level list carries no id, its items do. A list written before items carried ids (the list has an id,
 *   no item has one) is left as it is — one clause, its positions fresh — until it is edited: then its id moves
 *   to its first item and the others get new ones (the migration described in shared/canonical.ts).
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
import { CLAUSE_ID_ATTR, LIST_NODES } from "../../../shared/canonical";
import { BLOCK_NODES } from "../../../shared/schema";

/** Node types that can be clauses and so carry the attribute: the schema's block nodes and list items. */
export const CLAUSE_NODE_TYPES: readonly string[] = [...BLOCK_NODES, "listItem"];

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
  /**
   * Whether a list that is still one clause (see the header) is unchanged by the transaction, so it stays as it
   * is. Without it every such list is migrated.
   */
  unchangedWholeList?: (list: PMNode) => boolean;
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

/** Whether a top-level list is still one clause: it has an id and none of its items has (shared/canonical.ts). */
export function isWholeListClause(node: PMNode): boolean {
  if (!LIST_NODES.includes(node.type.name) || clauseIdOf(node) === null) return false;
  let itemId = false;
  node.forEach((item) => {
    if (clauseIdOf(item) !== null) itemId = true;
  });
  return !itemId;
}

/**
 * Calls `fn` for every clause node of a document in order — each top-level block, or each item of a top-level
 * list — with its position and id. What the gutters and comment anchors should use to find clauses.
 */
export function forEachClauseNode(doc: PMNode, fn: (node: PMNode, pos: number, id: string | null) => void): void {
  doc.forEach((node, offset) => {
    if (!LIST_NODES.includes(node.type.name) || isWholeListClause(node)) fn(node, offset, clauseIdOf(node));
    else node.forEach((item, itemOffset) => fn(item, offset + 1 + itemOffset, clauseIdOf(item)));
  });
}

/** A clause node with the id it keeps or takes. */
interface Unit {
  pos: number;
  node: PMNode;
  /** The id it carries now. */
  own: string | null;
  /** The id it should carry, before duplicates are resolved (its own, its list's, or one found inside it). */
  id: string | null;
}

/**
 * The pure core of the extension: the id changes that make `doc` satisfy the rules above. Returns an empty
 * list when the document is already fine.
 */
export function planClauseIds(doc: PMNode, options: PlanOptions = {}): ClauseIdFix[] {
  const generate = options.generateId ?? newClauseId;
  const fixes: ClauseIdFix[] = [];
  const units: Unit[] = [];
  /** Clears the ids nested inside a clause; returns the first of them (a clause without an id takes it). */
  const clearInside = (node: PMNode, pos: number): string | null => {
    let first: string | null = null;
    node.descendants((child, childPos) => {
      const id = clauseIdOf(child);
      if (child.isBlock && hasClauseAttr(child) && id !== null) {
        fixes.push({ pos: pos + 1 + childPos, id: null });
        first ??= id;
      }
      return !child.isTextblock;
    });
    return first;
  };
  const addUnit = (node: PMNode, pos: number, inherited: string | null = null) => {
    const own = clauseIdOf(node);
    const inside = clearInside(node, pos);
    units.push({ pos, node, own, id: own ?? inherited ?? inside });
  };
  doc.forEach((node, offset) => {
    const list = LIST_NODES.includes(node.type.name);
    if (!list || (isWholeListClause(node) && (options.unchangedWholeList?.(node) ?? false))) {
      addUnit(node, offset);
      return;
    }
    // A list's clauses are its items; a list still carrying its old whole-list id hands it to its first item.
    const listId = clauseIdOf(node);
    if (listId !== null) fixes.push({ pos: offset, id: null });
    node.forEach((item, itemOffset) => addUnit(item, offset + 1 + itemOffset, itemOffset === 0 ? listId : null));
  });

  const used = new Set<string>();
  const groups = new Map<string, number[]>();
  units.forEach((u, i) => {
    if (u.id === null) return;
    used.add(u.id);
    const g = groups.get(u.id);
    if (g) g.push(i);
    else groups.set(u.id, [i]);
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
      const u = units[i];
      // Lower is better: non-empty first, then the mapped position of the original, then its own id, then order.
      return (
        (isEmptyBlock(u.node) ? 4 : 0) + (mapped !== undefined && u.pos === mapped ? 0 : 2) + (u.own === id ? 0 : 1)
      );
    };
    let keeper = members[0];
    for (const i of members) if (rank(i) < rank(keeper)) keeper = i;
    for (const i of members) if (i !== keeper) reassign.add(i);
  }

  units.forEach((u, i) => {
    if (!hasClauseAttr(u.node)) return;
    const id = u.id === null || reassign.has(i) ? fresh() : u.id;
    if (id !== u.own) fixes.push({ pos: u.pos, id });
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

/** Where each clause id of `oldState` lands after `transactions` (only for clauses that survived). */
function mappedPositions(oldState: EditorState, transactions: readonly Transaction[]): Map<string, number> {
  const out = new Map<string, number>();
  forEachClauseNode(oldState.doc, (_node, offset, id) => {
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
          const before = new Map<string, PMNode>();
          oldState.doc.forEach((node) => {
            if (isWholeListClause(node)) before.set(clauseIdOf(node)!, node);
          });
          const fixes = planClauseIds(newState.doc, {
            generateId,
            previousPositions: mappedPositions(oldState, transactions),
            unchangedWholeList: (list) => before.get(clauseIdOf(list)!)?.eq(list) ?? false,
          });
          if (fixes.length === 0) return null;
          return applyClauseIdFixes(newState.tr, fixes);
        },
      }),
    ];
  },
});
