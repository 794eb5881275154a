import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { validateUpdate } from "./validate-update";
import type { UpdateCheckContext } from "./validate-update";
import { appendParagraph, plainText, typeInto } from "../testing/docs";
import {
  deleteRange,
  foreignClient,
  futureClocks,
  nestingBomb,
  partlyBroken,
  schemaViolations,
  updateFrom,
} from "../testing/hostile";
import { DOCUMENT_FIELD } from "../../shared/canonical";

const ALICE = "alice";
const BOB = "bob";

/** A server-side document with one clause written by Alice (client 1), and the bindings the room would hold. */
function serverDoc() {
  const doc = new Y.Doc();
  const owners = new Map<number, string>();
  const alice = new Y.Doc();
  alice.clientID = 1;
  appendParagraph(alice, "Alpha clause", "c1");
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(alice));
  owners.set(1, ALICE);
  const ctx = (userId: string): UpdateCheckContext => ({ doc, userId, ownerOf: (id) => owners.get(id), maxDepth: 32 });
  return { doc, alice, owners, ctx };
}

describe("validateUpdate", () => {
  it("accepts honest edits: typing, new clauses, formatting, attributes, deletions, lists and quotes", () => {
    const { doc, ctx } = serverDoc();
    const honest = [
      updateFrom(doc, (d) => typeInto(d, 0, 5, " beta")),
      updateFrom(doc, (d) => appendParagraph(d, "Second")),
      updateFrom(doc, (d) =>
        ((d.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 5, { bold: {} }),
      ),
      updateFrom(doc, (d) =>
        ((d.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 5, {
          link: { href: "https://example.org", target: "_blank", rel: null, class: null, title: null },
        }),
      ),
      updateFrom(doc, (d) => (d.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).setAttribute("clauseId", "c9")),
      updateFrom(doc, (d) =>
        ((d.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 6),
      ),
      updateFrom(doc, (d) => {
        const list = new Y.XmlElement("bulletList");
        d.getXmlFragment(DOCUMENT_FIELD).push([list]);
        const item = new Y.XmlElement("listItem");
        list.push([item]);
        const p = new Y.XmlElement("paragraph");
        item.push([p]);
        const t = new Y.XmlText();
        p.push([t]);
        t.insert(0, "bullet");
        const h = new Y.XmlElement("heading");
        d.getXmlFragment(DOCUMENT_FIELD).push([h]);
        h.setAttribute("level", 2 as never);
        const q = new Y.XmlElement("blockquote");
        d.getXmlFragment(DOCUMENT_FIELD).push([q]);
        q.push([new Y.XmlElement("paragraph")]);
      }),
    ];
    for (const u of honest) {
      const verdict = validateUpdate(u, ctx(BOB));
      expect(verdict).toMatchObject({ ok: true });
    }
  });

  it("binds new client ids to the sender and lets the same user continue its own id later", () => {
    const { doc, owners, ctx } = serverDoc();
    const first = updateFrom(doc, (d) => appendParagraph(d, "mine"), 77);
    const verdict = validateUpdate(first, ctx(BOB));
    expect(verdict).toEqual({ ok: true, newClients: [77] });
    Y.applyUpdate(doc, first);
    owners.set(77, BOB);
    const later = updateFrom(doc, (d) => appendParagraph(d, "mine again"), 77);
    expect(validateUpdate(later, ctx(BOB))).toEqual({ ok: true, newClients: [] });
    expect(validateUpdate(later, ctx(ALICE))).toMatchObject({ ok: false, refusal: "foreign-client" });
  });

  it("accepts known structs of others echoed back (Yjs skips them) but not new ones", () => {
    const { doc, alice, ctx } = serverDoc();
    // Bob's step 2 may include Alice's structs the server already has.
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    appendParagraph(bob, "Bob's own");
    expect(validateUpdate(Y.encodeStateAsUpdate(bob), ctx(BOB))).toMatchObject({ ok: true });
    expect(validateUpdate(foreignClient(doc, 1), ctx(BOB))).toMatchObject({ ok: false, refusal: "foreign-client" });
  });

  it("refuses each attack class without touching the document", () => {
    const { doc, ctx } = serverDoc();
    const before = Y.encodeStateAsUpdate(doc);
    const attacks: Array<[string, Uint8Array, string]> = [
      ["partly broken", partlyBroken(doc), "malformed"],
      ["garbage", new Uint8Array([9, 9, 9, 9, 9, 9]), "malformed"],
      ["future clocks", futureClocks(doc), "missing-dependency"],
      ["foreign client id", foreignClient(doc, 1), "foreign-client"],
      ["delete of unknown range", deleteRange(1, 1000, 5), "missing-dependency"],
      ["delete of someone's future edits", deleteRange(424242, 0, 100), "missing-dependency"],
      ["nesting bomb", nestingBomb(doc, 4000), "too-deep"],
      ["just too deep", nestingBomb(doc, 33), "too-deep"],
      ...Object.entries(schemaViolations).map(
        ([name, make]) => [name, make(doc), "schema"] as [string, Uint8Array, string],
      ),
    ];
    for (const [name, update, refusal] of attacks) {
      const verdict = validateUpdate(update, ctx(BOB));
      expect(verdict, name).toMatchObject({ ok: false, refusal });
    }
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(plainText(doc)).toBe("Alpha clause");
    // The deepest allowed nesting still passes.
    expect(validateUpdate(nestingBomb(doc, 31), ctx(BOB))).toMatchObject({ ok: true });
  });

  it("accepts one update carrying two new client ids of the same user (offline edits replayed after a reload)", () => {
    const { doc, ctx } = serverDoc();
    const a = updateFrom(doc, (d) => appendParagraph(d, "one"), 90);
    const b = updateFrom(doc, (d) => appendParagraph(d, "two"), 91);
    expect(validateUpdate(Y.mergeUpdates([a, b]), ctx(BOB))).toEqual({ ok: true, newClients: [91, 90] });
  });
});
