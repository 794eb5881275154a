/**
 * Issue 13: the keystroke path skips ProseMirror's scroll-into-view (a forced layout) while the caret's clause is
 * known to be on screen (client/editor/extensions/caret-in-view.ts). What must still hold: typing never leaves
 * the caret out of sight — not while a clause at the bottom of the screen grows line by line, not after the
 * page was scrolled away from the caret, and not while someone else types into the same clause at the same
 * moment — and typing into a clause in the middle of the screen does not move the page.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Page } from "playwright-core";
import { caretSettled, openStatement, useAppAndBrowser, userPage } from "./fixtures";
import { connectProvider, synced } from "../server/testing/harness";
import { DOCUMENT_FIELD } from "../shared/canonical";
import { TestId } from "../client/testids";

const CLAUSES = 80;

/** Where the caret is, relative to the viewport (from the DOM selection's rectangle). */
function caretPlace(page: Page): Promise<{ top: number; bottom: number; height: number; scrollY: number }> {
  return page.evaluate(() => {
    const range = window.getSelection()!.getRangeAt(0).cloneRange();
    const rects = range.getClientRects();
    const rect =
      rects.length > 0 ? rects[rects.length - 1] : (range.startContainer as Element).getBoundingClientRect?.();
    return { top: rect!.top, bottom: rect!.bottom, height: window.innerHeight, scrollY: window.scrollY };
  });
}

function inSight(p: { top: number; bottom: number; height: number }): boolean {
  return p.top >= 0 && p.bottom <= p.height;
}

describe("caret in view while typing", () => {
  const app = useAppAndBrowser();

  it("keeps the caret on screen at the bottom edge, after scrolling away and beside a co-author, without moving the page otherwise", async () => {
    const { server, browser } = app;
    const writer = await userPage(browser, server, "Wanda Writer");
    const { statement } = await writer.user.api.createStatement({ title: "Caret in view" });

    const coauthor = connectProvider(server.url, statement.id, writer.user);
    await synced(coauthor.provider, 10_000);
    const fragment = coauthor.doc.getXmlFragment(DOCUMENT_FIELD);
    coauthor.doc.transact(() => {
      for (let i = 0; i < CLAUSES; i++) {
        const p = new Y.XmlElement("paragraph");
        p.setAttribute("clauseId", `v${i}`);
        const t = new Y.XmlText();
        t.insert(0, `Clause ${i + 1}, long enough to wrap onto a second line in a wide editor column of text.`);
        p.insert(0, [t]);
        fragment.insert(fragment.length, [p]);
      }
    });

    const { page } = writer;
    await openStatement(page, server, statement.id);
    const editor = page.getByTestId(TestId.editor);
    const clause = (i: number | string) =>
      editor.locator(`:scope > p[data-clause-id="${typeof i === "number" ? `v${i}` : i}"]`);
    // A clause's text without its gutter widgets (which are not part of the text).
    const text = (id: string) =>
      page.evaluate((clauseId) => {
        const copy = document
          .querySelector(`[data-testid="editor"] > p[data-clause-id="${clauseId}"]`)!
          .cloneNode(true) as Element;
        copy.querySelectorAll('[contenteditable="false"]').forEach((w) => w.remove());
        return copy.textContent;
      }, id);
    await clause(CLAUSES - 1).waitFor();

    // A clause in the middle of the screen: typing into it leaves the page where it is.
    await clause(20).scrollIntoViewIfNeeded();
    await page.evaluate(() => {
      const el = document.querySelector('[data-clause-id="v20"]')!;
      window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 2);
    });
    await clause(20).click();
    await page.keyboard.press("End");
    await caretSettled(page);
    const before = await caretPlace(page);
    await page.keyboard.type(" steady", { delay: 30 });
    await expect.poll(() => text("v20")).toContain("text. steady");
    const after = await caretPlace(page);
    expect(inSight(after)).toBe(true);
    expect(after.scrollY).toBe(before.scrollY);

    // The last clause fully in sight at the bottom edge grows line by line (line breaks: keys that ProseMirror
    // handles itself, so the browser does not scroll for it): the caret stays in sight.
    const bottom = await page.evaluate(() => {
      const all = [...document.querySelectorAll('[data-testid="editor"] > p')];
      const last = all.filter((el) => el.getBoundingClientRect().bottom <= window.innerHeight).pop()!;
      return last.getAttribute("data-clause-id")!;
    });
    await clause(bottom).click();
    await page.keyboard.press("End");
    await caretSettled(page);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Shift+Enter");
      await page.keyboard.type(`line ${i + 1}`);
      await caretSettled(page);
    }
    await expect.poll(() => text(bottom)).toContain("line 8");
    await expect.poll(async () => inSight(await caretPlace(page))).toBe(true);

    // Scrolled away from the caret (to the top of the page), the next line break brings it back into sight.
    await page.evaluate(() => window.scrollTo(0, 0));
    await caretSettled(page);
    await expect.poll(async () => inSight(await caretPlace(page))).toBe(false);
    await page.keyboard.press("Shift+Enter");
    await expect.poll(async () => inSight(await caretPlace(page))).toBe(true);

    // A co-author types into the same clause, before the caret, at the same moment as the writer.
    const target = coauthor.doc
      .getXmlFragment(DOCUMENT_FIELD)
      .toArray()
      .find((el) => el instanceof Y.XmlElement && el.getAttribute("clauseId") === bottom) as Y.XmlElement;
    const remote = (async () => {
      for (let i = 0; i < 12; i++) {
        (target.get(0) as Y.XmlText).insert(0, "co-author words, ");
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await page.keyboard.type(" together", { delay: 40 });
    await remote;
    // The co-author's last words may land after the writer's last key (a remote change never scrolls): the
    // writer's next key is what must bring the caret back into sight.
    await page.keyboard.type(".");
    await expect.poll(() => text(bottom)).toMatch(/^(co-author words, ){12}Clause .* together\.$/);
    await expect.poll(async () => inSight(await caretPlace(page))).toBe(true);
    coauthor.destroy();
  });
});
