/**
 * Undo and redo with two people in the same statement: each person's undo takes back only their own change,
 * never the other's, whether from the keyboard or the toolbar; redo brings it back. After every step every
 * editor shows exactly the same blocks, and so does the server's canonical export.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { openStatement, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId, Label } from "../client/testids";
import { editorBlocks, exportBlocks } from "./blocks";

describe("undo and redo with two people", () => {
  const app = useAppAndBrowser();

  it("each person's undo undoes only their own change; redo restores it; everyone and the server agree", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const bob = await userPage(browser, server, "Bob Drafter");
    const id = await shareStatement(alice.user, "Statement of Purpose", [{ user: bob.user, role: "drafter" }]);
    const writer = connectProvider(server.url, id, alice.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "First clause.", "c-1");
    appendParagraph(writer.doc, "Second clause.", "c-2");
    await eventually(
      async () =>
        (await alice.user.get(`/api/statements/${id}/export.md`)).text === "First clause.\n\nSecond clause.\n",
      5000,
      "text stored",
    );
    writer.destroy();

    await openStatement(alice.page, server, id);
    await openStatement(bob.page, server, id);
    const everyoneSees = async (expected: string[]) => {
      for (const p of [alice, bob])
        await expect.poll(() => editorBlocks(p.page), { timeout: 10_000 }).toEqual(expected);
      await expect
        .poll(async () => exportBlocks((await alice.user.get(`/api/statements/${id}/export.md`)).text), {
          timeout: 10_000,
        })
        .toEqual(expected);
    };
    const typeAtEndOf = async (page: Page, block: number, text: string) => {
      await page.getByTestId(TestId.editor).locator(":scope > *").nth(block).click();
      await page.keyboard.press("End");
      await page.keyboard.type(text);
    };
    await everyoneSees(["First clause.", "Second clause."]);

    await typeAtEndOf(alice.page, 0, " Alice added this.");
    await everyoneSees(["First clause. Alice added this.", "Second clause."]);
    await typeAtEndOf(bob.page, 1, " Bob added that.");
    await everyoneSees(["First clause. Alice added this.", "Second clause. Bob added that."]);

    // Alice undoes (keyboard): only her words go; Bob's, typed after hers, stay.
    await alice.page.keyboard.press("Control+z");
    await everyoneSees(["First clause.", "Second clause. Bob added that."]);

    // Bob undoes (toolbar): only his words go.
    await bob.page.getByRole("button", { name: Label.undo }).click();
    await everyoneSees(["First clause.", "Second clause."]);
    // Nothing of Bob's is left to undo; Alice's undo stack is empty too.
    await expect.poll(() => bob.page.getByRole("button", { name: Label.undo }).isDisabled()).toBe(true);
    await expect.poll(() => alice.page.getByRole("button", { name: Label.undo }).isDisabled()).toBe(true);

    // Alice redoes (keyboard): her words come back, Bob's do not.
    await alice.page.getByTestId(TestId.editor).click();
    await alice.page.keyboard.press("Control+Shift+z");
    await everyoneSees(["First clause. Alice added this.", "Second clause."]);

    // Bob redoes (toolbar): his come back too.
    await bob.page.getByRole("button", { name: Label.redo }).click();
    await everyoneSees(["First clause. Alice added this.", "Second clause. Bob added that."]);

    // An undo by Bob after Alice typed again takes back Bob's redo only, not Alice's newer words.
    await typeAtEndOf(alice.page, 1, " Alice again.");
    await everyoneSees(["First clause. Alice added this.", "Second clause. Bob added that. Alice again."]);
    await bob.page.getByRole("button", { name: Label.undo }).click();
    await everyoneSees(["First clause. Alice added this.", "Second clause. Alice again."]);

    for (const p of [alice, bob]) await p.context.close();
  });
});
