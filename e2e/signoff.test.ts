/**
 * Issue 4 end to end: three organizations' representatives approve clauses in the Sign-off tab, one objects
 * with a reason, a drafter rewords that clause and the objector sees its position go stale with the diff,
 * the representatives sign (confirming the hash the sign dialog shows), the convener locks (confirming over
 * the standing objection), and every open editor turns read-only with the final hash.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { caretSettled, openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { sha256Hex } from "../shared/canonical";
import { realtimeBarrier, tapRealtimeSocket } from "./barrier";

/** Opens the Sign-off tab of the side panel. */
async function openSignoffTab(page: Page): Promise<void> {
  await page.getByTestId("side-tab-signoff").click();
  await page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 10_000 });
}

/** The state shown by one matrix cell. */
function cellState(page: Page, clauseId: string, orgId: string): Promise<string | null> {
  return page
    .locator(`[data-testid="${SignoffTestId.cell}"][data-clause-id="${clauseId}"][data-org-id="${orgId}"]`)
    .getAttribute("data-state");
}

/** Selects a clause in the matrix and records a position for the representative's organization. */
async function takePosition(
  page: Page,
  clauseNumber: number,
  position: "approve" | "abstain" | "object",
  reason?: string,
): Promise<void> {
  await page.getByRole("button", { name: SignoffLabel.clause(clauseNumber), exact: true }).click();
  const detail = page.getByTestId(SignoffTestId.clauseDetail);
  await detail.waitFor();
  if (position === "object") {
    await detail.getByRole("button", { name: SignoffLabel.object, exact: true }).click();
    await detail.getByLabel(SignoffLabel.reason).fill(reason ?? "");
    await detail.getByRole("button", { name: SignoffLabel.submitObjection }).click();
  } else {
    await detail
      .getByRole("button", { name: position === "approve" ? SignoffLabel.approve : SignoffLabel.abstain, exact: true })
      .click();
  }
}

