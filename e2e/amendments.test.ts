/**
 * Issue 8 (amendments) and issue 11 (long comments) end to end, in one browser with two people: a reviewer
 * proposes new wording for one bullet of a list; both screens show it as a preview without the text changing;
 * the drafter accepts it and both screens show the new text; the convener, whose organization had approved that
 * bullet, opens "changes since my organization's positions" and sees the bullet's word diff. Then the reviewer pastes a 54,000-character comment:
 * the counter shows it, sending is refused with a clear message, and nothing is cut or stored.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import * as Y from "yjs";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { DOCUMENT_FIELD } from "../shared/canonical";
import { MessageType } from "../shared/protocol";
import { openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { selectWords } from "./selection";
import { TestId } from "../client/testids";
import { CommentLabel, CommentTestId } from "../client/comments/testids";
import { AmendmentLabel, AmendmentTestId } from "../client/amendments/testids";
import { HistoryTestId } from "../client/history/testids";
import { expandMatrix } from "../shared/signoff";

const BULLETS = ["open standards", "multistakeholder governance", "human rights online"];
const NEW_WORDING = "inclusive multistakeholder governance";

/** Opens a draft on the selected words through the floating Comment button. */
async function draftOn(page: Page, words: string) {
  await selectWords(page, words);
  const button = page.getByTestId(CommentTestId.selectionButton);
  await button.waitFor({ state: "visible", timeout: 5_000 });
  await button.click();
  const draft = page.getByTestId(CommentTestId.draft);
  await draft.waitFor();
  return draft;
}

/** The editor's list items, as text. */
const bulletTexts = (page: Page) => page.getByTestId(TestId.editor).locator("li > p").allInnerTexts();

