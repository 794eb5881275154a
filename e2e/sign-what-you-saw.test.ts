/**
 * Issue 16 end to end: a representative opens the sign dialog (the text and the hash being signed) while a
 * drafter in another browser rewords a clause. Pressing Sign does not sign: the dialog shows that the text
 * changed while it was open, with the words that changed and the new hash, and signs only after a second
 * confirmation. The recorded signature is bound to the new text's hash.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectProvider, eventually, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { MessageType } from "../shared/protocol";
import { sha256Hex } from "../shared/canonical";
import { openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";
import { SignoffLabel, SignoffTestId } from "../client/signoff/testids";

/** Opens the Sign-off tab of the side panel. */
async function openSignoffTab(page: Page): Promise<void> {
  await page.getByTestId("side-tab-signoff").click();
  await page.getByTestId(SignoffTestId.matrix).waitFor({ timeout: 10_000 });
}

describe("sign what you saw, in the browser", () => {
  const app = useAppAndBrowser();

  it("a signature whose text changed while the dialog was open is refused, shown with the diff, and signed after a second confirmation", async () => {
    const { server, browser } = app;
    const carla = await userPage(browser, server, "Carla Convener");
    const dan = await userPage(browser, server, "Dan Drafter");
    const alice = await userPage(browser, server, "Alice Alpha");
    const org = await carla.user.post("/api/organizations", { name: `Alpha Registry ${Date.now()}`, shortName: "Alpha", stakeholderGroup: "technical-community" });
    expect(org.status).toBe(201);
    const orgId: string = org.json.organization.id;
    const orgName: string = org.json.organization.name;
    const id = await shareStatement(carla.user, "Statement on open standards", [
      { user: dan.user, role: "drafter" },
      { user: alice.user, role: "drafter", organizationId: orgId },
    ]);

    // The text, written by the convener's own y-websocket client.
    const writer = connectProvider(server.url, id, carla.user);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "We support open standards.", "c1");
    appendParagraph(writer.doc, "We commit to multistakeholder governance.", "c2");
    await eventually(async () => (await carla.user.get(`/api/statements/${id}/export.md`)).text.includes("governance"), 5000, "text stored");
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
    await dan.page.keyboard.press("End");
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
    expect(await notice.locator(`[data-testid="${SignoffTestId.diff}"] ins`).allTextContents()).toEqual([" with every stakeholder group"]);
    expect(await shownHash.getAttribute("data-hash")).toBe(newHash);
    expect(await dialog.getByLabel("Text to sign").innerText()).toContain("governance with every stakeholder group.");
    const unsigned = (await carla.user.get(`/api/statements/${id}/signoffs`)).json;
    expect(unsigned.signatures).toEqual([]);
    expect(await alice.page.getByTestId(SignoffTestId.signature).getAttribute("data-state")).toBe("unsigned");
    await screenshot(alice.page, "sign-what-you-saw-changed");

    // A second, explicit confirmation signs the new text.
    await dialog.getByRole("button", { name: SignoffLabel.signChanged }).click();
    await expect.poll(() => alice.page.getByTestId(SignoffTestId.signature).getAttribute("data-state"), { timeout: 10_000 }).toBe("signed");
    expect(await dialog.isVisible()).toBe(false);
    const signed = (await carla.user.get(`/api/statements/${id}/signoffs`)).json;
    expect(signed.signatures).toEqual([expect.objectContaining({ organizationId: orgId, hash: newHash, voidReason: null })]);
    expect(signed.documentHash).toBe(newHash);
    const audit = (await carla.user.get(`/api/statements/${id}/audit`)).json.entries as Array<{ action: string; hash: string | null }>;
    expect(audit.filter((e) => e.action === "signature.signed").map((e) => e.hash)).toEqual([newHash]);
    expect(newText).toBe(await exportText());

    for (const p of [carla, dan, alice]) await p.context.close();
  });
});