describe("sign-off and lock in the browser", () => {
  const app = useAppAndBrowser();

  it("representatives approve and object, a reworded clause goes stale, all sign, the convener locks, every editor turns final", async () => {
    const { server, browser } = app;
    const convener = await userPage(browser, server, "Carla Convener");
    const drafter = await userPage(browser, server, "Dan Drafter");
    const reps = [
      { p: await userPage(browser, server, "Alice Alpha"), org: "Alpha Registry", group: "technical-community" },
      { p: await userPage(browser, server, "Bruno Beta"), org: "Beta Hosting", group: "private-sector" },
      { p: await userPage(browser, server, "Chiara Gamma"), org: "Gamma Rights Network", group: "civil-society" },
    ];
    const id: string = (await convener.user.post("/api/statements", { title: "Statement on open standards" })).json
      .statement.id;
    const orgIds: string[] = [];
    for (const r of reps) {
      const org = await convener.user.post("/api/organizations", {
        name: `${r.org} ${Date.now()}`,
        shortName: r.org.split(" ")[0],
        stakeholderGroup: r.group,
      });
      expect(org.status).toBe(201);
      orgIds.push(org.json.organization.id);
      const added = await convener.user.post(`/api/statements/${id}/members`, {
        email: r.p.user.email,
        role: "drafter",
        organizationId: org.json.organization.id,
      });
      expect(added.status).toBe(201);
    }
    expect(
      (await convener.user.post(`/api/statements/${id}/members`, { email: drafter.user.email, role: "drafter" }))
        .status,
    ).toBe(201);
    const orgNames: string[] = (await convener.user.get(`/api/statements/${id}/signoffs`)).json.organizations
      .map((o: { id: string; name: string }) => o)
      .sort((a: { id: string }, b: { id: string }) => orgIds.indexOf(a.id) - orgIds.indexOf(b.id))
      .map((o: { name: string }) => o.name);

    // The drafter writes three clauses in the editor.
    await tapRealtimeSocket(drafter.page);
    await openStatement(drafter.page, server, id);
    const drafterEditor = drafter.page.getByTestId(TestId.editor);
    await drafterEditor.click();
    await drafter.page.keyboard.type("We support open standards.");
    await drafter.page.keyboard.press("Enter");
    await drafter.page.keyboard.type("We commit to multistakeholder governance.");
    await drafter.page.keyboard.press("Enter");
    await drafter.page.keyboard.type("We will report every year.");
    await expect
      .poll(async () => (await convener.user.get(`/api/statements/${id}/signoffs`)).json.clauses.length, {
        timeout: 10_000,
      })
      .toBe(3);
    const clauses: Array<{ clauseId: string }> = (await convener.user.get(`/api/statements/${id}/signoffs`)).json
      .clauses;
    const [c1, c2, c3] = clauses.map((c) => c.clauseId);

    // Everyone opens the editor (they stay open until the lock).
    for (const r of reps) {
      await openStatement(r.p.page, server, id);
      await openSignoffTab(r.p.page);
    }
    await openStatement(convener.page, server, id);
    await openSignoffTab(convener.page);

    // Alpha and Beta approve all three clauses; Gamma approves 1 and 3 and objects to 2 with a reason.
    for (const [i, r] of reps.entries()) {
      for (const n of [1, 2, 3]) {
        if (i === 2 && n === 2)
          await takePosition(r.p.page, n, "object", "Name the stakeholders and add transparency.");
        else await takePosition(r.p.page, n, "approve");
      }
    }
    // The convener's matrix shows every position live, as do the editor's gutter chips.
    for (const [i, org] of orgIds.entries()) {
      for (const c of [c1, c2, c3]) {
        await expect
          .poll(() => cellState(convener.page, c, org), { timeout: 10_000 })
          .toBe(i === 2 && c === c2 ? "object" : "approve");
      }
    }
    const gammaChipOnC2 = (page: Page) =>
      page
        .locator(`[data-testid="${SignoffTestId.gutterChips}"][data-clause-id="${c2}"] [data-org-id="${orgIds[2]}"]`)
        .getAttribute("data-state");
    await expect.poll(() => gammaChipOnC2(convener.page), { timeout: 10_000 }).toBe("object");

    // The drafter rewords clause 2.
    await drafterEditor.locator("p", { hasText: "multistakeholder governance" }).click();
    await caretSettled(drafter.page);
    await drafter.page.keyboard.press("End");
    await caretSettled(drafter.page);
    await drafter.page.keyboard.press("Backspace");
    await drafter.page.keyboard.type(", naming every stakeholder group, with transparency.");
    await expect
      .poll(async () => (await convener.user.get(`/api/statements/${id}/export.md`)).text, { timeout: 10_000 })
      .toContain("governance, naming every stakeholder group, with transparency.");

    // The objector's position shows stale, with the words that were added; other clauses stay as they were.
    const gamma = reps[2].p.page;
    await expect.poll(() => cellState(gamma, c2, orgIds[2]), { timeout: 10_000 }).toBe("stale");
    await expect.poll(() => cellState(gamma, c2, orgIds[0]), { timeout: 10_000 }).toBe("stale");
    expect(await cellState(gamma, c1, orgIds[2])).toBe("approve");
    expect(await cellState(gamma, c3, orgIds[2])).toBe("approve");
    await expect.poll(() => gammaChipOnC2(gamma), { timeout: 10_000 }).toBe("stale");
    await gamma.getByRole("button", { name: SignoffLabel.clause(2), exact: true }).click();
    const gammaRow = gamma.locator(`[data-testid="${SignoffTestId.clauseDetail}"] li[data-org-id="${orgIds[2]}"]`);
    await expect.poll(() => gammaRow.getAttribute("data-state"), { timeout: 10_000 }).toBe("stale");
    // The stale mark comes with the first keystroke that reaches Gamma; the diff is complete once the last has.
    await expect
      .poll(() => gammaRow.locator(`[data-testid="${SignoffTestId.diff}"] ins`).allInnerTexts(), { timeout: 10_000 })
      .toEqual([", naming every stakeholder group, with transparency"]);
    expect(await gammaRow.locator(`[data-testid="${SignoffTestId.diff}"] del`).count()).toBe(0);
    expect(await gammaRow.innerText()).toContain("Name the stakeholders and add transparency.");
    await screenshot(gamma, "signoff-stale-objection");

    // The representatives sign the reworded text, each confirming the hash the sign dialog shows.
    const currentHash = sha256Hex((await convener.user.get(`/api/statements/${id}/export.md`)).text);
    for (const [i, r] of reps.entries()) {
      await r.p.page.getByRole("button", { name: SignoffLabel.signFor(orgNames[i]) }).click();
      const signDialog = r.p.page.getByTestId(SignoffTestId.signDialog);
      expect(await signDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(currentHash);
      await signDialog.getByRole("button", { name: SignoffLabel.signConfirm }).click();
      await expect
        .poll(() => r.p.page.getByTestId(SignoffTestId.signature).getAttribute("data-state"), { timeout: 10_000 })
        .toBe("signed");
    }

    // The convener locks: the confirmation lists the objection that still stands, and the convener locks anyway.
    const lockSection = convener.page.getByRole("region", { name: "Lock" });
    await expect.poll(() => lockSection.innerText(), { timeout: 10_000 }).toContain("3 of 3 organizations signed");
    await convener.page.getByRole("button", { name: SignoffLabel.lock }).click();
    const dialog = convener.page.getByTestId(SignoffTestId.lockDialog);
    await dialog.waitFor();
    await expect
      .poll(() => dialog.innerText(), { timeout: 10_000 })
      .toContain("Name the stakeholders and add transparency.");
    const dialogText = await dialog.innerText();
    expect(dialogText).toContain(orgNames[2]);
    expect(dialogText).toContain("Clause 2");
    expect(dialogText).not.toMatch(/Not signed/);
    expect(await dialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(currentHash);
    await screenshot(convener.page, "signoff-lock-confirmation");
    await dialog.getByRole("button", { name: SignoffLabel.lockAnyway }).click();

    await expect
      .poll(async () => (await convener.user.get(`/api/statements/${id}/final`)).json.final?.hash ?? null, {
        timeout: 10_000,
      })
      .not.toBeNull();
    const finalDto = (await convener.user.get(`/api/statements/${id}/final`)).json.final;
    const exported = await convener.user.get(`/api/statements/${id}/export.md`);
    expect(sha256Hex(exported.text)).toBe(finalDto.hash);
    expect(finalDto.hash).toBe(currentHash);
    expect(finalDto.signatories.map((s: { organizationId: string }) => s.organizationId).sort()).toEqual(
      [...orgIds].sort(),
    );
    expect(finalDto.objections).toEqual([
      expect.objectContaining({ clauseId: c2, organizationId: orgIds[2], stale: true }),
    ]);

    // Every open editor turns read-only and shows "Final" with the hash.
    const everyone = [convener, drafter, ...reps.map((r) => r.p)];
    for (const p of everyone) {
      const editor = p.page.getByTestId(TestId.editor);
      await expect.poll(() => editor.getAttribute("contenteditable"), { timeout: 10_000 }).toBe("false");
      const banner = p.page.getByTestId(SignoffTestId.finalBanner);
      await expect.poll(() => banner.getAttribute("data-hash"), { timeout: 10_000 }).toBe(finalDto.hash);
      expect(await banner.innerText()).toMatch(/^Final/);
      expect(await p.page.getByTestId(SignoffTestId.finalHash).innerText()).toBe(finalDto.hash);
    }
    await screenshot(drafter.page, "signoff-final-drafter");

    // Typing in the drafter's editor changes nothing anywhere.
    await drafterEditor.click();
    await drafter.page.keyboard.type("AFTER THE LOCK");
    // Whatever the drafter's page sent has been handled by the server (a sync round trip on its own socket).
    await realtimeBarrier(drafter.page);
    expect(await drafterEditor.innerText()).not.toContain("AFTER THE LOCK");
    expect((await convener.user.get(`/api/statements/${id}/export.md`)).text).toBe(exported.text);

    for (const p of everyone) await p.context.close();
  });
});
