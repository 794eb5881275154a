/**
 * Issue 15, keyboard only: no click anywhere, only `keyboard.press` and `keyboard.type`. A representative signs
 * in, opens the statement, comments on words of a clause, approves two clauses, objects to a third with a
 * reason and signs; the convener locks. Every control on the way is reached with Tab (or the arrow keys inside
 * a tab list or grid) and shows a visible focus indicator when it has focus, the clauses' sign-off chips and
 * comment marks included; dialogs take focus, keep it, and give it back to the button that opened them; `?`
 * lists the shortcuts. The representative's screen reader is told of the lock through the live region.
 */
import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { contextFor, useAppAndBrowser } from "./fixtures";
import { TEST_PASSWORD, seedStatement, statementClauses } from "./statement-seed";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { CommentLabel, CommentTestId } from "../client/comments/testids";
import { expandMatrix } from "../shared/signoff";

/** Whether the focused element (or the box around it, for the text) shows a focus indicator. */
function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const visible = (el: Element | null) => {
      if (!el) return false;
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
      return outline || (s.boxShadow !== "none" && s.boxShadow !== "");
    };
    const el = document.activeElement;
    return visible(el) || visible(el?.parentElement ?? null) || visible(el?.closest(".editor-frame") ?? null);
  });
}

/** Presses `key` until `target` has focus (at most `max` times), then checks that the focus is visible. */
async function pressUntilFocused(page: Page, target: Locator, key = "Tab", max = 80): Promise<void> {
  const trail: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) {
      expect(await focusIsVisible(page), `visible focus on ${await describeFocus(page)}`).toBe(true);
      return;
    }
    await page.keyboard.press(key);
    trail.push(await describeFocus(page));
  }
  throw new Error(`${key} never reached the target; focus went to:\n${[...new Set(trail)].join("\n")}`);
}

/** The focused element, for failure messages. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return "nothing";
    const name = el.getAttribute("aria-label") ?? (el.textContent ?? "").trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()} role=${el.getAttribute("role")}> "${name}"`;
  });
}

/** Whether `target` has focus now. */
function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/** Tabs to a control and presses Enter on it. */
async function activate(page: Page, target: Locator): Promise<void> {
  await pressUntilFocused(page, target);
  await page.keyboard.press("Enter");
}

