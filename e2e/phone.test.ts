/**
 * Issue 15, a phone: at 375 × 667 (touch) a representative reads the statement, opens a clause's comments and
 * the positions in the panel (a bottom sheet over the text), approves two clauses and signs. Nothing is wider
 * than the screen there, nor at 320 px wide or at 200% zoom of a 1280 × 720 laptop (WCAG 1.4.10 reflow).
 * Screenshots of the phone layout are kept for the README (`docScreenshot`: docs/screens/ with `SCREENS=1`).
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { docScreenshot, openStatement, useAppAndBrowser } from "./fixtures";
import { seedStatement, statementClauses } from "./statement-seed";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { CommentTestId } from "../client/comments/testids";
import { expandMatrix } from "../shared/signoff";

/** How far the page is wider than the screen, in CSS pixels (0: it reflows). */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe("on a phone", () => {
  const app = useAppAndBrowser();

  it("a representative reads, opens a clause's comments and positions, approves two clauses and signs at 375 × 667", async () => {
    const { server, browser } = app;
    const s = await seedStatement(server.url, {
      title: "Joint statement on open standards",
      clauses: statementClauses(6),
      orgNames: ["Canadian Internet Registration Authority", "Access Now", "Derechos Digitales"],
      repNames: ["Chen Li", "Amara Okafor", "Lucía Pérez"],
    });
    const rep = s.reps[0];
    // A colleague's question on clause 2, for the representative to read.
    await s.reps[1].user.api.createThread(s.statementId, {
      clauseId: s.clauseIds[1],
      body: "Should we name the standards bodies here?",
    });

    const context = await browser.newContext({
      viewport: { width: 375, height: 667 },
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 1,
    });
    const [name, value] = rep.user.cookie.split("=");
    await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Lax" }]);
    const page = await context.newPage();
    await openStatement(page, server, s.statementId);

    // Reading: the text fills the screen, the panel is folded to its tab bar, nothing scrolls sideways.
    const text = page.getByRole("textbox", { name: "Statement text" });
    await expect.poll(() => text.innerText()).toContain("Clause 6.");
    expect(await page.getByRole("tabpanel").count()).toBe(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await docScreenshot(page, "phone-statement");

    // The clause's comments: its gutter mark opens the Comments sheet with the thread.
    await page.locator(`[data-testid="${CommentTestId.gutterMark}"][data-clause-id="${s.clauseIds[1]}"]`).tap();
    const sheet = page.getByRole("tabpanel");
    await sheet.waitFor();
    await expect.poll(() => sheet.innerText()).toContain("Should we name the standards bodies here?");
    // Focus follows into the sheet, which now covers the mark it was opened from.
    expect(await sheet.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await docScreenshot(page, "phone-comments");

    // The positions: clause 1 from its chip, approve; clause 2 from the matrix, approve.
    const detail = page.getByTestId(SignoffTestId.clauseDetail);
    const myPosition = async (clauseId: string) =>
      expandMatrix(await s.convener.api.signoffs(s.statementId)).positions.find(
        (p) => p.clauseId === clauseId && p.organizationId === rep.organizationId,
      )?.position ?? null;
    for (const n of [1, 2]) {
      // Clause 1 from its chip beside the text (the sheet is open, so the text is reached by folding it first),
      // clause 2 from its row in the matrix.
      if (n === 1) {
        await page.getByRole("button", { name: "Close panel" }).tap();
        await page.locator(`[data-testid="${SignoffTestId.gutterChips}"][data-clause-id="${s.clauseIds[0]}"]`).tap();
      } else {
        await page.getByRole("button", { name: SignoffLabel.clause(n), exact: true }).tap();
      }
      await expect.poll(() => detail.getByRole("heading").first().innerText()).toBe(SignoffLabel.clause(n));
      await detail.getByRole("button", { name: SignoffLabel.approve, exact: true }).tap();
      await expect.poll(() => myPosition(s.clauseIds[n - 1]), { timeout: 10_000 }).toBe("approve");
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    }
    await detail.scrollIntoViewIfNeeded();
    await docScreenshot(page, "phone-positions");

    // Signing: the confirmation shows the text and its hash, within the screen.
    await page.getByRole("button", { name: SignoffLabel.signFor(rep.organizationName) }).tap();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId(SignoffTestId.shownHash).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
    await docScreenshot(page, "phone-sign");
    await dialog.getByRole("button", { name: SignoffLabel.signConfirm }).tap();
    await expect
      .poll(() => page.getByTestId(SignoffTestId.signature).getAttribute("data-state"), { timeout: 10_000 })
      .toBe("signed");
    const matrix = expandMatrix(await s.convener.api.signoffs(s.statementId));
    expect(matrix.signatures.map((x) => x.organizationId)).toContain(rep.organizationId);

    // The sheet folds back to the text.
    await page.getByRole("button", { name: "Close panel" }).tap();
    await expect.poll(() => page.getByRole("tabpanel").count()).toBe(0);

    // Reflow: 320 px wide, a 1280 × 720 laptop at 200% zoom (640 × 360 CSS pixels), and a tablet in portrait,
    // with the panel folded and open.
    for (const viewport of [
      { width: 320, height: 640 },
      { width: 640, height: 360 },
      { width: 820, height: 1180 },
    ]) {
      await page.setViewportSize(viewport);
      await expect
        .poll(() => horizontalOverflow(page), { message: `${viewport.width} px, text` })
        .toBeLessThanOrEqual(0);
      await page.getByRole("tab", { name: /^Sign-off/ }).tap();
      await page.getByRole("tabpanel").waitFor();
      await expect
        .poll(() => horizontalOverflow(page), { message: `${viewport.width} px, panel` })
        .toBeLessThanOrEqual(0);
      await page.getByRole("button", { name: "Close panel" }).tap();
    }
    // Motion: none for people who ask their system for less.
    const transition = () =>
      page.evaluate(() => {
        const probe = document.createElement("button");
        probe.className = "btn btn-secondary";
        document.body.append(probe);
        const seconds = parseFloat(getComputedStyle(probe).transitionDuration);
        probe.remove();
        return seconds;
      });
    expect(await transition()).toBeGreaterThan(0.05);
    await page.emulateMedia({ reducedMotion: "reduce" });
    expect(await transition()).toBeLessThan(0.001);

    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: /Joint statement on open standards/ }).waitFor();
    expect(await horizontalOverflow(page), "dashboard at 640 px").toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await horizontalOverflow(page), "dashboard at 320 px").toBeLessThanOrEqual(0);
    await context.close();
  });
});
