/**
 * Issue 15: axe-core (WCAG 2.0/2.1/2.2 A and AA rules) finds no serious or critical violation on any screen in
 * any of its states: log-in, sign-up and invitation (with their errors), the dashboard and its notifications,
 * the editor with each side panel tab, the search bar and the export popover, the comment composer and a thread,
 * the sign-off matrix at 15 organizations × 30 clauses (in the panel and opened full), a position with its
 * objection reason, the signature and lock confirmations, the shortcut list, the final banner, the public page,
 * a statement that does not exist; the editor at a phone's width too. One browser; each page walks through
 * several states. Also what a screen reader is told: the others' carets as text with their avatars, and a new
 * comment on my clause, my position going stale and the connection dropping and coming back through the one live
 * region, but not the others' keystrokes.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { caretSettled, contextFor, docScreenshot, openStatement, useAppAndBrowser } from "./fixtures";
import { axeViolations } from "./axe";
import { TEST_PASSWORD, seedStatement, statementClauses } from "./statement-seed";
import type { SeededStatement } from "./statement-seed";
import { Label } from "../client/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { CommentLabel, CommentTestId } from "../client/comments/testids";
import { TextIoLabel, TextIoTestId } from "../client/import/testids";
import { NotificationTestId } from "../client/notifications/testids";

const ORGS = [
  "Canadian Internet Registration Authority",
  "Asociación Latinoamericana de Internet",
  "Internet Society Foundation",
  "Access Now",
  "Article 19",
  "Association for Progressive Communications",
  "Centre for Internet and Society",
  "Derechos Digitales",
  "Electronic Frontier Finland",
  "European Digital Rights",
  "Global Partners Digital",
  "Internet Governance Forum Support Association",
  "KICTANet",
  "Open Technology Institute",
  ".PT Associação DNS.PT",
];

/** Runs axe on the page as it is now and fails with the findings if any is serious or critical. */
async function expectAccessible(page: Page, state: string): Promise<void> {
  const findings = await axeViolations(page);
  expect.soft(findings, `axe on "${state}"`).toEqual([]);
}

/** Checks that at 320 px wide the page has nothing wider than the screen (WCAG 1.4.10 reflow), then restores. */
async function expectReflowAt320(page: Page, state: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect.soft(overflow, `horizontal overflow of "${state}" at 320 px`).toBeLessThanOrEqual(0);
  if (size) await page.setViewportSize(size);
}

