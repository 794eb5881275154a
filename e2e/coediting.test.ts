/**
 * Issue 2 end to end: two users in two browser contexts type into the same statement and each sees the
 * other's text and caret; a reviewer sees the read-only banner and cannot type.
 */
import { describe, expect, it } from "vitest";
import { openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";

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

    await openStatement(alice.page, server, id);
    await openStatement(bob.page, server, id);
    const aliceEditor = alice.page.getByTestId(TestId.editor);
    const bobEditor = bob.page.getByTestId(TestId.editor);

    await aliceEditor.click();
    await alice.page.keyboard.type("We, the undersigned registries, ");
    await expect.poll(() => bobEditor.innerText(), { timeout: 10_000 }).toContain("We, the undersigned registries,");

    await bobEditor.click();
    await bob.page.keyboard.press("End");
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

    // Both documents converge to the same text, and the server's canonical export agrees.
    const md = await alice.user.get(`/api/statements/${id}/export.md`);
    expect(md.text).toContain("We, the undersigned registries,");
    expect(md.text).toContain("support open standards.");

    // The reviewer: banner, non-editable content, and typing changes nothing.
    await rita.page.goto(`${server.url}/s/${id}`);
    const banner = rita.page.getByTestId(TestId.readonlyBanner);
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await banner.innerText()).toMatch(/reviewer/i);
    const ritaEditor = rita.page.getByTestId(TestId.editor);
    await expect.poll(() => ritaEditor.innerText(), { timeout: 10_000 }).toContain("support open standards.");
    expect(await ritaEditor.getAttribute("contenteditable")).toBe("false");
    await ritaEditor.click();
    await rita.page.keyboard.type("REVIEWER WAS HERE");
    await new Promise((r) => setTimeout(r, 500));
    expect(await ritaEditor.innerText()).not.toContain("REVIEWER WAS HERE");
    expect(await aliceEditor.innerText()).not.toContain("REVIEWER WAS HERE");
    expect((await alice.user.get(`/api/statements/${id}/export.md`)).text).not.toContain("REVIEWER WAS HERE");
    await screenshot(rita.page, "coediting-reviewer");

    for (const p of [alice, bob, rita]) await p.context.close();
  });
});
