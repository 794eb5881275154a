/**
 * Checks a Yjs update completely before it touches a room's document.
 *
 * Yjs itself is forgiving in ways a server shared by several organizations cannot be: an update it cannot
 * place yet is kept "pending" (uncounted, then stored by the next compaction), a struct may carry any client
 * id, a delete may name ranges nobody has written yet, and any shape of content is accepted. Applying first and
 * checking afterwards would leave the document half-changed when the check fails. So the update is decoded
 * here, in full, and refused unless every one of these holds:
 *
 * 1. **Well-formed**: it decodes; no `Skip` structs (gaps that only merged updates carry); each client appears
 *    in one section.
 * 2. **Contiguous**: each client's structs start at or below the document's clock for that client, and every
 *    reference (left/right origin, parent) and every deleted range points at structs the document has or the
 *    update brings. Nothing can end up pending.
 * 3. **Owned**: new structs use only client ids bound to this user, or ids the document has never seen (which
 *    this update then binds to the user). Structs that the document already has are ignored by Yjs, whoever
 *    wrote them, so an honest client echoing known structs of others is not refused.
 * 4. **Schema-shaped** (shared/schema.ts): only `Y.XmlElement`s of the editor's node types, `Y.XmlText`, text,
 *    the schema's marks and attributes with bounded values, each in a parent that may hold it, under the
 *    `default` fragment only, nested no deeper than `maxDepth`.
 *
 * Cost: one decode of the update and, per new struct, a lookup of its neighbour and a walk up its ancestors
 * (bounded by `maxDepth`), so typing stays cheap.
 */
import * as Y from "yjs";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import {
  attributeAllowed,
  attributeRule,
  childAllowed,
  isSchemaNode,
  markValueAllowed,
  BLOCK_NODES,
} from "../../shared/schema";

/** Why an update was refused (stable words, shown to the sender). */
export const UpdateRefusal = {
  malformed: "malformed",
  missingDependency: "missing-dependency",
  foreignClient: "foreign-client",
  schema: "schema",
  tooDeep: "too-deep",
} as const;
export type UpdateRefusal = (typeof UpdateRefusal)[keyof typeof UpdateRefusal];

/** The verdict on one update. */
export type UpdateVerdict =
  | { ok: true; /** Client ids this update introduces: the caller binds them to the user. */ newClients: number[] }
  | { ok: false; refusal: UpdateRefusal; message: string };

/** What the check needs to know about the document and the sender. */
export interface UpdateCheckContext {
  doc: Y.Doc;
  /** The user behind the connection. */
  userId: string;
  /** The user a client id is bound to (undefined: not bound). */
  ownerOf: (clientId: number) => string | undefined;
  maxDepth: number;
}

type Struct = Y.Item | Y.GC | Y.Skip;
type ID = { client: number; clock: number };

/** A resolved parent: the root fragment, an element or text in the document, one the update creates, or gone. */
type Parent =
  | { kind: "root" }
  | { kind: "element"; name: string; depth: number }
  | { kind: "text" }
  /** The neighbour was garbage-collected with its parent: Yjs turns the struct into a GC struct. */
  | { kind: "gone" };

// Shared rather than built per item: the check runs on every update, and its garbage is collected on the
// server's CPU too.
const ROOT: Parent = Object.freeze({ kind: "root" });
const TEXT: Parent = Object.freeze({ kind: "text" });
const GONE: Parent = Object.freeze({ kind: "gone" });
const NOWHERE = Object.freeze({ parent: GONE, parentSub: null });

