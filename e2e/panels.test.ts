/**
 * The side panels and the presence list, end to end: who is in the document (and who left), the sign-off
 * matrix grouped by stakeholder group with its clause filters, and the admin's unlock with its trace in the
 * audit log.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import type { ApiClient } from "../server/testing/harness";
import { appendParagraph, typeInto } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { sha256Hex } from "../shared/canonical";
import { openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";
import { editorBlocks } from "./blocks";

/** Writes paragraphs (clause id, text) through a real provider and waits until the server holds them. */
async function writeClauses(baseUrl: string, statementId: string, editor: ApiClient, clauses: Array<[string, string]>) {
  const writer = connectProvider(baseUrl, statementId, editor);
  writer.provider.messageHandlers[MessageType.appEvent] = () => {};
  await synced(writer.provider);
  for (const [clauseId, text] of clauses) appendParagraph(writer.doc, text, clauseId);
  const expected = clauses.map(([, t]) => `${t}\n`).join("\n");
  await eventually(
    async () => (await editor.get(`/api/statements/${statementId}/export.md`)).text === expected,
    5000,
    "clauses stored",
  );
  return writer;
}

/** Records a position on a paragraph clause whose text is `text`. */
async function position(
  rep: ApiClient,
  statementId: string,
  clauseId: string,
  text: string,
  organizationId: string,
  pos: "approve" | "object" | "abstain",
  reason?: string,
) {
  const r = await rep.request("PUT", `/api/statements/${statementId}/signoffs`, {
    clauseId,
    organizationId,
    position: pos,
    reason,
    clauseHash: sha256Hex(text),
    clauseText: text,
  });
  expect(r.status, r.text).toBe(200);
}

async function openSignoffTab(page: Page): Promise<void> {
  await page.getByTestId("side-tab-signoff").click();
  await page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 10_000 });
}

/** The clause ids of the matrix rows shown, in order. */
function matrixRows(page: Page): Promise<string[]> {
  return page
    .getByTestId(SignoffTestId.matrix)
    .locator("tbody tr[data-clause-id]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-clause-id")!));
}

