/**
 * Sign-off flows at a real coalition's size (issues 11 and 15), in one Chromium with two people: a
 * representative of CIRA and the convener, 15 organizations (2 with members, 13 expected signatories nobody
 * represents yet) and 30 clauses.
 * - The matrix is an ARIA grid in the shared collation (".PT" under P, "afnic" among the A's), with plain-text
 *   clause excerpts, cells of at least 24 px named as sentences, and arrow keys / Home / End / Enter working.
 * - Bulk approval: the confirmation counts the clauses; a clause CIRA objects to is left alone; the other
 *   page sees the approvals live.
 * - Signing shows the SHA-256 being signed and what it covers; the long organization name is not clipped;
 *   the convener's lock gate names who has not signed (expected ones included) and follows the signature and
 *   its withdrawal live; after the lock the signature can no longer be withdrawn.
 * - Objection reasons typed with their own quotes are shown with one pair.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Page } from "playwright-core";
import { openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";
import { axeViolations } from "./axe";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { DOCUMENT_FIELD, sha256Hex } from "../shared/canonical";
import { expandMatrix, lockOverrideOf } from "../shared/signoff";

/** The organizations, in the order the one collation gives (all in one stakeholder group: one column group). */
const ORGS_IN_ORDER = [
  ["afnic", "afnic"],
  ["Asia Pacific Network Information Centre", "APNIC"],
  ["Canadian Internet Registration Authority", "CIRA"],
  ["ccTLD Forum 9", "ccTLD9"],
  ["ccTLD Forum 10", "ccTLD10"],
  ["DENIC eG", "DENIC"],
  ["eco Verband", "eco"],
  ["Éducation Numérique", "EduNum"],
  ["Internet Society", "ISOC"],
  ["LACNIC", "LACNIC"],
  ["Nominet", "Nominet"],
  ["Österreichische Domain", "nic.at"],
  [".PT", ".PT"],
  ["RIPE NCC", "RIPE"],
  ["Zeta Registry", "Zeta"],
] as const;

/** Adds a clause of a type (heading with its level, or paragraph) to a Y.Doc as the editor would. */
function appendClause(doc: Y.Doc, type: "heading" | "paragraph", text: string, clauseId: string): void {
  const el = new Y.XmlElement(type);
  el.setAttribute("clauseId", clauseId);
  if (type === "heading") el.setAttribute("level", 1 as unknown as string);
  const t = new Y.XmlText();
  t.insert(0, text);
  el.insert(0, [t]);
  const frag = doc.getXmlFragment(DOCUMENT_FIELD);
  frag.insert(frag.length, [el]);
}

const cell = (page: Page, clauseId: string, orgId: string) =>
  page.locator(`[data-testid="${SignoffTestId.cell}"][data-clause-id="${clauseId}"][data-org-id="${orgId}"]`);

/** The accessible name of the focused element (its aria-label, else its text). */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "";
  });

async function openSignoff(page: Page): Promise<void> {
  await page.getByTestId("side-tab-signoff").click();
  await page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 15_000 });
}

