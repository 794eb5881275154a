/**
 * Issue 2 end to end: two users in two browser contexts type into the same statement, one after the other and
 * then at the same time, and each sees the other's text and caret; every editor's text then equals the others'
 * and the server's canonical export, exactly. A reviewer sees the read-only banner and cannot type.
 */
import { describe, expect, it } from "vitest";
import { caretSettled, openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { realtimeBarrier, tapRealtimeSocket } from "./barrier";
import { editorBlocks as blocks, exportBlocks } from "./blocks";

describe("live co-editing in the browser", () => {
  const app = useAppAndBrowser();

  it("two drafters see each other's text and caret; a reviewer is read-only", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const bob = await userPage(browser, server, "Bob Drafter");
    const rita = await userPage(browser, server, "Rita Reviewer");
    const id = await shareStatement(alice.user, "Statement of Purpose", [
      { user: bob.user, role: "drafter" },
      { user: rita.user, role: "reviewer" },
    ]);

    await tapRealtimeSocket(alice.page);
    await openStatement(alice.page, server, id);
    await openStatement(bob.page, server, id);
    const aliceEditor = alice.page.getByTestId(TestId.editor);
    const bobEditor = bob.page.getByTestId(TestId.editor);

    await aliceEditor.click();
    await caretSettled(alice.page);
    await alice.page.keyboard.type("We, the undersigned registries, ");
    await expect.poll(() => bobEditor.innerText(), { timeout: 10_000 }).toContain("We, the undersigned registries,");

    await bobEditor.click();
    await caretSettled(bob.page);
    await bob.page.keyboard.press("Control+End");
    await caretSettled(bob.page);
    await bob.page.keyboard.press("Enter");
    await bob.page.keyboard.type("support open standards.");
    await expect.poll(() => aliceEditor.innerText(), { timeout: 10_000 }).toContain("support open standards.");

    // Each sees the other's caret with the other's name.
    await expect
      .poll(() => alice.page.locator(".collaboration-carets__label").allInnerTexts(), { timeout: 10_000 })
      .toContain("Bob Drafter");
    await expect
      .poll(() => bob.page.locator(".collaboration-carets__label").allInnerTexts(), { timeout: 10_000 })
      .toContain("Alice Convener");
    await screenshot(alice.page, "coediting-alice");

    // Now both type at the same time, each at the end of a different clause.
    await aliceEditor.locator(":scope > *").first().click();
    await caretSettled(alice.page);
    await alice.page.keyboard.press("End");
    await caretSettled(alice.page);
    await bobEditor.locator(":scope > *").nth(1).click();
    await caretSettled(bob.page);
    await bob.page.keyboard.press("End");
    await caretSettled(bob.page);
    await Promise.all([
      alice.page.keyboard.type("while Bob types,", { delay: 40 }),
      bob.page.keyboard.type(" And interoperability.", { delay: 40 }),
    ]);
    const expected = [
      "We, the undersigned registries, while Bob types,",
      "support open standards. And interoperability.",
    ];
    // Every editor shows exactly the same blocks, and the server's canonical export is exactly those blocks.
    await expect.poll(() => blocks(alice.page), { timeout: 10_000 }).toEqual(expected);
    await expect.poll(() => blocks(bob.page), { timeout: 10_000 }).toEqual(expected);
    await expect
      .poll(async () => exportBlocks((await alice.user.get(`/api/statements/${id}/export.md`)).text), {
        timeout: 10_000,
      })
      .toEqual(expected);
    const md = await alice.user.get(`/api/statements/${id}/export.md`);
    expect(md.text).toBe(`${expected.join("\n\n")}\n`);

    // The reviewer: banner, non-editable content, and typing changes nothing.
    await tapRealtimeSocket(rita.page);
    await openStatement(rita.page, server, id);
    const banner = rita.page.getByTestId(TestId.readonlyBanner);
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await banner.innerText()).toMatch(/reviewer/i);
    const ritaEditor = rita.page.getByTestId(TestId.editor);
    await expect.poll(() => blocks(rita.page), { timeout: 10_000 }).toEqual(expected);
    expect(await ritaEditor.getAttribute("contenteditable")).toBe("false");
    await ritaEditor.click();
    await rita.page.keyboard.type("REVIEWER WAS HERE");
    // Whatever Rita's page sent has been handled by the server before anything is checked; then Alice's page
    // gets a round trip of its own, so that any relay would have reached it.
    await realtimeBarrier(rita.page);
    expect(await blocks(rita.page)).toEqual(expected);
    expect((await alice.user.get(`/api/statements/${id}/export.md`)).text).toBe(md.text);
    await realtimeBarrier(alice.page);
    expect(await blocks(alice.page)).toEqual(expected);
    await screenshot(rita.page, "coediting-reviewer");

    for (const p of [alice, bob, rita]) await p.context.close();
  });
});