describe("panels and presence in the browser", () => {
  const app = useAppAndBrowser();

  // First: its convener must be the instance's first account, the admin.
  it("the matrix groups organizations by stakeholder group, and filters clauses with objections and stale positions; the admin unlocks and the audit log shows it", async () => {
    const { server, browser } = app;
    // The first account of the server's instance is its admin; here the admin convenes the statement too.
    const admin = await userPage(browser, server, "Ada Admin");
    const me = await admin.user.api.me();
    if (!me.user.isAdmin)
      throw new Error("this test needs the instance's first account (the admin): keep it first in this file");
    const id = (await admin.user.api.createStatement({ title: "Statement with a matrix" })).statement.id;
    const orgs: Array<{ name: string; group: string; id?: string; rep?: ApiClient }> = [
      { name: "Zeta Civil", group: "civil-society" },
      { name: "Alpha Tech", group: "technical-community" },
      { name: "Beta Tech", group: "technical-community" },
    ];
    for (const o of orgs) {
      const r = await admin.user.post("/api/organizations", {
        name: `${o.name} ${Date.now()}`,
        shortName: o.name.split(" ")[0],
        stakeholderGroup: o.group,
      });
      expect(r.status).toBe(201);
      o.id = r.json.organization.id;
      const rep = (await userPage(browser, server, `${o.name} Rep`)).user;
      expect(
        (
          await admin.user.post(`/api/statements/${id}/members`, {
            email: rep.email,
            role: "drafter",
            organizationId: o.id,
          })
        ).status,
      ).toBe(201);
      o.rep = rep;
    }
    const [zeta, alpha, beta] = orgs as Array<Required<(typeof orgs)[number]>>;
    const clauses: Array<[string, string]> = [
      ["c-1", "We support open standards."],
      ["c-2", "We oppose blocking."],
      ["c-3", "We favour review."],
    ];
    const writer = await writeClauses(server.url, id, admin.user, clauses);
    await position(alpha.rep, id, "c-1", clauses[0][1], alpha.id, "approve");
    await position(beta.rep, id, "c-2", clauses[1][1], beta.id, "object", "Too broad.");
    await position(zeta.rep, id, "c-3", clauses[2][1], zeta.id, "approve");
    // Clause 3 changes after Zeta approved it: Zeta's position there is stale.
    typeInto(writer.doc, 2, clauses[2][1].length - 1, " every year");
    await eventually(
      async () => (await admin.user.get(`/api/statements/${id}/export.md`)).text.includes("review every year."),
      5000,
      "clause 3 changed",
    );
    writer.destroy();

    await openStatement(admin.page, server, id);
    await openSignoffTab(admin.page);
    const matrix = admin.page.getByTestId(SignoffTestId.matrix);
    // Columns: technical community (Alpha, Beta, in signatory order) before civil society (Zeta), one header per group.
    const columns = await matrix
      .locator("tbody tr")
      .first()
      .getByTestId(SignoffTestId.cell)
      .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-org-id")));
    expect(columns).toEqual([alpha.id, beta.id, zeta.id]);
    const groupHeads = await matrix
      .locator("thead th.sm-group")
      .evaluateAll((ths) => ths.map((th) => [th.getAttribute("title"), (th as HTMLTableCellElement).colSpan]));
    expect(groupHeads).toEqual([
      ["Technical community", 2],
      ["Civil society", 1],
    ]);
    const cell = (clauseId: string, orgId: string) =>
      matrix
        .locator(`[data-testid="${SignoffTestId.cell}"][data-clause-id="${clauseId}"][data-org-id="${orgId}"]`)
        .getAttribute("data-state");
    await expect.poll(() => cell("c-1", alpha.id), { timeout: 10_000 }).toBe("approve");
    expect(await cell("c-2", beta.id)).toBe("object");
    await expect.poll(() => cell("c-3", zeta.id), { timeout: 10_000 }).toBe("stale");
    expect(await cell("c-1", zeta.id)).toBe("pending");

    // Filters.
    const filters = admin.page.getByRole("group", { name: "Filter clauses", exact: true });
    expect(await matrixRows(admin.page)).toEqual(["c-1", "c-2", "c-3"]);
    await filters.getByRole("button", { name: SignoffLabel.filterObjections }).click();
    await expect.poll(() => matrixRows(admin.page)).toEqual(["c-2"]);
    await filters.getByRole("button", { name: SignoffLabel.filterStale }).click();
    await expect.poll(() => matrixRows(admin.page)).toEqual(["c-3"]);
    await filters.getByRole("button", { name: SignoffLabel.filterAll }).click();
    await expect.poll(() => matrixRows(admin.page)).toEqual(["c-1", "c-2", "c-3"]);
    await screenshot(admin.page, "matrix-grouped");

    // Lock over the standing objection and the missing signatures (API), then the admin unlocks in the panel.
    const text = (await admin.user.get(`/api/statements/${id}/export.md`)).text;
    const readiness = await admin.user.post(`/api/statements/${id}/lock`, {
      documentHash: sha256Hex(text),
      documentText: text,
    });
    expect(readiness.status).toBe(409);
    const locked = await admin.user.post(`/api/statements/${id}/lock`, {
      documentHash: sha256Hex(text),
      documentText: text,
      override: {
        unsigned: readiness.json.error.details.unsigned.map((u: { organizationId: string }) => u.organizationId),
        objections: readiness.json.error.details.objections.map(
          (o: { clauseId: string; organizationId: string; reason: string }) => ({
            clauseId: o.clauseId,
            organizationId: o.organizationId,
            reason: o.reason,
          }),
        ),
      },
    });
    expect(locked.status, locked.text).toBe(200);
    const editor = admin.page.getByTestId(TestId.editor);
    await expect.poll(() => editor.getAttribute("contenteditable"), { timeout: 10_000 }).toBe("false");
    await admin.page.getByTestId(SignoffTestId.finalBanner).waitFor({ timeout: 10_000 });

    await admin.page.getByLabel(SignoffLabel.unlockReason).fill("A typo in clause 2.");
    await admin.page.getByRole("button", { name: SignoffLabel.unlock, exact: true }).click();
    await expect.poll(() => editor.getAttribute("contenteditable"), { timeout: 10_000 }).toBe("true");
    await expect.poll(() => admin.page.getByTestId(SignoffTestId.finalBanner).count(), { timeout: 10_000 }).toBe(0);
    expect((await admin.user.get(`/api/statements/${id}`)).json.statement.phase).toBe("drafting");
    // The text is as it was; the admin (convener) can edit again.
    expect(await editorBlocks(admin.page)).toEqual([
      "We support open standards.",
      "We oppose blocking.",
      "We favour review every year.",
    ]);

    // The audit log in the panel lists the lock and the unlock with its reason, newest first.
    await admin.page.locator("section[aria-label='Audit log'] summary").click();
    const entries = admin.page.locator("section[aria-label='Audit log'] li");
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const lines = await entries.allInnerTexts();
    const unlockLine = lines.findIndex((l) => /unlock/.test(l));
    const lockLine = lines.findIndex((l) => /\block/.test(l) && !/unlock/.test(l));
    expect(unlockLine, lines.join("\n")).toBeGreaterThanOrEqual(0);
    expect(lines[unlockLine]).toContain("Ada Admin");
    expect(lines[unlockLine]).toContain("A typo in clause 2.");
    expect(lockLine, lines.join("\n")).toBeGreaterThan(unlockLine);
    await screenshot(admin.page, "audit-log-unlock");
    await admin.context.close();
  });
  it("the presence list shows who is in the document, live, and drops who leaves", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Presence");
    const bob = await userPage(browser, server, "Bob Presence");
    const { statement } = await alice.user.api.createStatement({ title: "Presence" });
    await alice.user.api.addMember(statement.id, { email: bob.user.email, role: "observer" });
    const avatars = (p: Page) =>
      p.getByTestId(TestId.presenceAvatar).evaluateAll((els) => els.map((e) => e.getAttribute("data-user-id")).sort());

    await openStatement(alice.page, server, statement.id);
    await expect.poll(() => avatars(alice.page), { timeout: 10_000 }).toEqual([alice.user.userId]);
    await openStatement(bob.page, server, statement.id);
    const both = [alice.user.userId, bob.user.userId].sort();
    await expect.poll(() => avatars(alice.page), { timeout: 10_000 }).toEqual(both);
    await expect.poll(() => avatars(bob.page), { timeout: 10_000 }).toEqual(both);
    expect(await alice.page.getByTestId(TestId.presence).getAttribute("aria-label")).toBe("2 people in this document");
    await screenshot(alice.page, "presence-two");

    await bob.context.close();
    await expect.poll(() => avatars(alice.page), { timeout: 15_000 }).toEqual([alice.user.userId]);
    await alice.context.close();
  });
});