describe("sign-off flows at 15 organizations × 30 clauses", () => {
  const app = useAppAndBrowser();

  it("grid, collation, bulk approval, signature with its hash, withdrawal and the lock gate", async () => {
    const { server, browser } = app;
    const convener = await userPage(browser, server, "Carla Convener");
    const cira = await userPage(browser, server, "Chen Li");
    const afnicRep = await userPage(browser, server, "Amelie Martin");
    const orgIds: string[] = [];
    for (const [name, shortName] of [...ORGS_IN_ORDER].reverse()) {
      const r = await convener.user.post("/api/organizations", {
        name,
        shortName,
        stakeholderGroup: "technical-community",
      });
      expect(r.status, r.text).toBe(201);
      orgIds.unshift(r.json.organization.id);
    }
    const idOf = (shortName: string) => orgIds[ORGS_IN_ORDER.findIndex(([, s]) => s === shortName)];
    const id: string = (await convener.user.post("/api/statements", { title: "Joint statement of 15 registries" })).json
      .statement.id;
    await convener.user.api.addMember(id, { email: cira.user.email, role: "drafter", organizationId: idOf("CIRA") });
    await convener.user.api.addMember(id, {
      email: afnicRep.user.email,
      role: "drafter",
      organizationId: idOf("afnic"),
    });
    for (const org of orgIds) await convener.user.api.addExpectedOrganization(id, { organizationId: org });

    // 30 clauses: a heading, then paragraphs.
    const p = connectProvider(server.url, id, convener.user);
    await synced(p.provider);
    appendClause(p.doc, "heading", "A technical community view", "k1");
    for (let i = 2; i <= 30; i++)
      appendClause(p.doc, "paragraph", `Commitment number ${i}: we keep the registry open.`, `k${i}`);
    await eventually(
      async () => (await convener.user.get(`/api/statements/${id}/signoffs`)).json.clauses.length === 30,
      10_000,
      "30 clauses stored",
    );
    p.destroy();
    // afnic objects to clause 3 with a reason typed in quotes; CIRA objects to clause 5.
    const m0 = expandMatrix((await convener.user.get(`/api/statements/${id}/signoffs`)).json);
    const clause = (n: number) => m0.clauses[n - 1];
    const object = async (user: typeof cira.user, org: string, n: number, reason: string) =>
      user.api.setPosition(id, {
        clauseId: clause(n).clauseId,
        organizationId: org,
        position: "object",
        reason,
        clauseHash: clause(n).hash,
        clauseText: clause(n).markdown,
      });
    await object(afnicRep.user, idOf("afnic"), 3, '"Too vague"');
    await object(cira.user, idOf("CIRA"), 5, "We need a date.");

    await cira.page.setViewportSize({ width: 1400, height: 900 });
    await openStatement(cira.page, server, id);
    await openSignoff(cira.page);
    await openStatement(convener.page, server, id);
    await openSignoff(convener.page);

    // Collation: the columns in the shared order; plain-text excerpts; a grid with named, hittable cells.
    const columns = await cira.page
      .locator(`[data-testid="${SignoffTestId.matrix}"] th[data-org-id]`)
      .evaluateAll((ths) => ths.map((th) => th.getAttribute("data-org-id")));
    expect(columns).toEqual(orgIds);
    const grid = cira.page.getByRole("grid", { name: "Positions by clause and organization" });
    const excerpt1 = await grid.locator('tr[data-clause-id="k1"] .sm-excerpt').textContent();
    expect(excerpt1).toBe("A technical community view");
    expect(await grid.locator(".sm-excerpt").allTextContents()).not.toContainEqual(expect.stringMatching(/^[#\-*>]/));
    const box = await cell(cira.page, "k7", idOf("afnic")).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(24);
    expect(box!.height).toBeGreaterThanOrEqual(24);
    await expect.poll(() => grid.getByRole("gridcell", { name: "afnic has no position on clause 7" }).count()).toBe(1);
    await expect
      .poll(() => grid.getByRole("gridcell", { name: /^afnic objects to clause 3, .*: “Too vague”$/ }).count())
      .toBe(1);

    // Keyboard: one tab stop; arrows, Home/End and Enter.
    await grid.getByRole("button", { name: SignoffLabel.clause(1), exact: true }).focus();
    await cira.page.keyboard.press("ArrowRight");
    expect(await focusedName(cira.page)).toBe("afnic has no position on clause 1");
    await cira.page.keyboard.press("ArrowDown");
    await cira.page.keyboard.press("ArrowDown");
    expect(await focusedName(cira.page)).toMatch(/^afnic objects to clause 3, /);
    await cira.page.keyboard.press("End");
    expect(await focusedName(cira.page)).toMatch(/Clause 3: 0 approve, 1 object/);
    await cira.page.keyboard.press("Home");
    expect(
      await cira.page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return [el.tagName, el.closest("tr")?.dataset.clauseId];
      }),
    ).toEqual(["BUTTON", "k3"]);
    expect(await grid.locator('[tabindex="0"]').count()).toBe(1);
    await cira.page.keyboard.press("ArrowRight");
    await cira.page.keyboard.press("Enter");
    const detail = cira.page.getByTestId(SignoffTestId.clauseDetail);
    await expect.poll(() => detail.getAttribute("data-clause-id")).toBe("k3");
    await expect
      .poll(() => cira.page.evaluate(() => document.activeElement?.getAttribute("data-org-id")))
      .toBe(idOf("afnic"));
    // The reason shows with one pair of quotes, whatever its author typed.
    expect(await detail.locator(`li[data-org-id="${idOf("afnic")}"] .signoff-reason`).textContent()).toBe(
      "“Too vague”",
    );
    await screenshot(cira.page, "signoff-flows-matrix-1400");
    expect(await axeViolations(cira.page, { include: `[data-testid="${SignoffTestId.panel}"]` })).toEqual([]);

    // The full matrix, wider: the same grid in a dialog.
    await cira.page.getByRole("button", { name: SignoffLabel.expand }).click();
    const full = cira.page.getByRole("dialog", { name: "Sign-off matrix" });
    await full.getByRole("grid").waitFor();
    await screenshot(cira.page, "signoff-flows-full-matrix-1400");
    expect(await axeViolations(cira.page, { include: "dialog[open]" })).toEqual([]);
    await cira.page.keyboard.press("Escape");
    await expect.poll(() => full.count()).toBe(0);

    // Bulk approval: the confirmation counts 29 clauses (CIRA objects to clause 5); the convener sees it live.
    const bulk = cira.page.getByTestId(SignoffTestId.bulkApprove);
    await bulk.getByRole("button", { name: new RegExp(SignoffLabel.bulkApprove) }).click();
    const bulkDialog = cira.page.getByTestId(SignoffTestId.bulkApproveDialog);
    await bulkDialog.getByRole("button", { name: SignoffLabel.bulkApproveConfirm(29) }).click();
    await expect.poll(() => bulk.getByRole("status").textContent()).toContain("Approved 29 clauses.");
    await expect.poll(() => cell(convener.page, "k30", idOf("CIRA")).getAttribute("data-state")).toBe("approve");
    expect(await cell(convener.page, "k5", idOf("CIRA")).getAttribute("data-state")).toBe("object");
    await expect.poll(() => convener.page.getByRole("gridcell", { name: /^CIRA approves clause 4, / }).count()).toBe(1);

    // The lock gate names who has not signed, the 13 expected organizations without members included.
    const gate = convener.page.getByTestId(SignoffTestId.lockGateUnsigned);
    await expect.poll(() => gate.textContent()).toContain("Canadian Internet Registration Authority");
    expect(await gate.textContent()).toContain("Zeta Registry (no member yet)");

    // The convener's expected signatories: remove one nobody represents; CIRA's matrix loses its column live.
    const expected = convener.page.getByTestId(SignoffTestId.expected);
    await expected.locator("summary").click();
    expect(await expected.locator("li").count()).toBe(15);
    expect(await axeViolations(convener.page, { include: `[data-testid="${SignoffTestId.expected}"]` })).toEqual([]);
    await screenshot(convener.page, "signoff-flows-expected-signatories");
    await expected.getByRole("button", { name: SignoffLabel.expectedRemove("Zeta Registry") }).click();
    await expect.poll(() => cira.page.locator(`th[data-org-id="${idOf("Zeta")}"]`).count()).toBe(0);
    await expect.poll(() => gate.textContent()).not.toContain("Zeta Registry");
    // A new organization by name: created, expected, and a new column on CIRA's matrix, live.
    await expected.getByLabel("Or a new organization, by name").fill("Réseau Libre");
    await expected.getByRole("button", { name: SignoffLabel.expectedCreate }).click();
    await expect.poll(() => cira.page.locator("th[data-org-id]", { hasText: "Réseau Libre" }).count()).toBe(1);
    await expect.poll(() => gate.textContent()).toContain("Réseau Libre (no member yet)");
    // A represented organization has no remove button.
    expect(await expected.getByRole("button", { name: SignoffLabel.expectedRemove("afnic") }).count()).toBe(0);

    // Signing: the long name is not clipped; the dialog shows the hash and what it covers.
    const signButton = cira.page.getByRole("button", {
      name: SignoffLabel.signFor("Canadian Internet Registration Authority"),
    });
    const clipped = await signButton.evaluate((b) => b.scrollWidth > b.clientWidth + 1);
    expect(clipped).toBe(false);
    await signButton.click();
    const signDialog = cira.page.getByTestId(SignoffTestId.signDialog);
    const text = (await convener.user.get(`/api/statements/${id}/export.md`)).text;
    expect(await signDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(sha256Hex(text));
    expect(await signDialog.getByTestId(SignoffTestId.shownHash).textContent()).toBe(sha256Hex(text));
    expect(await signDialog.getByTestId(SignoffTestId.signCovers).textContent()).toContain("30 clauses");
    expect(await axeViolations(cira.page, { include: "dialog[open]" })).toEqual([]);
    await screenshot(cira.page, "signoff-flows-sign-dialog");
    await signDialog.getByRole("button", { name: SignoffLabel.signConfirm }).click();
    await expect.poll(() => cira.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("signed");
    await expect.poll(() => gate.textContent()).not.toContain("Canadian Internet Registration Authority");

    // Withdrawal, confirmed: the convener's gate names CIRA again, live.
    await cira.page.getByRole("button", { name: SignoffLabel.withdraw, exact: true }).click();
    await cira.page
      .getByTestId(SignoffTestId.withdrawDialog)
      .getByRole("button", { name: SignoffLabel.withdrawConfirm })
      .click();
    await expect.poll(() => cira.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("unsigned");
    await expect.poll(() => gate.textContent()).toContain("Canadian Internet Registration Authority");

    // Sign again, the convener locks over the rest: no withdrawal any more.
    await signButton.click();
    await signDialog.getByRole("button", { name: SignoffLabel.signConfirm }).click();
    await expect.poll(() => cira.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("signed");
    const before = expandMatrix((await convener.user.get(`/api/statements/${id}/signoffs`)).json);
    const locked = await convener.user.post(`/api/statements/${id}/lock`, {
      documentHash: sha256Hex(text),
      documentText: text,
      override: lockOverrideOf(before.readiness),
    });
    expect(locked.status, locked.text).toBe(200);
    await cira.page.getByTestId(SignoffTestId.finalBanner).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => cira.page.getByRole("button", { name: SignoffLabel.withdraw, exact: true }).count())
      .toBe(0);
    const late = await cira.user.post(`/api/statements/${id}/signature/withdraw`, { organizationId: idOf("CIRA") });
    expect(late.status).toBe(409);

    // At a laptop's size the grid still scrolls under its sticky headers.
    await convener.page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(convener.page, "signoff-flows-matrix-1280");
  });
});
