/**
 * Search in the statement, in Chromium: Ctrl+F opens the bar, every match is highlighted, "n of N" moves with
 * Enter / Shift+Enter and follows someone else's live edit, matching comments are listed and open their
 * thread, Ctrl+F again from the bar is left to the browser, and Escape closes and gives the focus back.
 */
import { describe, expect, it } from "vitest";
import { connectProvider, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { TestId } from "../client/testids";
import { TextIoLabel, TextIoTestId } from "../client/import/testids";
import { CommentTestId } from "../client/comments/testids";
import { caretSettled, openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";

describe("search in the statement", () => {
  const app = useAppAndBrowser();

  it("finds words in the text and in comments, steps through them, follows live edits and closes with Escape", async () => {
    const { server, browser } = app;
    const { page, user } = await userPage(browser, server, "Sam Searcher");
    await page.setViewportSize({ width: 1280, height: 720 });
    const { statement } = await user.api.createStatement({ title: "Searchable statement" });
    const id = statement.id;
    const writer = connectProvider(server.url, id, user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "We support multistakeholder governance.", "c1");
    appendParagraph(writer.doc, "Open standards matter.", "c2");
    appendParagraph(writer.doc, "A MULTISTAKEHOLDER model, and multistakeholder processes.", "c3");
    await expect.poll(async () => (await user.get(`/api/statements/${id}/export.md`)).text).toContain("processes.");
    const thread = await user.post(`/api/statements/${id}/threads`, {
      clauseId: "c2",
      body: "Should this say multistakeholder standards bodies?",
    });
    expect(thread.status).toBe(201);
    const threadId: string = thread.json.thread.id;

    await openStatement(page, server, id);
    const editor = page.getByTestId(TestId.editor);
    await editor.locator("p").first().click();
    await page.keyboard.press("Control+Home");
    await caretSettled(page);
    await page.keyboard.press("Control+f");
    const bar = page.getByTestId(TextIoTestId.searchBar);
    const field = bar.getByLabel(TextIoLabel.search);
    await field.waitFor();
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill("multistakeholder");
    const count = page.getByTestId(TextIoTestId.searchCount);
    await expect.poll(() => count.textContent()).toBe("1 of 3");
    expect(await editor.locator(".search-match").count()).toBe(3);
    await field.press("Enter");
    await expect.poll(() => count.textContent()).toBe("2 of 3");
    await field.press("Enter");
    await field.press("Enter");
    await expect.poll(() => count.textContent()).toBe("1 of 3");
    await field.press("Shift+Enter");
    await expect.poll(() => count.textContent()).toBe("3 of 3");
    expect(await editor.locator("[data-search-current]").textContent()).toBe("multistakeholder");

    // Someone else adds a match: the count follows.
    appendParagraph(writer.doc, "Multistakeholder, once more.", "c4");
    await expect.poll(() => count.textContent()).toBe("3 of 4");
    await screenshot(page, "search-bar");

    // The matching comment is listed; choosing it opens its thread in the Comments tab.
    const hit = bar.getByTestId(TextIoTestId.searchComment);
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.getAttribute("data-thread-id")).toBe(threadId);
    await hit.click();
    await expect.poll(() => page.getByTestId("side-tab-comments").getAttribute("aria-selected")).toBe("true");
    await expect
      .poll(() =>
        page
          .locator(`[data-testid="${CommentTestId.thread}"][data-thread-id="${threadId}"]`)
          .getAttribute("data-active"),
      )
      .toBe("true");

    // Ctrl+F from the bar's field is not taken: the browser's own find may open.
    await field.focus();
    const taken = await field.evaluate(
      (el) =>
        !el.dispatchEvent(new KeyboardEvent("keydown", { key: "f", ctrlKey: true, bubbles: true, cancelable: true })),
    );
    expect(taken).toBe(false);

    // Escape closes, removes the highlights and gives the focus back to the text.
    await field.press("Escape");
    await bar.waitFor({ state: "detached" });
    expect(await editor.locator(".search-match").count()).toBe(0);
    expect(await editor.evaluate((el) => el === document.activeElement)).toBe(true);
    writer.destroy();
  });
});
