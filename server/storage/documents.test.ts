import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { openStorage } from "./database";
import { createDocumentStore, docFromStored } from "./documents";
import type { DocumentStore } from "./documents";
import { tempDataDir } from "../testing/harness";
import { appendParagraph, plainText } from "../testing/docs";

/** One contract, run against every DocumentStore variant. */
const variants: Array<[string, (storage: Awaited<ReturnType<typeof openStorage>>) => DocumentStore]> = [
  ["kysely", (s) => createDocumentStore(s.db)],
  ["sqlite fast path", (s) => createDocumentStore(s.db, s.sqlite)],
];

async function setup(make: (typeof variants)[number][1]) {
  const storage = await openStorage(tempDataDir());
  await storage.db.insertInto("users").values({ id: "u", email: "u@example.org", name: "U", password_hash: "x", is_admin: 0, created_at: 0 }).execute();
  await storage.db.insertInto("statements").values({ id: "s", title: "T", slug: "t", phase: "drafting", created_by: "u", created_at: 0, updated_at: 0 }).execute();
  return { storage, store: make(storage) };
}

describe.each(variants)("DocumentStore contract (%s)", (_name, make) => {
  it("loads an unknown document as empty", async () => {
    const { store, storage } = await setup(make);
    expect(await store.load("s")).toEqual({ snapshot: null, stateVector: null, updates: [], lastUpdateId: 0, bytes: 0 });
    await storage.close();
  });

  it("appends batches in order and rebuilds the same document", async () => {
    const { store, storage } = await setup(make);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    appendParagraph(doc, "one");
    appendParagraph(doc, "two");
    appendParagraph(doc, "three");
    const id1 = await store.append("s", updates.slice(0, 2));
    const id2 = await store.append("s", updates.slice(2));
    expect(id2).toBeGreaterThan(id1);
    const loaded = await store.load("s");
    expect(loaded.updates).toHaveLength(3);
    expect(loaded.lastUpdateId).toBe(id2);
    expect(plainText(docFromStored(loaded))).toBe("one\ntwo\nthree");
    const st = await storage.db.selectFrom("statements").select("updated_at").where("id", "=", "s").executeTakeFirstOrThrow();
    expect(Number(st.updated_at)).toBeGreaterThan(0);
    await storage.close();
  });

  it("stores client bindings with their batch (or alone), keeps the first owner of an id, and lists them", async () => {
    const { store, storage } = await setup(make);
    expect(await store.clients("s")).toEqual([]);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    appendParagraph(doc, "one");
    const id = await store.append("s", updates.splice(0), [{ clientId: 4_000_000_000, userId: "u", organizationId: null }]);
    // Bindings alone (an id announced before it writes) store no update and leave the log's last id alone.
    expect(await store.append("s", [], [{ clientId: 7, userId: "u", organizationId: "org" }])).toBe(0);
    // A second binding of a bound id changes nothing.
    await store.append("s", [], [{ clientId: 7, userId: "someone else", organizationId: null }]);
    const clients = (await store.clients("s")).sort((a, b) => a.clientId - b.clientId);
    expect(clients).toEqual([
      { clientId: 7, userId: "u", organizationId: "org" },
      { clientId: 4_000_000_000, userId: "u", organizationId: null },
    ]);
    const loaded = await store.load("s");
    expect(loaded.lastUpdateId).toBe(id);
    expect(loaded.updates).toHaveLength(1);
    await storage.close();
  });

  it("compaction folds the log up to an id into a snapshot and keeps later updates", async () => {
    const { store, storage } = await setup(make);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    appendParagraph(doc, "a");
    appendParagraph(doc, "b");
    const upTo = await store.append("s", updates.splice(0));
    const snapshot = Y.encodeStateAsUpdate(doc);
    appendParagraph(doc, "c");
    await store.append("s", updates.splice(0));
    await store.compact("s", snapshot, upTo, Y.encodeStateVectorFromUpdate(snapshot));
    const loaded = await store.load("s");
    expect(loaded.snapshot).not.toBeNull();
    expect(loaded.stateVector).toEqual(Y.encodeStateVectorFromUpdate(snapshot));
    expect(loaded.updates).toHaveLength(1);
    expect(plainText(docFromStored(loaded))).toBe("a\nb\nc");
    await storage.close();
  });
});