describe("keyboard only, from sign-in to lock", () => {
  const app = useAppAndBrowser();

  it("a representative comments, approves two clauses, objects to one with a reason and signs; the convener locks", async () => {
    const { server, browser } = app;
    const s = await seedStatement(server.url, {
      title: "Statement on open standards",
      clauses: statementClauses(4),
      orgNames: ["Canadian Internet Registration Authority"],
      repNames: ["Chen Li"],
    });
    const rep = s.reps[0];
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();

    // Sign in: the email field has focus on arrival.
    await page.goto(`${server.url}/login`);
    const email = page.getByRole("textbox", { name: "Email" });
    await email.waitFor();
    await pressUntilFocused(page, email);
    await page.keyboard.type(rep.user.email);
    await pressUntilFocused(page, page.getByLabel("Password"));
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press("Enter");

    // The dashboard: the first Tab shows the skip link; the statement is reached with Tab.
    const statementLink = page.getByRole("link", { name: /Statement on open standards/ });
    await statementLink.waitFor();
    await page.keyboard.press("Tab");
    expect(await hasFocus(page.getByRole("link", { name: "Skip to content" }))).toBe(true);
    expect(await focusIsVisible(page)).toBe(true);

    // `?` lists the shortcuts; Escape closes the list and focus comes back where it was.
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    expect(await help.innerText()).toContain("Comment on the selected words");
    await page.keyboard.press("Escape");
    await expect.poll(() => help.count()).toBe(0);
    expect(await hasFocus(page.getByRole("link", { name: "Skip to content" }))).toBe(true);
    // The skip link jumps over the top bar: the next Tab stop is in the page's content.
    await page.keyboard.press("Enter");
    expect(await hasFocus(page.getByRole("main"))).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);

    await activate(page, statementLink);
    const text = page.getByRole("textbox", { name: "Statement text" });
    await text.waitFor();
    await expect
      .poll(() => page.getByTestId("connection-state").getAttribute("data-state"), { timeout: 15_000 })
      .toBe("connected");

    // A comment on the first words of clause 1: into the text, select, Ctrl+Alt+M, type, Ctrl+Enter.
    await pressUntilFocused(page, text);
    // Beside each clause, its sign-off chip and its comment mark are the next Tab stops.
    const besideClause1 = (testId: string) =>
      page.locator(`[data-testid="${testId}"][data-clause-id="${s.clauseIds[0]}"]`);
    await pressUntilFocused(page, besideClause1(SignoffTestId.gutterChips), "Tab", 3);
    await pressUntilFocused(page, besideClause1(CommentTestId.gutterMark), "Tab", 3);
    await pressUntilFocused(page, text, "Shift+Tab", 4);
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Control+Shift+ArrowRight");
    await page.keyboard.press("Control+Alt+KeyM");
    const composer = page.getByRole("combobox", { name: CommentLabel.newComment });
    await composer.waitFor();
    await expect.poll(() => hasFocus(composer)).toBe(true);
    await page.keyboard.type("Which standards do we mean? Name them.");
    await page.keyboard.press("Control+Enter");
    await page.getByTestId(CommentTestId.thread).first().waitFor();
    await expect
      .poll(async () => (await s.convener.api.threads(s.statementId)).threads.length, { timeout: 10_000 })
      .toBe(1);

    // The Sign-off tab: Tab to the tab list, then the arrow keys.
    const signoffTab = page.getByRole("tab", { name: /^Sign-off/ });
    await pressUntilFocused(page, page.getByRole("tab", { selected: true }));
    await pressUntilFocused(page, signoffTab, "ArrowRight", 6);
    await page.keyboard.press("Enter");
    await page.getByTestId(SignoffTestId.matrix).waitFor();

    const detail = page.getByTestId(SignoffTestId.clauseDetail);
    /** My organization's position on a clause, as the server holds it. */
    const myPosition = async (clauseId: string) =>
      expandMatrix(await s.convener.api.signoffs(s.statementId)).positions.find(
        (p) => p.clauseId === clauseId && p.organizationId === rep.organizationId,
      )?.position ?? null;
    /** Selects clause `n` in the matrix and records a position for the representative's organization. */
    async function takePosition(n: number, position: "approve" | "object", reason?: string): Promise<void> {
      // Into the matrix (a grid: one Tab stop, then the arrow keys), back up from the clause detail below it.
      await pressUntilFocused(page, page.getByRole("grid").first(), "Shift+Tab");
      await page.keyboard.press("Control+Home");
      const rowHeader = page.getByRole("button", { name: SignoffLabel.clause(n), exact: true });
      await pressUntilFocused(page, rowHeader, "ArrowDown", 40);
      await page.keyboard.press("Enter");
      await expect.poll(() => detail.getByRole("heading").first().innerText()).toBe(SignoffLabel.clause(n));
      if (position === "approve") {
        await activate(page, detail.getByRole("button", { name: SignoffLabel.approve, exact: true }));
      } else {
        await activate(page, detail.getByRole("button", { name: SignoffLabel.object, exact: true }));
        await pressUntilFocused(page, detail.getByLabel(SignoffLabel.reason));
        await page.keyboard.type(reason ?? "");
        await activate(page, detail.getByRole("button", { name: SignoffLabel.submitObjection }));
      }
      // Recorded on the server.
      await expect.poll(async () => myPosition(s.clauseIds[n - 1]), { timeout: 10_000 }).toBe(position);
    }
    await takePosition(1, "approve");
    await takePosition(2, "approve");
    await takePosition(3, "object", "Say who is accountable, and to whom.");

    // Sign: the dialog takes focus and keeps it; Escape gives focus back to the button; then sign for real.
    const signButton = page.getByRole("button", { name: SignoffLabel.signFor(rep.organizationName) });
    await activate(page, signButton);
    const signDialog = page.getByRole("dialog");
    await signDialog.waitFor();
    expect(await signDialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await signDialog.evaluate((d) => d.contains(document.activeElement)), "focus stays in the dialog").toBe(
        true,
      );
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => signDialog.count()).toBe(0);
    expect(await hasFocus(signButton)).toBe(true);
    await page.keyboard.press("Enter");
    await signDialog.waitFor();
    await activate(page, signDialog.getByRole("button", { name: SignoffLabel.signConfirm }));
    await expect
      .poll(() => page.getByTestId(SignoffTestId.signature).getAttribute("data-state"), { timeout: 10_000 })
      .toBe("signed");

    // The convener locks, by keyboard too.
    const convenerContext = await contextFor(browser, server, s.convener);
    const convener = await convenerContext.newPage();
    await convener.goto(`${server.url}/s/${s.statementId}`);
    await convener.getByRole("textbox", { name: "Statement text" }).waitFor();
    await pressUntilFocused(convener, convener.getByRole("tab", { selected: true }));
    await pressUntilFocused(convener, convener.getByRole("tab", { name: /^Sign-off/ }), "ArrowRight", 6);
    await convener.keyboard.press("Enter");
    await activate(convener, convener.getByRole("button", { name: SignoffLabel.lock }));
    const lockDialog = convener.getByTestId(SignoffTestId.lockDialog);
    await lockDialog.waitFor();
    const lockNow = convener.getByRole("button", {
      name: new RegExp(`^(${SignoffLabel.lockNow}|${SignoffLabel.lockAnyway})$`),
    });
    await activate(convener, lockNow);
    await convener.getByTestId(SignoffTestId.finalBanner).waitFor({ timeout: 15_000 });

    // The representative hears of the lock (the live region), and the statement is final on the server.
    await expect
      .poll(() => page.getByTestId("announcer").innerText(), { timeout: 15_000 })
      .toContain("The statement was locked");
    expect((await s.convener.api.final(s.statementId)).final?.signatories.map((x) => x.organizationId)).toEqual([
      rep.organizationId,
    ]);
    await convenerContext.close();
    await context.close();
  });
});