class Refused extends Error {
  constructor(
    readonly refusal: UpdateRefusal,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (refusal: UpdateRefusal, message: string): never => {
  throw new Refused(refusal, message);
};

/** Checks `update` against the document and the sender; never changes the document. */
export function validateUpdate(update: Uint8Array, ctx: UpdateCheckContext): UpdateVerdict {
  try {
    return { ok: true, newClients: check(update, ctx) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal, message: err.message };
    // Anything else thrown while decoding (truncated bytes, a value nested too deep for the decoder…).
    return { ok: false, refusal: UpdateRefusal.malformed, message: "the update cannot be decoded" };
  }
}

function check(update: Uint8Array, ctx: UpdateCheckContext): number[] {
  const { structs, ds } = Y.decodeUpdate(update) as unknown as {
    structs: Struct[];
    ds: { clients: Map<number, Array<{ clock: number; len: number }>> };
  };
  const store = ctx.doc.store;

  // Sections: each client's structs, contiguous by construction of the encoding.
  const sections = new Map<number, Struct[]>();
  let current: Struct[] | null = null;
  let currentClient = -1;
  for (const s of structs) {
    if (s instanceof Y.Skip) refuse(UpdateRefusal.malformed, "the update has gaps (skip structs)");
    if (s.id.client !== currentClient || current === null) {
      if (sections.has(s.id.client)) refuse(UpdateRefusal.malformed, "a client appears twice in the update");
      currentClient = s.id.client;
      current = [];
      sections.set(currentClient, current);
    }
    current.push(s);
  }

  // The clock each client reaches once the update is applied.
  const knownEnd = (client: number): number => {
    const have = Y.getState(store, client);
    const section = sections.get(client);
    if (!section) return have;
    const last = section[section.length - 1];
    return Math.max(have, last.id.clock + last.length);
  };

  const newClients: number[] = [];
  const fresh: Y.Item[] = [];
  for (const [client, section] of sections) {
    const have = Y.getState(store, client);
    const start = section[0].id.clock;
    const end = knownEnd(client);
    if (start > have)
      refuse(UpdateRefusal.missingDependency, `client ${client} starts at clock ${start}, the document has ${have}`);
    if (end <= have) continue; // all known: Yjs skips these structs
    const owner = ctx.ownerOf(client);
    if (owner === undefined) {
      // An id the document already holds but that nobody is bound to (written before bindings existed):
      // nobody may continue it.
      if (have > 0) refuse(UpdateRefusal.foreignClient, `client id ${client} belongs to someone else`);
      newClients.push(client);
    } else if (owner !== ctx.userId) {
      refuse(UpdateRefusal.foreignClient, `client id ${client} belongs to someone else`);
    }
    for (const s of section) if (s instanceof Y.Item && s.id.clock + s.length > have) fresh.push(s);
  }

  const isKnown = (id: ID, from: ID): boolean =>
    id.client === from.client ? id.clock < from.clock : id.clock < knownEnd(id.client);
  for (const item of fresh) {
    if (item.origin && !isKnown(item.origin, item.id)) refuse(UpdateRefusal.missingDependency, "left origin unknown");
    if (item.rightOrigin && !isKnown(item.rightOrigin, item.id))
      refuse(UpdateRefusal.missingDependency, "right origin unknown");
    const parent = item.parent as unknown;
    if (parent !== null && typeof parent === "object" && !isKnown(parent as ID, item.id))
      refuse(UpdateRefusal.missingDependency, "parent unknown");
    if (!item.origin && !item.rightOrigin && parent === null)
      refuse(UpdateRefusal.malformed, "a struct without a place");
  }

  for (const [client, ranges] of ds.clients) {
    const end = knownEnd(client);
    for (const r of ranges) {
      if (r.len < 0 || r.clock + r.len > end) refuse(UpdateRefusal.missingDependency, "a deletion of unknown content");
    }
  }

  checkShape(fresh, sections, ctx);
  return newClients;
}

/** Finds the struct of the update that contains `id`, if any. */
function findInUpdate(sections: Map<number, Struct[]>, id: ID): Struct | undefined {
  const section = sections.get(id.client);
  if (!section) return undefined;
  let lo = 0;
  let hi = section.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = section[mid];
    if (id.clock < s.id.clock) hi = mid - 1;
    else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
    else return s;
  }
  return undefined;
}

function checkShape(fresh: Y.Item[], sections: Map<number, Struct[]>, ctx: UpdateCheckContext): void {
  const root = ctx.doc.share.get(DOCUMENT_FIELD) ?? null;
  // Where each item of the update lands: resolved once, without recursion (origins can chain far).
  const placed = new Map<Y.Item, { parent: Parent; parentSub: string | null }>();

  /** The parent described by a type that already lives in the document. */
  const fromDocType = (type: Y.AbstractType<unknown> | null): Parent => {
    if (type === null) return GONE;
    if (type instanceof Y.XmlText) return TEXT;
    if (type._item === null) {
      if (type === root) return ROOT;
      return refuse(UpdateRefusal.schema, "content outside the document's fragment");
    }
    if (!(type instanceof Y.XmlElement)) return refuse(UpdateRefusal.schema, "content inside a foreign type");
    let depth = 1;
    for (let t = type._item.parent as Y.AbstractType<unknown> | null; t && t._item; t = t._item.parent as never) {
      if (++depth > ctx.maxDepth) return refuse(UpdateRefusal.tooDeep, "the document is nested too deep");
    }
    return { kind: "element", name: type.nodeName, depth };
  };

  /** The parent a ContentType item of the update provides to its children. */
  const asParent = (item: Y.Item): Parent => {
    const type = (item.content as Y.ContentType).type;
    if (type instanceof Y.XmlText) return TEXT;
    const where = placed.get(item)!.parent;
    const depth = where.kind === "element" ? where.depth + 1 : 1;
    return { kind: "element", name: (type as Y.XmlElement).nodeName, depth };
  };

  /** The struct at `id` in the document (asked only when the update does not hold it). */
  const inDoc = (id: ID): Y.Item | Y.GC => Y.getItem(ctx.doc.store, id as Y.ID) as Y.Item | Y.GC;

  const resolve = (start: Y.Item, level = 0): void => {
    // A parent created by this update is placed first, one level up each time: more levels than the
    // document may have is already an answer.
    if (level > ctx.maxDepth) refuse(UpdateRefusal.tooDeep, "the document is nested too deep");
    // Walk left/right origins until an item with a known place, then fill in the chain on the way back.
    const chain: Y.Item[] = [];
    // Chains are short when typing (often one item); a set is built only for a long one (a hostile cycle).
    let inChain: Set<Y.Item> | null = null;
    let item: Y.Item = start;
    let found: { parent: Parent; parentSub: string | null } | null = null;
    for (;;) {
      const done = placed.get(item);
      if (done) {
        found = done;
        break;
      }
      chain.push(item);
      if (inChain) inChain.add(item);
      else if (chain.length > 16) inChain = new Set(chain);
      const parent = item.parent as unknown;
      if (typeof parent === "string") {
        if (parent !== DOCUMENT_FIELD) refuse(UpdateRefusal.schema, `a root type other than "${DOCUMENT_FIELD}"`);
        found = { parent: ROOT, parentSub: item.parentSub };
        chain.pop();
        placed.set(item, found);
        break;
      }
      if (parent !== null && typeof parent === "object") {
        const inUpdate = findInUpdate(sections, parent as ID);
        let p: Parent;
        if (inUpdate) {
          const s = inUpdate;
          if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentType))
            return void refuse(UpdateRefusal.schema, "a parent that is not a type");
          if (!placed.has(s)) {
            // The parent is created by this update: place it first (it comes earlier in any valid update).
            resolve(s, level + 1);
          }
          p = asParent(s);
        } else {
          const s = inDoc(parent as ID);
          if (s instanceof Y.GC) p = GONE;
          else if (!(s.content instanceof Y.ContentType))
            return void refuse(UpdateRefusal.schema, "a parent that is not a type");
          else p = fromDocType(s.content.type as Y.AbstractType<unknown>);
        }
        found = { parent: p, parentSub: item.parentSub };
        chain.pop();
        placed.set(item, found);
        break;
      }
      const neighbour = (item.origin ?? item.rightOrigin)!;
      const inUpdate = findInUpdate(sections, neighbour);
      if (inUpdate) {
        const s = inUpdate;
        if (!(s instanceof Y.Item)) {
          found = NOWHERE;
          break;
        }
        if (inChain ? inChain.has(s) : chain.includes(s))
          return void refuse(UpdateRefusal.missingDependency, "structs that refer to each other");
        item = s;
        continue;
      }
      const s = inDoc(neighbour);
      if (s instanceof Y.GC) found = NOWHERE;
      else found = { parent: fromDocType(s.parent as Y.AbstractType<unknown> | null), parentSub: s.parentSub };
      break;
    }
    for (const c of chain) placed.set(c, found);
  };

  for (const item of fresh) {
    if (!placed.has(item)) resolve(item);
    checkItem(item, placed.get(item)!, asParent, ctx.maxDepth);
  }
}