describe("amendments in the browser", () => {
  const app = useAppAndBrowser();

  it("a reviewer proposes wording for one bullet, the drafter accepts it, both screens show the new text", async () => {
    const { server, browser } = app;
    const bob = await userPage(browser, server, "Bob Drafter");
    const rita = await userPage(browser, server, "Rita Reviewer");
    const { user: alice, page: alicePage } = await userPage(browser, server, "Alice Convener");
    const id = await shareStatement(alice, "Statement of Purpose", [
      { user: bob.user, role: "drafter" },
      { user: rita.user, role: "reviewer" },
    ]);

    // The text: a paragraph and a bullet list whose items are clauses, written by the convener's own client.
    const writer = connectProvider(server.url, id, alice);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "Our principles:", "c-intro");
    writer.doc.transact(() => {
      const list = new Y.XmlElement("bulletList");
      list.insert(
        0,
        BULLETS.map((words, i) => {
          const item = new Y.XmlElement("listItem");
          item.setAttribute("clauseId", `b${i + 1}`);
          const p = new Y.XmlElement("paragraph");
          p.insert(0, [new Y.XmlText(words)]);
          item.insert(0, [p]);
          return item;
        }),
      );
      const fragment = writer.doc.getXmlFragment(DOCUMENT_FIELD);
      fragment.insert(fragment.length, [list]);
    });
    const original = `Our principles:\n\n${BULLETS.map((b) => `- ${b}`).join("\n")}\n`;
    await eventually(
      async () => (await alice.get(`/api/statements/${id}/export.md`)).text === original,
      5000,
      "text stored",
    );
    writer.destroy();

    // Alice represents an organization that approves the second bullet as it reads now.
    const org = await alice.post("/api/organizations", {
      name: "Alpha Registry",
      shortName: "Alpha",
      stakeholderGroup: "technical-community",
    });
    const alphaId: string = org.json.organization.id;
    await alice.api.updateMember(id, { userId: alice.userId, organizationId: alphaId });
    const bullet2 = expandMatrix((await alice.get(`/api/statements/${id}/signoffs`)).json).clauses.find(
      (c) => c.clauseId === "b2",
    )!;
    await alice.api.setPosition(id, {
      clauseId: "b2",
      organizationId: alphaId,
      position: "approve",
      clauseHash: bullet2.hash,
      clauseText: bullet2.markdown,
    });

    for (const p of [bob, rita]) {
      await openStatement(p.page, server, id);
      await expect.poll(() => bulletTexts(p.page), { timeout: 15_000 }).toEqual(BULLETS);
      await p.page.getByTestId("side-tab-comments").click();
      await p.page.getByTestId(CommentTestId.panel).waitFor();
    }

    // Rita (reviewer: the text is read-only for her) selects the second bullet's words and suggests new wording.
    const draft = await draftOn(rita.page, BULLETS[1]);
    await draft.getByRole("button", { name: AmendmentLabel.modeSuggest }).click();
    const form = rita.page.getByTestId(AmendmentTestId.form);
    const wording = form.getByRole("textbox", { name: AmendmentLabel.replacement });
    expect(await wording.inputValue()).toBe(BULLETS[1]);
    await wording.fill(NEW_WORDING);
    await form.getByRole("textbox", { name: AmendmentLabel.reason }).fill("Name who takes part");
    await form.getByRole("button", { name: AmendmentLabel.propose }).click();

    // Both screens: the card, and the preview in the text — which itself has not changed.
    for (const p of [rita, bob]) {
      const card = p.page.getByTestId(AmendmentTestId.card);
      await expect.poll(() => card.getAttribute("data-status"), { timeout: 10_000 }).toBe("open");
      await expect
        .poll(() => p.page.getByTestId(AmendmentTestId.insertion).allInnerTexts(), { timeout: 10_000 })
        .toEqual([NEW_WORDING]);
      expect(await p.page.getByTestId(AmendmentTestId.deletion).allInnerTexts()).toEqual([BULLETS[1]]);
    }
    expect((await alice.get(`/api/statements/${id}/export.md`)).text).toBe(original);
    expect(
      await rita.page.getByTestId(AmendmentTestId.card).getByRole("button", { name: AmendmentLabel.accept }).count(),
    ).toBe(0);
    await screenshot(bob.page, "amendment-preview");

    // Bob (drafter) accepts: the words are replaced, on both screens and on the server.
    await bob.page.getByTestId(AmendmentTestId.card).getByRole("button", { name: AmendmentLabel.accept }).click();
    const expected = [BULLETS[0], NEW_WORDING, BULLETS[2]];
    for (const p of [bob, rita]) {
      await expect.poll(() => bulletTexts(p.page), { timeout: 10_000 }).toEqual(expected);
      await expect
        .poll(() => p.page.getByTestId(AmendmentTestId.card).getAttribute("data-status"), { timeout: 10_000 })
        .toBe("accepted");
      expect(await p.page.getByTestId(AmendmentTestId.insertion).count()).toBe(0);
    }
    expect((await alice.get(`/api/statements/${id}/export.md`)).text).toBe(original.replace(BULLETS[1], NEW_WORDING));

    // Alice's approval went stale: "changes since my organization's positions" shows that bullet's word diff.
    await openStatement(alicePage, server, id);
    await alicePage.getByTestId("side-tab-history").click();
    await alicePage.getByRole("button", { name: "Changes since my organization's positions" }).click();
    const staleClauses = alicePage.getByTestId(HistoryTestId.positionChange);
    await expect.poll(() => staleClauses.count(), { timeout: 10_000 }).toBe(1);
    expect(await staleClauses.first().getAttribute("data-clause-id")).toBe("b2");
    expect(await staleClauses.first().locator("ins").innerText()).toContain("inclusive");
    await screenshot(alicePage, "amendment-since-position");

    // Issue 11: a 54,000-character paste is kept whole, counted, and refused with a clear message.
    const commentDraft = await draftOn(rita.page, BULLETS[0]);
    const field = rita.page.getByRole("combobox", { name: CommentLabel.newComment });
    const pasted = "word ".repeat(10_800);
    await field.fill(pasted);
    expect((await field.inputValue()).length).toBe(pasted.length);
    const counter = commentDraft.getByTestId(CommentTestId.counter);
    await expect.poll(() => counter.innerText()).toContain("54,000 / 10,000");
    await commentDraft.getByRole("button", { name: CommentLabel.submitComment }).click();
    const refusal = commentDraft.getByRole("alert");
    await expect.poll(() => refusal.innerText()).toMatch(/Not sent: a comment can have at most 10,000 characters/);
    expect((await field.inputValue()).length).toBe(pasted.length);
    expect((await rita.user.api.threads(id)).threads).toEqual([]);
  });
});
