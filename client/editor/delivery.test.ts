/**
 * Confirmed delivery (delivery.ts) against a real server and the unmodified WebsocketProvider: a drafter's
 * edit is unsent until the server confirms it; a reviewer's refused edit never counts as confirmed; restored
 * unsent edits are confirmed by the handshake. Plus the texts of the refused-edit notice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as authProtocol from "y-protocols/auth";
import type { RunningServer } from "../../server/server";
import {
  connectProvider,
  eventually,
  startTestServer,
  statementWithMembers,
  synced,
} from "../../server/testing/harness";
import { MessageType, PermissionDeniedReason } from "../../shared/protocol";
import { canonicalMarkdownOfDoc, DOCUMENT_FIELD } from "../../shared/canonical";
import * as Y from "yjs";
import { Delivery } from "./delivery";
import { unconfirmedText } from "./collaboration";
import { refusalMessage } from "./RefusedEditNotice";

function paragraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(DOCUMENT_FIELD).push([p]);
}

describe("confirmed delivery", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a drafter's edit is unsent until the server confirms it, then the server has it", async () => {
    const { statementId, members, convener } = await statementWithMembers(server.url, ["drafter"]);
    const c = connectProvider(server.url, statementId, members[0]);
    const delivery = new Delivery(c.provider, null, false);
    try {
      await synced(c.provider);
      expect(delivery.unsent).toBe(false);
      paragraph(c.doc, "Confirmed words.");
      expect(delivery.get().unsent).toBe(true);
      await eventually(() => !delivery.get().unsent, 5000, "confirmation");
      const md = await convener.get(`/api/statements/${statementId}/export.md`);
      expect(md.text).toContain("Confirmed words.");
    } finally {
      delivery.destroy();
      c.destroy();
    }
  });

  it("a refused edit is never counted as confirmed", async () => {
    const { statementId, members } = await statementWithMembers(server.url, ["reviewer"]);
    const c = connectProvider(server.url, statementId, members[0]);
    const delivery = new Delivery(c.provider, null, false);
    const reasons: string[] = [];
    // As the app does: the permission-denied answer marks the delivery refused before the probe's answer.
    c.provider.messageHandlers[MessageType.auth] = (_e, decoder) =>
      authProtocol.readAuthMessage(decoder, c.doc, (_d, reason) => {
        reasons.push(reason);
        delivery.markRefused(reason);
      });
    try {
      await synced(c.provider);
      paragraph(c.doc, "Reviewer words.");
      await eventually(() => reasons.length > 0, 5000, "permission denied");
      expect(reasons[0]).toBe(PermissionDeniedReason.readOnlyRole);
      await new Promise((r) => setTimeout(r, 300));
      expect(delivery.get()).toMatchObject({ unsent: true, refused: PermissionDeniedReason.readOnlyRole });
    } finally {
      delivery.destroy();
      c.destroy();
    }
  });

  it("restored unsent edits are confirmed once the handshake delivered them", async () => {
    const { statementId, members, convener } = await statementWithMembers(server.url, ["drafter"]);
    // A document with edits from an earlier session (same user), as IndexedDB would restore it.
    const earlier = connectProvider(server.url, statementId, members[0]);
    earlier.provider.disconnect();
    paragraph(earlier.doc, "Restored words.");
    const restored = Y.encodeStateAsUpdate(earlier.doc);
    earlier.destroy();
    const c = connectProvider(server.url, statementId, members[0]);
    c.provider.disconnect();
    Y.applyUpdate(c.doc, restored, "restore");
    const delivery = new Delivery(c.provider, null, true);
    try {
      expect(delivery.get().unsent).toBe(true);
      c.provider.connect();
      await eventually(() => !delivery.get().unsent, 5000, "confirmation");
      const md = await convener.get(`/api/statements/${statementId}/export.md`);
      expect(md.text).toContain("Restored words.");
      expect(canonicalMarkdownOfDoc(c.doc)).toContain("Restored words.");
    } finally {
      delivery.destroy();
      c.destroy();
    }
  });
});

describe("refused-edit notice texts", () => {
  it("names the reason in words, whatever string the server sends", () => {
    expect(refusalMessage(PermissionDeniedReason.finalText)).toBe(
      "Your edit was not saved: the statement was locked and its text can no longer change.",
    );
    expect(refusalMessage(PermissionDeniedReason.readOnlyRole)).toMatch(/^Your edit was not saved: your role/);
    expect(refusalMessage("something new: the server had another reason")).toBe(
      "Your edit was not saved: the server had another reason.",
    );
    expect(refusalMessage("")).toBe("Your edit was not saved: the server refused it.");
  });

  it("extracts the text typed here that the server does not have", () => {
    const server = new Y.Doc();
    paragraph(server, "One.");
    paragraph(server, "Two.");
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
    const serverState = Y.decodeStateVector(Y.encodeStateVector(server));
    expect(unconfirmedText(local, serverState)).toBe("");
    const frag = local.getXmlFragment(DOCUMENT_FIELD);
    const firstText = (frag.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    firstText.insert(4, " Added");
    ((frag.get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(4, " More.");
    paragraph(local, "A new clause.");
    firstText.delete(0, 4); // a deletion adds no text
    expect(unconfirmedText(local, serverState)).toBe("Added\nMore.\nA new clause.");
    expect(canonicalMarkdownOfDoc(local)).toContain("Added");
  });
});
