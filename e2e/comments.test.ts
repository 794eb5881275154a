/**
 * Issue 3 end to end: a reviewer selects words in a clause and comments (with an @mention); a drafter in
 * another browser context sees the highlight and the thread live, replies and resolves; the reviewer sees
 * the reply and the resolution, and her dashboard counts the thread waiting for her.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { CommentLabel, CommentTestId } from "../client/comments/testids";

const CLAUSE = "We commit to an open, interoperable and secure Internet.";

/** Selects `words` inside the editor's text with a DOM selection, as a mouse drag would. */
async function selectWords(page: Page, words: string): Promise<void> {
  await page.evaluate(
    ({ words, editor }) => {
      const root = document.querySelector(`[data-testid="${editor}"]`)!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf(words);
        if (i === -1) continue;
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + words.length);
        const sel = document.getSelection()!;
        sel.removeAllRanges();
        sel.addRange(range);
        return;
      }
      throw new Error(`"${words}" is not in the editor`);
    },
    { words, editor: TestId.editor },
  );
}

describe("comment threads in the browser", () => {
  const app = useAppAndBrowser();

  it("a reviewer comments on selected words; a drafter sees it live, replies and resolves; the reviewer sees both", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const bob = await userPage(browser, server, "Bob Drafter");
    const rita = await userPage(browser, server, "Rita Reviewer");
    const id = await shareStatement(alice.user, "Statement of Purpose", [
      { user: bob.user, role: "drafter" },
      { user: rita.user, role: "reviewer" },
    ]);

    // The text, written by the convener's own y-websocket client.
    const writer = connectProvider(server.url, id, alice.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "Preamble of the coalition.", "c-preamble");
    appendParagraph(writer.doc, CLAUSE, "c-open");
    await eventually(async () => (await alice.user.get(`/api/statements/${id}/export.md`)).text.includes("interoperable"), 5000, "text stored");
    writer.destroy();

    for (const p of [bob, rita]) {
      await p.page.goto(`${server.url}/s/${id}`);
      await expect.poll(() => p.page.getByTestId(TestId.editor).innerText(), { timeout: 15_000 }).toContain("interoperable");
      await p.page.getByTestId("side-tab-comments").click();
      await p.page.getByTestId(CommentTestId.panel).waitFor();
    }
    const bobThreads = bob.page.getByTestId(CommentTestId.thread);
    expect(await bobThreads.count()).toBe(0);

    // Rita (reviewer, read-only text) selects two words and comments, mentioning Bob.
    await selectWords(rita.page, "open, interoperable");
    const button = rita.page.getByTestId(CommentTestId.selectionButton);
    await button.waitFor({ state: "visible", timeout: 5_000 });
    await button.click();
    const draft = rita.page.getByTestId(CommentTestId.draft);
    await draft.waitFor();
    expect(await draft.locator("blockquote").innerText()).toBe("open, interoperable");
    const field = rita.page.getByRole("combobox", { name: CommentLabel.newComment });
    await field.click();
    await field.pressSequentially("Which standards? @Bo");
    const suggestions = rita.page.getByTestId(CommentTestId.mentionList);
    await suggestions.waitFor();
    expect(await suggestions.innerText()).toContain("Bob Drafter");
    await field.press("Enter");
    await field.pressSequentially("please list them <b>here</b>");
    await draft.getByRole("button", { name: CommentLabel.submitComment }).click();
    const ritaThread = rita.page.getByTestId(CommentTestId.thread);
    await ritaThread.first().waitFor();
    expect(await ritaThread.count()).toBe(1);
    await expect.poll(() => rita.page.getByTestId(CommentTestId.highlight).allInnerTexts()).toEqual(["open, interoperable"]);

    // Bob sees the thread and the highlight without reloading: unread, mentioning him, text as text.
    await bobThreads.first().waitFor({ timeout: 5_000 });
    const card = bobThreads.first();
    // The Comments tab's count of open threads follows live.
    await expect.poll(() => bob.page.getByTestId("side-tab-comments").locator(".tab-badge").innerText(), { timeout: 5_000 }).toBe("1");
    expect(await card.getAttribute("data-unread")).toBe("true");
    expect(await card.getByTestId(CommentTestId.quote).innerText()).toBe("open, interoperable");
    const firstComment = card.getByTestId(CommentTestId.comment).first();
    expect(await firstComment.locator(".comment-body").innerText()).toBe("Which standards? @Bob Drafter please list them <b>here</b>");
    expect(await firstComment.locator(".comment-body b").count()).toBe(0);
    expect(await firstComment.locator(".mention-chip").innerText()).toBe("@Bob Drafter");
    const highlight = bob.page.getByTestId(CommentTestId.highlight);
    await expect.poll(() => highlight.allInnerTexts(), { timeout: 5_000 }).toEqual(["open, interoperable"]);
    await expect.poll(() => bob.page.getByTestId(CommentTestId.gutterMark).and(bob.page.locator('[data-clause-id="c-open"]')).getAttribute("data-count")).toBe("1");
    await bob.page.getByLabel(CommentLabel.filter).selectOption("mentions");
    expect(await bobThreads.count()).toBe(1);
    await bob.page.getByLabel(CommentLabel.filter).selectOption("open");

    // Hovering the words lights up the thread, and the other way round.
    await highlight.first().hover();
    await expect.poll(() => card.getAttribute("data-active")).toBe("true");
    await bob.page.getByTestId(TestId.statementTitle).hover();
    await expect.poll(() => card.getAttribute("data-active")).toBe("false");
    await card.hover();
    await expect.poll(() => highlight.first().getAttribute("class")).toContain("comment-highlight-active");
    await screenshot(bob.page, "comments-drafter");

    // Bob replies (opening the thread marks it read) …
    const reply = card.getByRole("combobox", { name: /^Reply/ });
    await reply.click();
    await expect.poll(() => card.getAttribute("data-unread")).toBe("false");
    await reply.pressSequentially("ISO and IETF standards.");
    await card.getByRole("button", { name: CommentLabel.submitReply, exact: true }).click();

    // … Rita sees the reply live, and her dashboard (another tab) counts the thread waiting for her.
    await expect.poll(() => ritaThread.first().getByTestId(CommentTestId.comment).count(), { timeout: 5_000 }).toBe(2);
    expect(await ritaThread.first().getByTestId(CommentTestId.comment).nth(1).innerText()).toContain("ISO and IETF standards.");
    expect(await ritaThread.first().getAttribute("data-unread")).toBe("true");
    const dashboard = await rita.context.newPage();
    await dashboard.goto(server.url);
    const badge = dashboard.locator(`[data-statement-id="${id}"]`).getByTestId(CommentTestId.unreadBadge);
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.getAttribute("data-count")).toBe("1");
    await dashboard.close();

    // Bob resolves; Rita's open list and highlight drop the thread, and it is listed as resolved by Bob.
    await card.getByRole("button", { name: CommentLabel.resolve }).click();
    await expect.poll(() => ritaThread.count(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => rita.page.getByTestId(CommentTestId.highlight).count()).toBe(0);
    await expect.poll(() => rita.page.getByTestId("side-tab-comments").locator(".tab-badge").count(), { timeout: 5_000 }).toBe(0);
    await rita.page.getByLabel(CommentLabel.filter).selectOption("resolved");
    await ritaThread.first().waitFor();
    expect(await ritaThread.first().getAttribute("data-status")).toBe("resolved");
    expect(await ritaThread.first().innerText()).toContain("Resolved by Bob Drafter");
    await screenshot(rita.page, "comments-reviewer");

    const stored = await rita.user.get(`/api/statements/${id}/threads`);
    expect(stored.json.threads).toHaveLength(1);
    expect(stored.json.threads[0]).toMatchObject({ status: "resolved", clauseId: "c-open", anchor: { quote: "open, interoperable" }, quoteIntact: true });
    expect(stored.json.threads[0].comments.map((c: { author: { id: string } }) => c.author.id)).toEqual([rita.user.userId, bob.user.userId]);

    // Keyboard: Ctrl+Alt+M comments on the selection, Escape closes the composer without storing anything.
    await selectWords(bob.page, "Preamble");
    await bob.page.keyboard.press("Control+Alt+KeyM");
    const bobDraft = bob.page.getByTestId(CommentTestId.draft);
    await bobDraft.waitFor({ timeout: 5_000 });
    expect(await bobDraft.locator("blockquote").innerText()).toBe("Preamble");
    await bob.page.getByRole("combobox", { name: CommentLabel.newComment }).press("Escape");
    await bobDraft.waitFor({ state: "detached", timeout: 5_000 });
    expect((await bob.user.get(`/api/statements/${id}/threads`)).json.threads).toHaveLength(1);
    for (const p of [alice, bob, rita]) await p.context.close();
  });
});
