/**
 * Issue 16 end to end: a representative opens the sign dialog (the text and the hash being signed) while a
 * drafter in another browser rewords a clause. Pressing Sign does not sign: the dialog shows that the text
 * changed while it was open, with the words that changed and the new hash, and signs only after a second
 * confirmation. The recorded signature is bound to the new text's hash. The same for an approval of a clause
 * and for the convener's lock.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import type { ApiClient } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { sha256Hex } from "../shared/canonical";
import { expandMatrix } from "../shared/signoff";
import { caretSettled, openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";

/** Opens the Sign-off tab of the side panel. */
async function openSignoffTab(page: Page): Promise<void> {
  await page.getByTestId("side-tab-signoff").click();
  await page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 10_000 });
}

/** The convener adds an organization and makes `user` a drafter representing it. */
async function addRepresentative(
  convener: ApiClient,
  statementId: string,
  user: { email: string },
): Promise<{ orgId: string; orgName: string }> {
  const org = await convener.post("/api/organizations", {
    name: `Alpha Registry ${Date.now()}`,
    shortName: "Alpha",
    stakeholderGroup: "technical-community",
  });
  expect(org.status).toBe(201);
  const orgId: string = org.json.organization.id;
  const added = await convener.post(`/api/statements/${statementId}/members`, {
    email: user.email,
    role: "drafter",
    organizationId: orgId,
  });
  expect(added.status).toBe(201);
  return { orgId, orgName: org.json.organization.name };
}

