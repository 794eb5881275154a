/**
 * Notifications delivered live, in Chromium with two people: the convener adds Bob by email in the People tab;
 * Bob, on his dashboard (no statement socket there), sees the statement appear and the bell count 1 without a
 * reload. A comment mentioning Bob raises the count again; Bob opens the bell from the keyboard, follows the
 * mention to the clause, and the entry is read. Last, the convener revokes an invite link and the link refuses.
 */
import { describe, expect, it } from "vitest";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { mentionToken } from "../shared/comments/mentions";
import { Label, TestId } from "../client/testids";
import { NotificationTestId } from "../client/notifications/testids";
import { openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";

describe("notifications in the browser", () => {
  const app = useAppAndBrowser();

  it("added and mentioned reach Bob's dashboard live; the bell is keyboard-operable and leads to the clause", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const bob = await userPage(browser, server, "Bob Drafter");
    const { statement } = await alice.user.api.createStatement({ title: "Statement of Purpose" });
    const writer = connectProvider(server.url, statement.id, alice.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "We commit to an open Internet.", "c-open");
    await eventually(
      async () => (await alice.user.get(`/api/statements/${statement.id}/export.md`)).text.includes("open Internet"),
      5000,
      "clause stored",
    );

    // Bob waits on his dashboard: nothing yet.
    await bob.page.goto(server.url);
    await bob.page.getByText("No statements yet").waitFor();
    const bell = bob.page.getByTestId(NotificationTestId.bell);
    await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications, none unread");

    // Alice adds him by email in the People tab.
    await openStatement(alice.page, server, statement.id);
    await alice.page.getByTestId("side-tab-people").click();
    await alice.page.getByLabel(Label.memberEmail).fill(bob.user.email);
    await alice.page.getByRole("button", { name: Label.addMember }).click();
    await alice.page.getByText("Bob Drafter was added").waitFor();

    // Bob's dashboard lists the statement and his bell counts it, without a reload.
    const item = bob.page.getByTestId(TestId.statementItem).filter({ hasText: "Statement of Purpose" });
    await item.waitFor({ timeout: 10_000 });
    await expect.poll(() => bob.page.getByTestId(NotificationTestId.count).textContent()).toBe("1");

    // A comment mentioning him arrives live too.
    await alice.user.api.createThread(statement.id, {
      clauseId: "c-open",
      body: `Can you check this, ${mentionToken("Bob Drafter", bob.user.userId)}?`,
    });
    await expect.poll(() => bob.page.getByTestId(NotificationTestId.count).textContent()).toBe("2");
    await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications, 2 unread notifications");

    // Keyboard: focus the bell, open it (focus goes into the list), Escape closes it back onto the bell.
    await bell.focus();
    await bob.page.keyboard.press("Enter");
    const panel = bob.page.getByTestId(NotificationTestId.panel);
    await panel.waitFor();
    const entries = panel.getByTestId(NotificationTestId.item);
    await expect.poll(() => entries.count()).toBe(2);
    expect(await entries.nth(0).innerText()).toContain("Alice Convener mentioned you in a comment");
    expect(await entries.nth(1).innerText()).toContain("Alice Convener added you to “Statement of Purpose”");
    await expect
      .poll(() => bob.page.evaluate(() => document.activeElement?.closest("[data-kind]")?.getAttribute("data-kind")))
      .toBe("mentioned");
    await screenshot(bob.page, "notifications-bell");
    await bob.page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe(
      NotificationTestId.bell,
    );

    // Enter follows the mention to the statement at its clause; that entry is read, the other is not.
    await bob.page.keyboard.press("Enter");
    await panel.waitFor();
    await bob.page.keyboard.press("Enter");
    await expect.poll(() => new URL(bob.page.url()).pathname).toBe(`/s/${statement.id}`);
    expect(new URL(bob.page.url()).searchParams.get("clause")).toBe("c-open");
    await expect.poll(() => bob.page.getByTestId(NotificationTestId.count).textContent()).toBe("1");
    // The clause is scrolled to and outlined.
    const clause = bob.page.locator('.ProseMirror p[data-clause-id="c-open"]');
    await clause.waitFor();
    await expect.poll(() => clause.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe("solid");
    await screenshot(bob.page, "notifications-followed");
    writer.destroy();
  });

  it("a revoked invite link refuses to let anyone in", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const { statement } = await alice.user.api.createStatement({ title: "Invites" });
    await openStatement(alice.page, server, statement.id);
    await alice.page.getByTestId("side-tab-people").click();
    await alice.page.getByText("Each link lets one person join, once").waitFor();
    await alice.page.getByRole("button", { name: Label.createInvite }).click();
    const link = await alice.page.getByTestId(TestId.inviteLink).inputValue();
    const unused = alice.page.getByRole("list", { name: "Unused invite links" }).locator("li");
    await expect.poll(() => unused.count()).toBe(1);
    alice.page.once("dialog", (d) => void d.accept());
    await alice.page.getByRole("button", { name: /^Revoke the invite/ }).click();
    await alice.page.getByText("No invite link is waiting to be used.").waitFor();

    const visitor = await browser.newContext();
    const page = await visitor.newPage();
    await page.goto(link);
    await page.getByText("This invite link was revoked.", { exact: false }).waitFor();
    await visitor.close();
  });
});