function checkItem(
  item: Y.Item,
  where: { parent: Parent; parentSub: string | null },
  asParent: (item: Y.Item) => Parent,
  maxDepth: number,
): void {
  const { parent, parentSub } = where;
  const content = item.content;
  if (parent.kind === "gone" || content instanceof Y.ContentDeleted) return;
  if (parentSub !== null) {
    // An attribute of an element.
    if (parent.kind !== "element") refuse(UpdateRefusal.schema, "attributes on something other than an element");
    const name = (parent as { name: string }).name;
    const rule = attributeRule(name, parentSub);
    if (!rule) refuse(UpdateRefusal.schema, `"${name}" has no attribute "${parentSub}"`);
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1 || !attributeAllowed(rule!, content.arr[0]))
      refuse(UpdateRefusal.schema, `a bad value for "${name}.${parentSub}"`);
    return;
  }
  if (content instanceof Y.ContentType) {
    const type = content.type;
    let child: string;
    if (type instanceof Y.XmlText) child = "#text";
    else if (type instanceof Y.XmlElement && isSchemaNode(type.nodeName)) child = type.nodeName;
    else return void refuse(UpdateRefusal.schema, "an element the editor does not know");
    if (parent.kind === "root") {
      if (!(BLOCK_NODES as readonly string[]).includes(child))
        refuse(UpdateRefusal.schema, `"${child}" at the top level`);
    } else if (parent.kind === "text" || !childAllowed(parent.name, child)) {
      refuse(UpdateRefusal.schema, `"${child}" inside "${parent.kind === "text" ? "#text" : parent.name}"`);
    }
    if (child !== "#text" && (asParent(item) as { depth: number }).depth > maxDepth)
      refuse(UpdateRefusal.tooDeep, "the document is nested too deep");
    return;
  }
  if (parent.kind !== "text") refuse(UpdateRefusal.schema, "text outside a text node");
  if (content instanceof Y.ContentString) return;
  if (content instanceof Y.ContentFormat) {
    if (!markValueAllowed(content.key, content.value)) refuse(UpdateRefusal.schema, `a mark the editor does not know`);
    return;
  }
  refuse(UpdateRefusal.schema, "content the editor does not write");
}