describe("sign what you saw, in the browser", () => {
  const app = useAppAndBrowser();

  it("a signature whose text changed while the dialog was open is refused, shown with the diff, and signed after a second confirmation", async () => {
    const { server, browser } = app;
    const carla = await userPage(browser, server, "Carla Convener");
    const dan = await userPage(browser, server, "Dan Drafter");
    const alice = await userPage(browser, server, "Alice Alpha");
    const id = await shareStatement(carla.user, "Statement on open standards", [{ user: dan.user, role: "drafter" }]);
    const { orgId, orgName } = await addRepresentative(carla.user, id, alice.user);

    // The text, written by the convener's own y-websocket client.
    const writer = connectProvider(server.url, id, carla.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "We support open standards.", "c1");
    appendParagraph(writer.doc, "We commit to multistakeholder governance.", "c2");
    await eventually(
      async () => (await carla.user.get(`/api/statements/${id}/export.md`)).text.includes("governance"),
      5000,
      "text stored",
    );
    writer.destroy();
    const exportText = async () => (await carla.user.get(`/api/statements/${id}/export.md`)).text;
    const readHash = sha256Hex(await exportText());

    await openStatement(dan.page, server, id);
    await openStatement(alice.page, server, id);
    await openSignoffTab(alice.page);

    // Alice opens the sign dialog: it shows the text and the hash she is about to sign.
    await alice.page.getByRole("button", { name: SignoffLabel.signFor(orgName) }).click();
    const dialog = alice.page.getByTestId(SignoffTestId.signDialog);
    await dialog.waitFor();
    const shownHash = dialog.getByTestId(SignoffTestId.shownHash);
    expect(await shownHash.getAttribute("data-hash")).toBe(readHash);
    expect(await shownHash.innerText()).toBe(readHash);
    expect(await dialog.getByLabel("Text to sign").innerText()).toContain("We commit to multistakeholder governance.");

    // While she reads, Dan rewords clause 2 in his editor; the edit reaches the server and Alice's document.
    const danEditor = dan.page.getByTestId(TestId.editor);
    await danEditor.locator("p", { hasText: "multistakeholder governance" }).click();
    await caretSettled(dan.page);
    await dan.page.keyboard.press("End");
    await caretSettled(dan.page);
    await dan.page.keyboard.press("Backspace");
    await dan.page.keyboard.type(" with every stakeholder group.");
    await expect.poll(exportText, { timeout: 10_000 }).toContain("governance with every stakeholder group.");
    const newText = await exportText();
    const newHash = sha256Hex(newText);
    await expect
      .poll(() => alice.page.getByTestId(TestId.editor).innerText(), { timeout: 10_000 })
      .toContain("with every stakeholder group.");
    // The dialog still shows what she was reading, not the live text.
    expect(await shownHash.getAttribute("data-hash")).toBe(readHash);

    // She presses Sign: nothing is signed; the dialog says the text changed, shows the words and the new hash.
    await dialog.getByRole("button", { name: SignoffLabel.signConfirm }).click();
    const notice = dialog.getByTestId(SignoffTestId.textChanged);
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.innerText()).toContain("The text changed while you were reading it.");
    expect(await notice.getAttribute("data-current-hash")).toBe(newHash);
    expect(await notice.locator(`[data-testid="${SignoffTestId.diff}"] ins`).allTextContents()).toEqual([
      " with every stakeholder group",
    ]);
    expect(await shownHash.getAttribute("data-hash")).toBe(newHash);
    expect(await dialog.getByLabel("Text to sign").innerText()).toContain("governance with every stakeholder group.");
    const unsigned = (await carla.user.get(`/api/statements/${id}/signoffs`)).json;
    expect(unsigned.signatures).toEqual([]);
    expect(await alice.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("unsigned");
    await screenshot(alice.page, "sign-what-you-saw-changed");

    // A second, explicit confirmation signs the new text.
    await dialog.getByRole("button", { name: SignoffLabel.signChanged }).click();
    await expect
      .poll(() => alice.page.getByTestId(SignoffTestId.signature).getAttribute("data-state"), { timeout: 10_000 })
      .toBe("signed");
    expect(await dialog.isVisible()).toBe(false);
    const signed = (await carla.user.get(`/api/statements/${id}/signoffs`)).json;
    expect(signed.signatures).toEqual([
      expect.objectContaining({ organizationId: orgId, hash: newHash, voidReason: null }),
    ]);
    expect(signed.documentHash).toBe(newHash);
    const audit = (await carla.user.get(`/api/statements/${id}/audit`)).json.entries as Array<{
      action: string;
      hash: string | null;
    }>;
    expect(audit.filter((e) => e.action === "signature.signed").map((e) => e.hash)).toEqual([newHash]);
    expect(newText).toBe(await exportText());

    for (const p of [carla, dan, alice]) await p.context.close();
  });

  it("an approval and a lock on words that changed while they were being read are refused with the diff, then given on the new words", async () => {
    const { server, browser } = app;
    const carla = await userPage(browser, server, "Carla Convener");
    const dan = await userPage(browser, server, "Dan Drafter");
    const alice = await userPage(browser, server, "Alice Alpha");
    const id = await shareStatement(carla.user, "Statement on open standards", [{ user: dan.user, role: "drafter" }]);
    await addRepresentative(carla.user, id, alice.user);
    const writer = connectProvider(server.url, id, carla.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "We support open standards.", "c1");
    appendParagraph(writer.doc, "We will report every year.", "c2");
    await eventually(
      async () => (await carla.user.get(`/api/statements/${id}/export.md`)).text.includes("report"),
      5000,
      "text stored",
    );
    writer.destroy();
    const exportText = async () => (await carla.user.get(`/api/statements/${id}/export.md`)).text;

    await openStatement(dan.page, server, id);
    await openStatement(alice.page, server, id);
    await openSignoffTab(alice.page);
    await openStatement(carla.page, server, id);
    await openSignoffTab(carla.page);
    const danEditor = dan.page.getByTestId(TestId.editor);

    // Alice opens clause 1 and reads it; Carla opens the lock dialog and reads the text and its hash.
    await alice.page.getByRole("button", { name: SignoffLabel.clause(1), exact: true }).click();
    const detail = alice.page.getByTestId(SignoffTestId.clauseDetail);
    await detail.waitFor();
    expect(await detail.getByLabel("Clause as you read it").innerText()).toBe("We support open standards.");
    await carla.page.getByRole("button", { name: SignoffLabel.lock }).click();
    const lockDialog = carla.page.getByTestId(SignoffTestId.lockDialog);
    await lockDialog.waitFor();
    const readHash = sha256Hex(await exportText());
    expect(await lockDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(readHash);
    expect(await lockDialog.innerText()).toContain("Not signed (1)");

    // Dan rewords clause 1.
    await danEditor.locator("p", { hasText: "open standards" }).click();
    await caretSettled(dan.page);
    await dan.page.keyboard.press("End");
    await caretSettled(dan.page);
    await dan.page.keyboard.press("Backspace");
    await dan.page.keyboard.type(" and open data.");
    await expect.poll(exportText, { timeout: 10_000 }).toContain("open standards and open data.");
    const newText = await exportText();
    const newHash = sha256Hex(newText);

    // Alice's view keeps the words she read and notes the change under them; she approves what she read: refused.
    await detail.getByTestId(SignoffTestId.clauseMoved).waitFor({ timeout: 10_000 });
    expect(await detail.getByLabel("Clause as you read it").innerText()).toBe("We support open standards.");
    await detail.getByRole("button", { name: SignoffLabel.approve, exact: true }).click();
    const clauseNotice = detail.getByTestId(SignoffTestId.textChanged);
    await clauseNotice.waitFor({ timeout: 10_000 });
    expect(await clauseNotice.innerText()).toContain("The clause changed while you were reading it.");
    expect(await clauseNotice.locator("ins").allTextContents()).toEqual([" and open data"]);
    expect((await carla.user.get(`/api/statements/${id}/signoffs`)).json.cells).toEqual([]);
    await screenshot(alice.page, "sign-what-you-saw-clause");
    await detail.getByRole("button", { name: new RegExp(SignoffLabel.confirmChanged) }).click();
    await expect
      .poll(
        async () =>
          expandMatrix((await carla.user.get(`/api/statements/${id}/signoffs`)).json).positions.map(
            (p) => p.clauseHash,
          ),
        { timeout: 10_000 },
      )
      .toEqual([sha256Hex("We support open standards and open data.")]);
    // The view follows once the store has judged the new text (it re-hashes after a pause in typing).
    await expect
      .poll(() => detail.getByLabel("Clause as you read it").innerText(), { timeout: 10_000 })
      .toBe("We support open standards and open data.");

    // Carla locks what she read: refused with the diff; she confirms the new text, then the list, then it locks.
    await lockDialog.getByRole("button", { name: SignoffLabel.lockAnyway }).click();
    const lockNotice = lockDialog.getByTestId(SignoffTestId.textChanged);
    await lockNotice.waitFor({ timeout: 10_000 });
    expect(await lockNotice.locator("ins").allTextContents()).toEqual([" and open data"]);
    expect(await lockDialog.getByTestId(SignoffTestId.shownHash).getAttribute("data-hash")).toBe(newHash);
    expect((await carla.user.get(`/api/statements/${id}/signoffs`)).json.phase).toBe("drafting");
    await lockDialog.getByRole("button", { name: SignoffLabel.lockChanged }).click();
    await expect.poll(() => lockDialog.innerText(), { timeout: 10_000 }).toContain("Not signed (1)");
    await lockDialog.getByRole("button", { name: SignoffLabel.lockAnyway }).click();
    await expect
      .poll(async () => (await carla.user.get(`/api/statements/${id}/final`)).json.final?.hash ?? null, {
        timeout: 10_000,
      })
      .toBe(newHash);
    expect(await exportText()).toBe(newText);

    for (const p of [carla, dan, alice]) await p.context.close();
  });
});
