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
import { selectWords } from "./selection";
import { TestId } from "../client/testids";
import { CommentLabel, CommentTestId } from "../client/comments/testids";

const CLAUSE = "We commit to an open, interoperable and secure Internet.";

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
    await eventually(
      async () => (await alice.user.get(`/api/statements/${id}/export.md`)).text.includes("interoperable"),
      5000,
      "text stored",
    );
    writer.destroy();

    for (const p of [bob, rita]) {
      await p.page.goto(`${server.url}/s/${id}`);
      await expect
        .poll(() => p.page.getByTestId(TestId.editor).innerText(), { timeout: 15_000 })
        .toContain("interoperable");
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
    await expect
      .poll(() => rita.page.getByTestId(CommentTestId.highlight).allInnerTexts())
      .toEqual(["open, interoperable"]);

    // Bob sees the thread and the highlight without reloading: unread, mentioning him, text as text.
    await bobThreads.first().waitFor({ timeout: 5_000 });
    const card = bobThreads.first();
    // The Comments tab's count of open threads follows live.
    await expect
      .poll(() => bob.page.getByTestId("side-tab-comments").locator(".tab-badge").innerText(), { timeout: 5_000 })
      .toBe("1");
    expect(await card.getAttribute("data-unread")).toBe("true");
    expect(await card.getByTestId(CommentTestId.quote).innerText()).toBe("open, interoperable");
    const firstComment = card.getByTestId(CommentTestId.comment).first();
    expect(await firstComment.locator(".comment-body").innerText()).toBe(
      "Which standards? @Bob Drafter please list them <b>here</b>",
    );
    expect(await firstComment.locator(".comment-body b").count()).toBe(0);
    expect(await firstComment.locator(".mention-chip").innerText()).toBe("@Bob Drafter");
    const highlight = bob.page.getByTestId(CommentTestId.highlight);
    await expect.poll(() => highlight.allInnerTexts(), { timeout: 5_000 }).toEqual(["open, interoperable"]);
    await expect
      .poll(() =>
        bob.page
          .getByTestId(CommentTestId.gutterMark)
          .and(bob.page.locator('[data-clause-id="c-open"]'))
          .getAttribute("data-count"),
      )
      .toBe("1");
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
    expect(await ritaThread.first().getByTestId(CommentTestId.comment).nth(1).innerText()).toContain(
      "ISO and IETF standards.",
    );
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
    await expect
      .poll(() => rita.page.getByTestId("side-tab-comments").locator(".tab-badge").count(), { timeout: 5_000 })
      .toBe(0);
    await rita.page.getByLabel(CommentLabel.filter).selectOption("resolved");
    await ritaThread.first().waitFor();
    expect(await ritaThread.first().getAttribute("data-status")).toBe("resolved");
    expect(await ritaThread.first().innerText()).toContain("Resolved by Bob Drafter");
    await screenshot(rita.page, "comments-reviewer");

    const stored = await rita.user.get(`/api/statements/${id}/threads`);
    expect(stored.json.threads).toHaveLength(1);
    expect(stored.json.threads[0]).toMatchObject({
      status: "resolved",
      clauseId: "c-open",
      anchor: { quote: "open, interoperable" },
      quoteIntact: true,
    });
    expect(stored.json.threads[0].comments.map((c: { author: { id: string } }) => c.author.id)).toEqual([
      rita.user.userId,
      bob.user.userId,
    ]);

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

  it("in the panel: an author edits and deletes her own comments, the convener hides someone's with a reason, the author reopens her resolved thread; everyone sees each change live", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const bob = await userPage(browser, server, "Bob Drafter");
    const rita = await userPage(browser, server, "Rita Reviewer");
    const id = await shareStatement(alice.user, "Statement of Purpose", [
      { user: bob.user, role: "drafter" },
      { user: rita.user, role: "reviewer" },
    ]);
    const writer = connectProvider(server.url, id, alice.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, CLAUSE, "c-open");
    await eventually(
      async () => (await alice.user.get(`/api/statements/${id}/export.md`)).text.includes("interoperable"),
      5000,
      "text stored",
    );
    writer.destroy();
    const created = await rita.user.post(`/api/statements/${id}/threads`, {
      clauseId: "c-open",
      body: "Say which standards.",
    });
    expect(created.status).toBe(201);
    const threadId = created.json.thread.id as string;
    const bobReply = (await bob.user.post(`/api/threads/${threadId}/comments`, { body: "Off-topic: lunch at noon?" }))
      .json.comment.id as string;
    const ritaSecond = (
      await rita.user.post(`/api/threads/${threadId}/comments`, { body: "A second thought I will take back." })
    ).json.comment.id as string;
    const ritaFirst = created.json.thread.comments[0].id as string;

    for (const p of [alice, bob, rita]) {
      await p.page.goto(`${server.url}/s/${id}`);
      await expect
        .poll(() => p.page.getByTestId(TestId.editor).innerText(), { timeout: 15_000 })
        .toContain("interoperable");
      await p.page.getByTestId("side-tab-comments").click();
      await p.page.getByTestId(CommentTestId.panel).waitFor();
      await expect.poll(() => p.page.getByTestId(CommentTestId.comment).count(), { timeout: 10_000 }).toBe(3);
    }
    const comment = (p: Page, commentId: string) =>
      p.getByTestId(CommentTestId.comment).and(p.locator(`[data-comment-id="${commentId}"]`));

    // Rita edits her first comment.
    await comment(rita.page, ritaFirst).getByRole("button", { name: CommentLabel.edit, exact: true }).click();
    const editField = comment(rita.page, ritaFirst).getByRole("combobox", { name: "Edit comment" });
    await editField.fill("Say which standards: ISO 3166 and RFC 5646.");
    await comment(rita.page, ritaFirst).getByRole("button", { name: CommentLabel.save, exact: true }).click();
    for (const p of [rita, bob, alice]) {
      await expect
        .poll(() => comment(p.page, ritaFirst).innerText(), { timeout: 10_000 })
        .toContain("ISO 3166 and RFC 5646");
      expect(await comment(p.page, ritaFirst).innerText()).toContain("(edited)");
    }
    // Nobody else is offered Edit or Delete on it; the convener is offered Hide.
    expect(
      await comment(bob.page, ritaFirst).getByRole("button", { name: CommentLabel.edit, exact: true }).count(),
    ).toBe(0);
    expect(
      await comment(bob.page, ritaFirst).getByRole("button", { name: CommentLabel.delete, exact: true }).count(),
    ).toBe(0);
    expect(
      await comment(alice.page, ritaFirst).getByRole("button", { name: CommentLabel.hide, exact: true }).count(),
    ).toBe(1);

    // Rita deletes her second comment, after confirming: a trace stays, for everyone.
    await comment(rita.page, ritaSecond).getByRole("button", { name: CommentLabel.delete, exact: true }).click();
    await rita.page
      .getByRole("group", { name: "Confirm deletion" })
      .getByRole("button", { name: CommentLabel.delete, exact: true })
      .click();
    for (const p of [rita, bob, alice]) {
      await expect
        .poll(() => comment(p.page, ritaSecond).getAttribute("data-state"), { timeout: 10_000 })
        .toBe("deleted");
      expect(await comment(p.page, ritaSecond).innerText()).toContain("Comment deleted by its author.");
      expect(await comment(p.page, ritaSecond).innerText()).not.toContain("take back");
    }

    // Alice (convener) hides Bob's reply with a reason: a visible trace naming her and the reason.
    const hideForm = comment(alice.page, bobReply).locator('form[aria-label="Hide comment"]');
    // One click on Hide of a thread that is not selected (and has unread replies) opens the form: selecting the
    // thread on that click must not move the button away from under the pointer.
    await comment(alice.page, bobReply).getByRole("button", { name: CommentLabel.hide, exact: true }).click();
    await hideForm.waitFor({ timeout: 5_000 });
    await hideForm.getByLabel("Reason (optional)").fill("off-topic");
    await hideForm.getByRole("button", { name: CommentLabel.hide, exact: true }).click();
    for (const p of [alice, bob, rita]) {
      await expect.poll(() => comment(p.page, bobReply).getAttribute("data-state"), { timeout: 10_000 }).toBe("hidden");
      expect(await comment(p.page, bobReply).innerText()).toContain("Hidden by convener Alice Convener: off-topic");
      expect(await comment(p.page, bobReply).innerText()).not.toContain("lunch");
    }
    // Bob can no longer edit his hidden reply.
    expect(
      await comment(bob.page, bobReply).getByRole("button", { name: CommentLabel.edit, exact: true }).count(),
    ).toBe(0);

    // Bob resolves; Rita, the thread's author, finds it under "resolved" and reopens it.
    const card = (p: Page) => p.getByTestId(CommentTestId.thread).and(p.locator(`[data-thread-id="${threadId}"]`));
    await card(bob.page).getByRole("button", { name: CommentLabel.resolve, exact: true }).click();
    await expect.poll(() => card(rita.page).count(), { timeout: 10_000 }).toBe(0);
    await rita.page.getByLabel(CommentLabel.filter).selectOption("resolved");
    await expect.poll(() => card(rita.page).getAttribute("data-status"), { timeout: 10_000 }).toBe("resolved");
    await card(rita.page).getByRole("button", { name: CommentLabel.reopen, exact: true }).click();
    await rita.page.getByLabel(CommentLabel.filter).selectOption("open");
    await expect.poll(() => card(rita.page).getAttribute("data-status"), { timeout: 10_000 }).toBe("open");
    await expect.poll(() => card(bob.page).getAttribute("data-status"), { timeout: 10_000 }).toBe("open");
    expect((await bob.user.get(`/api/threads/${threadId}`)).json.thread.status).toBe("open");
    // What the server holds matches what everyone saw.
    const stored = (await alice.user.get(`/api/threads/${threadId}`)).json.thread.comments as Array<{
      id: string;
      content: { kind: string };
    }>;
    expect(Object.fromEntries(stored.map((c) => [c.id, c.content.kind]))).toEqual({
      [ritaFirst]: "visible",
      [bobReply]: "hidden",
      [ritaSecond]: "deleted",
    });
    await screenshot(rita.page, "comments-edit-delete-hide-reopen");
    for (const p of [alice, bob, rita]) await p.context.close();
  });
});
