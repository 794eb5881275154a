/**
 * Issue 13: the gutters cost O(changed clauses), not O(document), per transaction. In a 300-clause statement a
 * reader's browser receives remote keystrokes (typed by a real y-websocket client) into one clause; for each,
 * the page adds or replaces only a bounded number of gutter widgets and reads layout a bounded number of times
 * (counted with a MutationObserver and a wrapped getBoundingClientRect), while every clause keeps its comment
 * mark and its sign-off chip. Before, each remote keystroke measured every clause.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { openStatement, useAppAndBrowser, userPage } from "./fixtures";
import { connectProvider, synced } from "../server/testing/harness";
import { DOCUMENT_FIELD } from "../shared/canonical";
import { TestId } from "../client/testids";
import { CommentTestId } from "../client/comments/testids";
import { SignoffTestId } from "../client/signoff/testids";

const CLAUSES = 300;

/** Counts layout reads and gutter widgets added to the editor, from before the app loads. */
const COUNTERS = `(() => {
  const counts = { rects: 0, widgets: 0 };
  window.__gutterWork = counts;
  const rect = Element.prototype.getBoundingClientRect;
  Element.prototype.getBoundingClientRect = function () {
    counts.rects++;
    return rect.call(this);
  };
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n.nodeType === 1 && n.classList.contains("clause-widget")) counts.widgets++;
  }).observe(document, { childList: true, subtree: true });
})();`;

describe("gutter work per remote keystroke", () => {
  const app = useAppAndBrowser();

  it("a remote keystroke into one clause of 300 re-renders and measures a bounded number of clauses", async () => {
    const { server, browser } = app;
    const convener = await userPage(browser, server, "Cora Convener");
    const reader = await userPage(browser, server, "Rui Reader");
    const { organization } = await convener.user.api.createOrganization({
      name: `Gutter Org ${Date.now()}`,
      shortName: "GO",
      stakeholderGroup: "civil-society",
    });
    const { statement } = await convener.user.api.createStatement({ title: "A long statement" });
    await convener.user.api.addMember(statement.id, {
      email: reader.user.email,
      role: "drafter",
      organizationId: organization.id,
    });

    // 300 clauses, written by a real y-websocket client that then keeps typing into clause 150.
    const writer = connectProvider(server.url, statement.id, convener.user);
    await synced(writer.provider, 10_000);
    const fragment = writer.doc.getXmlFragment(DOCUMENT_FIELD);
    for (let from = 0; from < CLAUSES; from += 100) {
      writer.doc.transact(() => {
        for (let i = from; i < from + 100; i++) {
          const p = new Y.XmlElement("paragraph");
          p.setAttribute("clauseId", `g${i}`);
          const t = new Y.XmlText();
          t.insert(0, `Clause ${i + 1} of a long statement, with enough words to wrap once or twice.`);
          p.insert(0, [t]);
          fragment.insert(fragment.length, [p]);
        }
      });
    }
    await convener.user.api.createThread(statement.id, { clauseId: "g150", body: "On this one" });

    await reader.context.addInitScript(COUNTERS);
    await openStatement(reader.page, server, statement.id);
    const editor = reader.page.getByTestId(TestId.editor);
    const marks = editor.getByTestId(CommentTestId.gutterMark);
    const chips = editor.getByTestId(SignoffTestId.gutterChips);
    await expect.poll(() => marks.count(), { timeout: 20_000 }).toBe(CLAUSES);
    await expect.poll(() => chips.count(), { timeout: 20_000 }).toBe(CLAUSES);
    const read = () =>
      reader.page.evaluate(() => ({
        ...(window as unknown as { __gutterWork: { rects: number; widgets: number } }).__gutterWork,
      }));

    const target = fragment.get(150) as Y.XmlElement;
    const text = target.get(0) as Y.XmlText;
    const perKey: Array<{ rects: number; widgets: number }> = [];
    for (const ch of "abcde") {
      // Let every frame settle, so the counts belong to this keystroke alone.
      await reader.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const before = await read();
      text.insert(text.length, ch);
      const typed = text.toString();
      await expect
        .poll(() => editor.locator('p[data-clause-id="g150"]').textContent(), { timeout: 10_000 })
        .toContain(typed.slice(-8));
      await reader.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const after = await read();
      perKey.push({ rects: after.rects - before.rects, widgets: after.widgets - before.widgets });
    }
    // A redrawn widget for the changed clause (and the one right after it, per gutter), nothing for the other 298;
    // a layout read or two from the editor itself, not one per clause.
    for (const k of perKey) {
      expect(k.widgets, JSON.stringify(perKey)).toBeLessThanOrEqual(4);
      expect(k.rects, JSON.stringify(perKey)).toBeLessThanOrEqual(10);
    }
    // Every clause still has exactly its mark and its chip, and the commented clause shows its thread.
    expect(await marks.count()).toBe(CLAUSES);
    expect(await chips.count()).toBe(CLAUSES);
    await expect
      .poll(() =>
        editor.locator(`[data-testid="${CommentTestId.gutterMark}"][data-clause-id="g150"]`).getAttribute("data-count"),
      )
      .toBe("1");
    writer.destroy();
  });
});
