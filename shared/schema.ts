/**
 * The shape of a statement's Yjs document, as the editor's schema (Tiptap StarterKit + ClauseId, see
 * `client/editor/extensions/base.ts`) writes it through y-tiptap: which elements may appear where, which
 * attributes each carries, and which marks text may have. The server refuses any update that would leave the
 * document outside this shape (`server/sync/validate-update.ts`); a client test checks that this table and the
 * editor's real schema agree, so adding an extension without updating it fails the suite.
 *
 * y-tiptap maps a ProseMirror node to a `Y.XmlElement` named after the node type, its attributes to the
 * element's attributes, text to `Y.XmlText`, and marks to formatting attributes on that text.
 */

/** Top-level and nested block nodes (the ones that may stand directly in the document or a blockquote). */
export const BLOCK_NODES = [
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "blockquote",
  "codeBlock",
  "horizontalRule",
] as const;

/** What each element may contain: element names, and `#text` for a Y.XmlText. */
export const NODE_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  paragraph: ["#text", "hardBreak"],
  heading: ["#text", "hardBreak"],
  codeBlock: ["#text"],
  blockquote: BLOCK_NODES,
  bulletList: ["listItem"],
  orderedList: ["listItem"],
  listItem: BLOCK_NODES,
  horizontalRule: [],
  hardBreak: [],
};

/** An attribute's allowed values. */
export type AttributeRule =
  | { kind: "string"; max: number; nullable?: boolean }
  | { kind: "integer"; min: number; max: number; nullable?: boolean };

const clauseId: AttributeRule = { kind: "string", max: 64, nullable: true };

/** The attributes each element may carry (y-tiptap writes the non-null ones, and removes nulls). */
export const NODE_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeRule>>>> = {
  paragraph: { clauseId },
  heading: { clauseId, level: { kind: "integer", min: 1, max: 6 } },
  codeBlock: { clauseId, language: { kind: "string", max: 64, nullable: true } },
  blockquote: { clauseId },
  bulletList: { clauseId },
  orderedList: {
    clauseId,
    start: { kind: "integer", min: 0, max: 1_000_000 },
    type: { kind: "string", max: 16, nullable: true },
  },
  horizontalRule: { clauseId },
  // Each item of a top-level list is a clause (shared/canonical.ts); lists keep the attribute for the ids they
  // carried before, which the editor moves to their first item.
  listItem: { clauseId },
  hardBreak: {},
};

/** Marks text may carry, with their attributes (y-tiptap stores a mark as a format whose value is its attrs). */
export const MARK_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  bold: [],
  italic: [],
  strike: [],
  code: [],
  link: ["href", "target", "rel", "class", "title"],
};

/** Longest value of one mark attribute (a link's href is the long one). */
export const MAX_MARK_ATTRIBUTE_CHARS = 2048;

/** The default maximum nesting of elements (a list nested 15 deep is 30 levels: list and item each). */
export const DEFAULT_MAX_DOCUMENT_DEPTH = 32;

/** Whether `child` (an element name, or `#text`) may stand inside element `parent`. */
export function childAllowed(parent: string, child: string): boolean {
  return Object.hasOwn(NODE_CHILDREN, parent) && NODE_CHILDREN[parent].includes(child);
}

/** The rule of attribute `key` on element `node`, if it may carry it. */
export function attributeRule(node: string, key: string): AttributeRule | undefined {
  if (!Object.hasOwn(NODE_ATTRIBUTES, node) || !Object.hasOwn(NODE_ATTRIBUTES[node], key)) return undefined;
  return NODE_ATTRIBUTES[node][key];
}

/** Whether `name` is an element of the schema. */
export function isSchemaNode(name: string): boolean {
  return Object.hasOwn(NODE_CHILDREN, name);
}

/** Whether an attribute value is allowed by its rule. */
export function attributeAllowed(rule: AttributeRule, value: unknown): boolean {
  if (value === null || value === undefined) return rule.nullable === true;
  if (rule.kind === "string") return typeof value === "string" && value.length <= rule.max;
  return typeof value === "number" && Number.isInteger(value) && value >= rule.min && value <= rule.max;
}

/** Whether a mark's attributes (the format value y-tiptap writes) are allowed. `null` ends the mark. */
export function markValueAllowed(mark: string, value: unknown): boolean {
  if (!Object.hasOwn(MARK_ATTRIBUTES, mark)) return false;
  const attrs = MARK_ATTRIBUTES[mark];
  if (value === null) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!attrs.includes(key)) return false;
    if (v !== null && !(typeof v === "string" && v.length <= MAX_MARK_ATTRIBUTE_CHARS)) return false;
  }
  return true;
}
