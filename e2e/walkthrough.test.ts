/**
 * A coalition's statement from import to lock (issue 11's walkthrough), in one Chromium: a convener, two
 * drafters, a reviewer and five representatives. The convener, one drafter and one representative work in the
 * browser; the others act through the API at the same moments, as they would from their own screens.
 * - The convener starts the statement from a Markdown file; its export is the file's canonical form.
 * - A representative learns live (no reload) that they were added: the bell counts it and the dashboard lists it.
 * - Both drafters edit different clauses at the same moment while the reviewer comments on a third.
 * - Every representative approves in bulk (one in the browser, with its confirmation) and signs; the browser
 *   signature shows the hash it signs.
 * - The convener's lock gate counts the expected signatories; the lock freezes the text the representatives signed.
 * Screenshots of each main screen go to docs/screens/ with `SCREENS=1` (test-results/ otherwise).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { TestId, Label } from "../client/testids";
import { TextIoTestId } from "../client/import/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { NotificationTestId } from "../client/notifications/testids";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { sha256Hex } from "../shared/canonical";
import { expandMatrix } from "../shared/signoff";
import { signCurrent } from "../server/publication/fixtures";
import { caretSettled, docScreenshot, openStatement, useAppAndBrowser, userPage } from "./fixtures";

const STATEMENT_MD = fs.readFileSync(path.resolve("e2e/files/statement-of-purpose.md"), "utf8");

const ORGS = [
  ["Canadian Internet Registration Authority", "CIRA"],
  ["DENIC eG", "DENIC"],
  [".PT", ".PT"],
  ["afnic", "afnic"],
  ["Asia Pacific Network Information Centre", "APNIC"],
] as const;

const exportOf = async (user: { get(path: string): Promise<{ text: string }> }, id: string) =>
  (await user.get(`/api/statements/${id}/export.md`)).text;

async function openTab(page: Page, tab: string): Promise<void> {
  await page.getByTestId(`side-tab-${tab}`).click();
}

describe("a coalition's statement from import to lock", () => {
  const app = useAppAndBrowser();

  it("convener, two drafters, a reviewer and five representatives", async () => {
    const { server, browser } = app;
    const convener = await userPage(browser, server, "Carla Convener");
    const drafter = await userPage(browser, server, "Dana Drafter");
    const rep = await userPage(browser, server, "Chen Li (CIRA)");
    for (const p of [convener, drafter, rep]) await p.page.setViewportSize({ width: 1400, height: 900 });

    // The representative waits on the dashboard; they will be added later and must see it without reloading.
    await rep.page.goto(server.url);
    await rep.page.getByTestId(NotificationTestId.bell).waitFor();

    // Import: the statement is created from the coalition's Markdown file.
    await convener.page.goto(server.url);
    await docScreenshot(convener.page, "walkthrough-dashboard");
    await convener.page.getByLabel("Start from a file (.md, .docx, .html)").setInputFiles({
      name: "statement-of-purpose.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(STATEMENT_MD),
    });
    await expect.poll(() => convener.page.getByLabel(Label.statementTitle).inputValue()).toBe("Statement of Purpose");
    await convener.page.getByRole("button", { name: Label.newStatement }).click();
    await convener.page.waitForURL(/\/s\//);
    const id = decodeURIComponent(new URL(convener.page.url()).pathname.split("/")[2]);
    await expect
      .poll(() => convener.page.getByTestId(TextIoTestId.importStatus).getAttribute("data-state"), { timeout: 15_000 })
      .toBe("done");
    await expect.poll(() => exportOf(convener.user, id)).toBe(STATEMENT_MD);
    await docScreenshot(convener.page, "walkthrough-imported");

    // The people: five expected organizations, each with its representative; two drafters and a reviewer.
    const orgIds: Record<string, string> = {};
    for (const [name, shortName] of ORGS) {
      const r = await convener.user.post("/api/organizations", {
        name,
        shortName,
        stakeholderGroup: "technical-community",
      });
      expect(r.status, r.text).toBe(201);
      orgIds[shortName] = r.json.organization.id;
      await convener.user.api.addExpectedOrganization(id, { organizationId: r.json.organization.id });
    }
    const drafter2 = (await userPage(browser, server, "Diego Drafter")).user;
    const reviewer = (await userPage(browser, server, "Rita Reviewer")).user;
    await convener.user.api.addMember(id, { email: drafter.user.email, role: "drafter" });
    await convener.user.api.addMember(id, { email: drafter2.email, role: "drafter" });
    await convener.user.api.addMember(id, { email: reviewer.email, role: "reviewer" });
    await convener.user.api.addMember(id, { email: rep.user.email, role: "drafter", organizationId: orgIds.CIRA });
    const otherReps = [];
    for (const [name, shortName] of ORGS.slice(1)) {
      const r = (await userPage(browser, server, `Rep ${name}`.replace(/[^\w .-]/g, ""))).user;
      await convener.user.api.addMember(id, { email: r.email, role: "drafter", organizationId: orgIds[shortName] });
      otherReps.push({ user: r, organizationId: orgIds[shortName] });
    }

    // Live: the representative's bell and dashboard show the statement without a reload.
    await expect.poll(() => rep.page.getByTestId(NotificationTestId.count).textContent()).toMatch(/[1-9]/);
    await expect.poll(() => rep.page.getByRole("link", { name: "Statement of Purpose" }).count()).toBeGreaterThan(0);
    await docScreenshot(rep.page, "walkthrough-notified");

    // Drafting at the same moment: Dana types in one clause in the browser, Diego adds a clause, Rita comments.
    await openStatement(drafter.page, server, id);
    const clause = drafter.page
      .getByTestId(TestId.editor)
      .locator("p", { hasText: "Each organization signs for itself" });
    await clause.click();
    await drafter.page.keyboard.press("End");
    await caretSettled(drafter.page);
    const diego = connectProvider(server.url, id, drafter2);
    await synced(diego.provider);
    const before = expandMatrix((await convener.user.get(`/api/statements/${id}/signoffs`)).json);
    const thirdClause = before.clauses.find((c) => c.markdown.startsWith("The Internet works"))!;
    await Promise.all([
      drafter.page.keyboard.type(" Each speaks for its own words.", { delay: 40 }),
      (async () => {
        appendParagraph(diego.doc, "This statement takes effect when the convener locks it.");
      })(),
      reviewer.api.createThread(id, { clauseId: thirdClause.clauseId, body: "Should we say which model we mean?" }),
    ]);
    const expected = STATEMENT_MD.replace(
      "Each organization signs for itself; no organization speaks for another.",
      "Each organization signs for itself; no organization speaks for another. Each speaks for its own words.",
    ).concat("\nThis statement takes effect when the convener locks it.\n");
    await expect.poll(() => exportOf(convener.user, id), { timeout: 15_000 }).toBe(expected);
    diego.destroy();
    await openStatement(convener.page, server, id);
    await openTab(convener.page, "comments");
    await convener.page.getByText("Should we say which model we mean?").waitFor();
    await docScreenshot(convener.page, "walkthrough-comments");

    // Sign-off: Chen approves in bulk from the browser, with its confirmation; the others at the same moment.
    await openStatement(rep.page, server, id);
    await openTab(rep.page, "signoff");
    await rep.page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 15_000 });
    const now = expandMatrix((await convener.user.get(`/api/statements/${id}/signoffs`)).json);
    const clauses = now.clauses.map((c) => ({ clauseId: c.clauseId, clauseHash: c.hash }));
    await rep.page
      .getByTestId(SignoffTestId.bulkApprove)
      .getByRole("button", { name: new RegExp(SignoffLabel.bulkApprove) })
      .click();
    await Promise.all([
      rep.page
        .getByTestId(SignoffTestId.bulkApproveDialog)
        .getByRole("button", { name: SignoffLabel.bulkApproveConfirm(clauses.length) })
        .click(),
      ...otherReps.map((r) => r.user.api.bulkApprove(id, { organizationId: r.organizationId, clauses })),
    ]);
    await expect
      .poll(() => rep.page.getByTestId(SignoffTestId.bulkApprove).getByRole("status").textContent())
      .toContain(`Approved ${clauses.length} clauses.`);
    await expect
      .poll(async () => {
        const m = expandMatrix((await convener.user.get(`/api/statements/${id}/signoffs`)).json);
        const approvals = m.positions.filter((x) => x.position === "approve" && !x.stale);
        return approvals.length === m.clauses.length * ORGS.length;
      })
      .toBe(true);
    await docScreenshot(rep.page, "walkthrough-matrix");

    // Signing: the dialog shows the hash of exactly the text signed.
    const text = await exportOf(convener.user, id);
    await rep.page
      .getByRole("button", { name: SignoffLabel.signFor("Canadian Internet Registration Authority") })
      .click();
    const signDialog = rep.page.getByTestId(SignoffTestId.signDialog);
    expect(await signDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(sha256Hex(text));
    await docScreenshot(rep.page, "walkthrough-sign");
    await signDialog.getByRole("button", { name: SignoffLabel.signConfirm }).click();
    await expect.poll(() => rep.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("signed");

    // The lock gate names the organizations still to sign until the last one has.
    await openTab(convener.page, "signoff");
    const gate = convener.page.getByTestId(SignoffTestId.lockGateUnsigned);
    await expect.poll(() => gate.textContent()).toContain("DENIC eG");
    for (const r of otherReps) {
      const s = await signCurrent(r.user, id, r.organizationId);
      expect(s.status, s.text).toBe(201);
    }
    await eventually(
      async () => (await convener.user.get(`/api/statements/${id}/signoffs`)).json.readiness.ready === true,
      10_000,
      "every expected organization signed",
    );

    // The convener locks through the dialog; everybody sees the final text with its hash.
    await convener.page.getByRole("button", { name: SignoffLabel.lock }).click();
    const lockDialog = convener.page.getByTestId(SignoffTestId.lockDialog);
    expect(await lockDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(sha256Hex(text));
    await docScreenshot(convener.page, "walkthrough-lock");
    await lockDialog.getByRole("button", { name: SignoffLabel.lockNow }).click();
    for (const p of [convener.page, rep.page, drafter.page]) {
      await expect
        .poll(() => p.getByTestId(SignoffTestId.finalBanner).getAttribute("data-hash"), { timeout: 15_000 })
        .toBe(sha256Hex(text));
    }
    await docScreenshot(convener.page, "walkthrough-final");
    expect(await exportOf(rep.user, id)).toBe(text);
  });
});
