/**
 * The History tab in Chromium: a representative whose organization approved a clause sees the versions, the
 * clause-aware diff between two of them, and "changes since my organization's positions" with the word diff of
 * the clause another organization reworded meanwhile.
 */
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { contextFor, openStatement, screenshot, useAppAndBrowser } from "./fixtures";
import { seedStatement, statementClauses } from "./statement-seed";
import { connectProvider, synced } from "../server/testing/harness";
import { DOCUMENT_FIELD, sha256Hex } from "../shared/canonical";
import { HistoryTestId } from "../client/history/testids";

describe("history in the browser", () => {
  const app = useAppAndBrowser();

  it("lists versions, diffs two of them, shows what changed since my organization's position, who wrote what, and restores", async () => {
    const { server, browser } = app;
    const clauses = statementClauses(3);
    const seeded = await seedStatement(server.url, {
      title: "Statement with a history",
      clauses,
      orgNames: ["Alpha Registry", "Beta Hosting"],
      repNames: ["Alice Alpha", "Bruno Beta"],
    });
    const [alice, bruno] = seeded.reps;
    const [, c2] = seeded.clauseIds;
    // Alice's organization approves clause 2; she names the text.
    const approved = await alice.user.request("PUT", `/api/statements/${seeded.statementId}/signoffs`, {
      clauseId: c2,
      organizationId: alice.organizationId,
      position: "approve",
      clauseHash: sha256Hex(clauses[1]),
      clauseText: clauses[1],
    });
    expect(approved.status).toBe(200);
    const v1 = (await alice.user.api.nameVersion(seeded.statementId, { name: "Draft sent to members" })).version;

    // Bruno (another organization) rewords clause 2.
    const b = connectProvider(server.url, seeded.statementId, bruno.user);
    await synced(b.provider);
    const para = b.doc.getXmlFragment(DOCUMENT_FIELD).get(1) as Y.XmlElement;
    (para.get(0) as Y.XmlText).insert("Clause 2. The signatories ".length, "strongly ");
    await expect
      .poll(async () => (await alice.user.get(`/api/statements/${seeded.statementId}/export.md`)).text)
      .toContain("signatories strongly support");
    b.destroy();
    const v2 = (await bruno.user.api.nameVersion(seeded.statementId, { name: "After the call" })).version;

    const context = await contextFor(browser, server, alice.user);
    const page = await context.newPage();
    await openStatement(page, server, seeded.statementId);
    await page.getByTestId("side-tab-history").click();
    const versions = page.getByTestId(HistoryTestId.version);
    await expect.poll(() => versions.count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => versions.first().getAttribute("data-version-id")).toBe(String(v2.id));

    // The diff between the two versions: exactly clause 2, with Bruno's word.
    const compare = page.getByRole("form", { name: "Compare versions" });
    await compare.locator("select").first().selectOption(String(v1.id));
    await compare.locator("select").nth(1).selectOption(String(v2.id));
    await compare.getByRole("button", { name: "Compare" }).click();
    const changes = page.getByTestId(HistoryTestId.diff).getByTestId(HistoryTestId.change);
    await expect.poll(() => changes.count(), { timeout: 10_000 }).toBe(1);
    expect(await changes.first().getAttribute("data-clause-id")).toBe(c2);
    expect(await changes.first().getAttribute("data-status")).toBe("changed");
    expect(await changes.first().locator("ins").innerText()).toContain("strongly");
    await screenshot(page, "history-diff");

    // One click: what changed since my organization's position.
    await page.getByRole("button", { name: "Changes since my organization's positions" }).click();
    const stale = page.getByTestId(HistoryTestId.positionChange);
    await expect.poll(() => stale.count(), { timeout: 10_000 }).toBe(1);
    expect(await stale.first().getAttribute("data-clause-id")).toBe(c2);
    expect(await stale.first().locator("ins").innerText()).toContain("strongly");
    expect(await stale.first().locator("del").count()).toBe(0);
    await screenshot(page, "history-since-position");

    // Who wrote this: clause 2 shows both organizations' words, named in the legend and under the clause.
    await page.getByRole("button", { name: "Who wrote this" }).click();
    const attribution = page.getByTestId(HistoryTestId.attribution);
    await attribution.waitFor({ timeout: 10_000 });
    const legend = await attribution.getByTestId(HistoryTestId.legend).innerText();
    expect(legend).toContain("Beta Hosting");
    const clause2 = attribution.locator(`[data-clause-id="${c2}"]`);
    expect(await clause2.innerText()).toContain("written by");
    const bruno2 = await clause2.locator(`[data-org-id="${bruno.organizationId}"]`).innerText();
    // The words, and who wrote them in words too (not only by colour).
    expect(bruno2.replace(/\s+/g, " ").trim()).toBe("(Beta Hosting) strongly");
    await screenshot(page, "history-who-wrote");

    // Restore the first version: confirmed in a dialog, it becomes a new version and the editor shows its text.
    await page.getByRole("button", { name: `Restore #${v1.id} “Draft sent to members”` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Restore", exact: true }).click();
    await expect.poll(() => versions.count(), { timeout: 10_000 }).toBe(3);
    expect(await versions.first().getAttribute("data-kind")).toBe("restore");
    await expect.poll(() => page.locator(".ProseMirror").innerText(), { timeout: 10_000 }).not.toContain("strongly");
    // A version named elsewhere appears in the open tab (pushed, not refetched by hand).
    await bruno.user.api.nameVersion(seeded.statementId, { name: "Named elsewhere" });
    await expect.poll(() => versions.count(), { timeout: 10_000 }).toBe(4);
    await context.close();
  }, 90_000);
});