describe("accessibility: no serious or critical WCAG 2.2 A/AA violation on any screen", () => {
  const app = useAppAndBrowser();
  let s: SeededStatement;

  it("log-in, sign-up and an invitation, with their error states; the dashboard", async () => {
    const { server, browser } = app;
    s = await seedStatement(server.url, {
      title: "Joint statement on the future of Internet governance",
      clauses: statementClauses(30),
      orgNames: ORGS,
      repNames: ["Chen Li"],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();

    await page.goto(`${server.url}/login`);
    await page.getByLabel(Label.email).waitFor();
    await expectAccessible(page, "log-in");
    await expectReflowAt320(page, "log-in");
    await page.getByLabel(Label.email).fill(s.reps[0].user.email);
    await page.getByLabel(Label.password).fill("not the password");
    await page.getByRole("button", { name: Label.logIn }).click();
    await page.getByRole("alert").first().waitFor();
    await expectAccessible(page, "log-in refused");

    await page.goto(`${server.url}/signup`);
    await page.getByRole("button", { name: Label.signUp }).click();
    await page.locator("[aria-invalid='true'], [role='alert']").first().waitFor();
    await expectAccessible(page, "sign-up with errors");

    const invite = await s.convener.api.createInvite(s.statementId, { role: "reviewer" });
    await page.goto(server.url + invite.path);
    await page.getByRole("heading").first().waitFor();
    await expect.poll(() => page.locator("main").innerText()).toContain("Joint statement");
    await expectAccessible(page, "invitation, logged out");
    await expectReflowAt320(page, "invitation");

    await page.goto(`${server.url}/login`);
    await page.getByLabel(Label.email).fill(s.reps[0].user.email);
    await page.getByLabel(Label.password).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: Label.logIn }).click();
    await page.getByRole("link", { name: /Joint statement/ }).waitFor();
    await expectAccessible(page, "dashboard");
    await page.getByTestId(NotificationTestId.bell).click();
    await page.getByTestId(NotificationTestId.panel).waitFor();
    await expectAccessible(page, "notifications open");
    await page.keyboard.press("Escape");

    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await expectAccessible(page, "keyboard shortcuts dialog");
    await context.close();
  });

  it("the editor: each tab, comments, the 15 × 30 matrix, a position, the signature and lock confirmations", async () => {
    const { server, browser } = app;
    const context = await contextFor(browser, server, s.reps[0].user);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await openStatement(page, server, s.statementId);
    await expectAccessible(page, "editor, People tab");

    for (const tab of ["Comments", "Sign-off", "History", "People"]) {
      await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
      await expect.poll(() => page.getByRole("tabpanel").count()).toBe(1);
      if (tab === "Sign-off") await page.getByTestId(SignoffTestId.matrix).waitFor();
      await expectAccessible(page, `editor, ${tab} tab`);
    }

    // The editor's popovers: search (Ctrl+F, over text and comments) and export.
    await page.getByRole("textbox", { name: "Statement text" }).click();
    await page.keyboard.press("Control+f");
    await page.getByTestId(TextIoTestId.searchBar).waitFor();
    await page.keyboard.type("signatories");
    await expectAccessible(page, "search bar with matches");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: TextIoLabel.export, exact: true }).click();
    await page.getByTestId(TextIoTestId.exportPopover).waitFor();
    await expectAccessible(page, "export popover");
    await page.keyboard.press("Escape");

    // A comment on the words of clause 2: the composer, then the thread.
    await page.getByRole("tab", { name: /^Comments/ }).click();
    const clause2 = page.getByRole("textbox", { name: "Statement text" }).locator("p", { hasText: "Clause 2." });
    await clause2.selectText();
    await page.keyboard.press("Control+Alt+KeyM");
    const draft = page.getByTestId(CommentTestId.draft);
    await draft.waitFor();
    await expectAccessible(page, "comment composer");
    await draft
      .getByRole("combobox", { name: CommentLabel.newComment })
      .fill("Which standards bodies do we mean here?");
    await draft.getByRole("button", { name: CommentLabel.submitComment, exact: true }).click();
    await page.getByTestId(CommentTestId.thread).first().waitFor();
    await expectAccessible(page, "comment thread");

    // The matrix of 15 organizations × 30 clauses, a clause's positions, and my organization objecting.
    await page.getByRole("tab", { name: /^Sign-off/ }).click();
    await page.getByTestId(SignoffTestId.matrix).waitFor();
    await page.getByRole("button", { name: SignoffLabel.clause(1), exact: true }).click();
    const detail = page.getByTestId(SignoffTestId.clauseDetail);
    await detail.getByRole("button", { name: SignoffLabel.approve, exact: true }).click();
    // A matrix cell says who said what on which clause, and when.
    await expect
      .poll(() => page.getByRole("gridcell", { name: /^Canadian approves clause 1, / }).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.getByRole("button", { name: SignoffLabel.clause(3), exact: true }).click();
    await detail.getByRole("button", { name: SignoffLabel.object, exact: true }).click();
    await detail.getByLabel(SignoffLabel.reason).waitFor();
    await expectAccessible(page, "position: objecting with a reason");
    await detail.getByLabel(SignoffLabel.reason).fill("Name the bodies and say how they are accountable.");
    await detail.getByRole("button", { name: SignoffLabel.submitObjection }).click();
    await expect.poll(() => detail.innerText()).toContain("Name the bodies");
    await expectAccessible(page, "sign-off tab with positions");
    await docScreenshot(page, "desktop-signoff-1400x900");

    await page.getByRole("button", { name: SignoffLabel.expand }).click();
    const full = page.getByRole("dialog");
    await full.waitFor();
    await expectAccessible(page, "full matrix dialog");
    await page.keyboard.press("Escape");
    await expect.poll(() => full.count()).toBe(0);

    await page.getByRole("button", { name: SignoffLabel.signFor(ORGS[0]) }).click();
    await page.getByTestId(SignoffTestId.signDialog).waitFor();
    await expectAccessible(page, "signature confirmation");
    await page.keyboard.press("Escape");

    // What a screen reader hears of the others: where their caret is (with their avatar), a reply on my clause,
    // my position going stale; never their keystrokes (the text is in no live region).
    const convenerContext = await contextFor(browser, server, s.convener);
    const convener = await convenerContext.newPage();
    await convener.setViewportSize({ width: 1280, height: 720 });
    await openStatement(convener, server, s.statementId);
    const statementText = page.getByRole("textbox", { name: "Statement text" });
    expect(
      await statementText.evaluate(
        (el) => !el.closest("[aria-live]:not([aria-live='off']), [role=status], [role=log], [role=alert]"),
      ),
    ).toBe(true);
    const announcer = page.getByTestId("announcer");
    const heard = () => announcer.locator("p").allInnerTexts();
    const before = (await heard()).length;
    const thread = (await s.convener.api.threads(s.statementId)).threads[0];
    await s.convener.api.reply(thread.id, { body: "The IETF, W3C and ITU-T, at least." });
    // Joined, so that a failure shows everything that was said.
    const said = async () => (await heard()).join(" | ");
    await expect.poll(said, { timeout: 20_000 }).toContain("New comment by Carla Convener on clause 2.");
    await convener.getByRole("textbox", { name: "Statement text" }).locator("p", { hasText: "Clause 1." }).click();
    await caretSettled(convener);
    await convener.keyboard.press("End");
    await convener.keyboard.type(" Also in practice");
    await expect
      .poll(() => page.getByRole("img", { name: /^Carla Convener in “Clause 1\./ }).count(), { timeout: 10_000 })
      .toBe(1);
    await expect
      .poll(said, { timeout: 20_000 })
      .toContain("Your organization's position on clause 1 is stale: the clause changed.");
    // Seventeen remote keystrokes, two announcements.
    expect((await heard()).length - before, await said()).toBe(2);
    await expectAccessible(page, "editor with a stale position and another person's caret");

    // The convener's lock confirmation.
    await convener.getByRole("tab", { name: /^Sign-off/ }).click();
    await convener.getByRole("button", { name: SignoffLabel.lock }).click();
    await convener.getByTestId(SignoffTestId.lockDialog).waitFor();
    await expectAccessible(convener, "lock confirmation");
    await docScreenshot(convener, "desktop-lock-1280x720");
    await convener.getByRole("button", { name: SignoffLabel.lockAnyway }).click();
    await convener.getByTestId(SignoffTestId.finalBanner).waitFor({ timeout: 15_000 });
    await expectAccessible(convener, "final statement, convener");
    await docScreenshot(convener, "desktop-final-1280x720");

    // The representative's editor turns final too.
    await page.getByTestId(SignoffTestId.finalBanner).waitFor({ timeout: 15_000 });
    await expectAccessible(page, "final statement, representative");
    await convenerContext.close();
    await context.close();
  });

  it("the public page of the final statement, a statement that does not exist, the editor on a phone", async () => {
    const { server, browser } = app;
    const published = await s.convener.request("PUT", `/api/statements/${s.statementId}/publication`, {
      published: true,
    });
    expect(published.status, published.text).toBe(200);
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await visitor.newPage();
    await page.goto(`${server.url}/p/${s.slug}`);
    await page
      .getByRole("heading", { name: /Joint statement/ })
      .first()
      .waitFor();
    await expectAccessible(page, "public page");
    await expectReflowAt320(page, "public page");
    await visitor.close();

    const context = await contextFor(browser, server, s.reps[1].user);
    const rep = await context.newPage();
    await rep.goto(`${server.url}/s/no-such-statement`);
    await rep.getByTestId("access-lost").waitFor();
    await expectAccessible(rep, "statement not found");

    await rep.setViewportSize({ width: 375, height: 667 });
    await openStatement(rep, server, s.statementId);
    await expectAccessible(rep, "editor on a phone");

    // The connection is announced when it drops and when it is back, not when the page opens.
    const heard = () => rep.getByTestId("announcer").locator("p").allInnerTexts();
    expect(await heard()).toEqual([]);
    await context.setOffline(true);
    await expect.poll(async () => (await heard()).join(" "), { timeout: 15_000 }).toMatch(/^Reconnecting\. /);
    await context.setOffline(false);
    await expect.poll(heard, { timeout: 30_000 }).toContain("Connected again. Changes are saved as you type.");
    await rep.getByRole("tab", { name: /^Sign-off/ }).click();
    await rep.getByTestId(SignoffTestId.panel).waitFor();
    await expectAccessible(rep, "sign-off sheet on a phone");
    await context.close();
  });
});
