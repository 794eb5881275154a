import { describe, expect, it } from "vitest";
import { getSchema } from "@tiptap/core";
import type { NodeType } from "@tiptap/pm/model";
import { statementStarterKit } from "./extensions/starter-kit";
import { ClauseId } from "./extensions/clause-id";
import { BLOCK_NODES, MARK_ATTRIBUTES, NODE_ATTRIBUTES, NODE_CHILDREN } from "../../shared/schema";

/** Every node type that may appear anywhere in `type`'s content (walking its content automaton). */
function childTypes(type: NodeType): string[] {
  const seen = new Set<unknown>();
  const out = new Set<string>();
  const stack = [type.contentMatch];
  while (stack.length > 0) {
    const match = stack.pop()!;
    if (seen.has(match)) continue;
    seen.add(match);
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i);
      out.add(edge.type.name === "text" ? "#text" : edge.type.name);
      stack.push(edge.next);
    }
  }
  return [...out].sort();
}

describe("the document shape the server accepts (shared/schema.ts)", () => {
  const schema = getSchema([statementStarterKit, ClauseId]);
  const elements = Object.keys(schema.nodes).filter((n) => n !== "doc" && n !== "text");

  it("names exactly the editor's nodes, with their attributes and children", () => {
    expect(Object.keys(NODE_CHILDREN).sort()).toEqual([...elements].sort());
    for (const name of elements) {
      const type = schema.nodes[name];
      expect(Object.keys(NODE_ATTRIBUTES[name]).sort(), name).toEqual(Object.keys(type.spec.attrs ?? {}).sort());
      expect([...NODE_CHILDREN[name]].sort(), name).toEqual(childTypes(type));
    }
    expect([...BLOCK_NODES].sort()).toEqual(childTypes(schema.nodes.doc));
  });

  it("names exactly the editor's marks and their attributes", () => {
    expect(Object.keys(MARK_ATTRIBUTES).sort()).toEqual(Object.keys(schema.marks).sort());
    for (const [name, type] of Object.entries(schema.marks)) {
      expect([...MARK_ATTRIBUTES[name]].sort(), name).toEqual(Object.keys(type.spec.attrs ?? {}).sort());
    }
  });
});
