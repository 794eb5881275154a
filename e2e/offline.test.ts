/**
 * Issue 18, "Offline that people can trust", in Chromium. One browser reaches the server through a TCP proxy
 * (`NetworkProxy`) the test cuts and restores; the others connect directly.
 *
 * - Text typed while the network is down is kept in IndexedDB (per user and statement), shows as unsent, makes
 *   the tab ask before closing, survives a reload and a browser restart (a persistent profile, relaunched),
 *   and reaches the server and the others once the network is back. Another account on the same profile does
 *   not see it.
 * - A reviewer whose editor is forced editable types: the server refuses, the text is rolled back on screen
 *   with a message, and the server has nothing.
 * - A drafter types offline while the convener locks: on reconnection the edit is refused with the lock as the
 *   reason, rolled back, and offered to copy; the server's text does not have it.
 *
 * About the reload "while offline": without a service worker no browser can load a page with no network at
 * all, so the honest version of that scenario is the page loading while the realtime connection cannot be
 * made (`cutRealtime`: HTTP passes, WebSocket upgrades are reset). The typing itself happens with the network
 * fully cut (`cut`: every connection reset).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchProfile, openStatement, screenshot, shareStatement, useAppBehindProxy, userPage } from "./fixtures";
import { RefusalLabel, RefusalTestId, TestId } from "../client/testids";
import { signUp } from "../server/testing/harness";
import type { ApiClient } from "../server/testing/harness";
import type { RunningServer } from "../server/server";
import { sha256Hex } from "../shared/canonical";

const pill = (page: Page) => page.getByTestId(TestId.connectionState);
const editorText = (page: Page) => page.getByTestId(TestId.editor).innerText();
const exportMd = async (user: ApiClient, id: string) => (await user.get(`/api/statements/${id}/export.md`)).text;

/** Types at the end of the document. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.getByTestId(TestId.editor).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

/** Locks the statement as the convener (the current lock API: the text shown and its hash). */
async function lock(convener: ApiClient, id: string): Promise<void> {
  const md = await exportMd(convener, id);
  const body = { documentHash: sha256Hex(md), documentText: md };
  let r = await convener.post(`/api/statements/${id}/lock`, body);
  if (r.status === 409 && r.json?.error?.details) {
    const d = r.json.error.details;
    const override = {
      unsigned: (d.unsigned ?? []).map((u: { organizationId: string }) => u.organizationId),
      objections: (d.objections ?? []).map((o: { clauseId: string; organizationId: string; reason: string }) => ({
        clauseId: o.clauseId,
        organizationId: o.organizationId,
        reason: o.reason,
      })),
    };
    r = await convener.post(`/api/statements/${id}/lock`, { ...body, override });
  }
  if (r.status === 400) r = await convener.post(`/api/statements/${id}/lock`, { override: true });
  expect(r.status, r.text).toBeLessThan(300);
}

describe("offline editing that people can trust", () => {
  const app = useAppBehindProxy();

  it("text typed offline survives a reload and a browser restart, then reaches the server and the others", async () => {
    const { server, browser, proxy } = app;
    const via = { url: proxy.url } as RunningServer;
    const alice = await userPage(browser, server, "Alice Convener");
    const dana = await signUp(server.url, "Dana Drafter");
    const erin = await signUp(server.url, "Erin Drafter");
    const id = await shareStatement(alice.user, "Offline statement", [
      { user: dana, role: "drafter" },
      { user: erin, role: "drafter" },
    ]);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "concord-profile-"));
    let danaBrowser = await launchProfile(profile, proxy.url, dana);
    try {
      let page = danaBrowser.pages()[0] ?? (await danaBrowser.newPage());
      await openStatement(alice.page, server, id);
      await openStatement(page, via, id);
      await typeAtEnd(alice.page, "Shared opening.");
      await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain("Shared opening.");

      // The network drops; Dana keeps typing.
      proxy.cut();
      await expect.poll(() => pill(page).getAttribute("data-state"), { timeout: 10_000 }).toBe("offline");
      await typeAtEnd(page, " Typed while offline.");
      await expect.poll(() => pill(page).getAttribute("data-unsent"), { timeout: 5_000 }).toBe("true");
      expect(await pill(page).innerText()).toMatch(/unsent/i);
      expect(await exportMd(alice.user, id)).not.toContain("Typed while offline");
      // The local copy is keyed by user and statement.
      const dbNames = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
      expect(dbNames).toContain(`concord:${dana.userId}:${id}`);

      // Closing the tab asks first (beforeunload); dismissing keeps the page.
      let answer: "accept" | "dismiss" = "dismiss";
      const dialogs: string[] = [];
      const onDialog = (d: import("playwright-core").Dialog) => {
        dialogs.push(d.type());
        void (answer === "accept" ? d.accept() : d.dismiss());
      };
      page.on("dialog", onDialog);
      await page.close({ runBeforeUnload: true });
      await expect.poll(() => dialogs, { timeout: 5_000 }).toContain("beforeunload");
      await new Promise((r) => setTimeout(r, 300));
      expect(page.isClosed()).toBe(false);

      // Reload while the document still cannot sync: the text comes back from IndexedDB, still unsent.
      proxy.cutRealtime();
      answer = "accept";
      const reloadStarted = Date.now();
      await page.reload();
      await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain("Typed while offline.");
      console.log(`reload → restored text shown in ${Date.now() - reloadStarted} ms`);
      await expect.poll(() => pill(page).getAttribute("data-state"), { timeout: 10_000 }).toBe("offline");
      expect(await pill(page).getAttribute("data-unsent")).toBe("true");
      expect(await exportMd(alice.user, id)).not.toContain("Typed while offline");
      await screenshot(page, "offline-restored-after-reload");

      // Another account on the same browser profile does not get Dana's unsent copy.
      const [cookieName, erinValue] = erin.cookie.split("=");
      await danaBrowser.addCookies([
        { name: cookieName, value: erinValue, url: proxy.url, httpOnly: true, sameSite: "Lax" },
      ]);
      const erinPage = await danaBrowser.newPage();
      await erinPage.goto(`${proxy.url}/s/${id}`);
      await expect.poll(() => pill(erinPage).getAttribute("data-state"), { timeout: 10_000 }).toBe("offline");
      expect(await editorText(erinPage)).not.toContain("Typed while offline");
      expect(await pill(erinPage).getAttribute("data-unsent")).toBe("false");
      await erinPage.close();
      const [, danaValue] = dana.cookie.split("=");
      await danaBrowser.addCookies([
        { name: cookieName, value: danaValue, url: proxy.url, httpOnly: true, sameSite: "Lax" },
      ]);

      // Browser restart (same profile), still unable to sync: the text is there again.
      page.off("dialog", onDialog);
      await danaBrowser.close();
      danaBrowser = await launchProfile(profile, proxy.url, dana);
      page = danaBrowser.pages()[0] ?? (await danaBrowser.newPage());
      await page.goto(`${proxy.url}/s/${id}`);
      await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain("Typed while offline.");
      await expect.poll(() => pill(page).getAttribute("data-unsent"), { timeout: 5_000 }).toBe("true");

      // The network is back: the provider merges the restored edits; the server and Alice have them.
      const back = Date.now();
      proxy.restore();
      await expect.poll(() => pill(page).getAttribute("data-state"), { timeout: 15_000 }).toBe("connected");
      await expect.poll(() => pill(page).getAttribute("data-unsent"), { timeout: 10_000 }).toBe("false");
      console.log(`network back → edits confirmed by the server in ${Date.now() - back} ms`);
      const md = await exportMd(alice.user, id);
      expect(md).toContain("Shared opening. Typed while offline.");
      await expect.poll(() => editorText(alice.page), { timeout: 10_000 }).toContain("Typed while offline.");
      // Nothing is left to warn about.
      expect(await pill(page).innerText()).toBe("Connected");
    } finally {
      await danaBrowser.close();
      await alice.context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it("a reviewer's forced edit is refused by the server and rolled back on screen with a message", async () => {
    const { server, browser } = app;
    const alice = await userPage(browser, server, "Alice Convener");
    const rita = await userPage(browser, server, "Rita Reviewer");
    const id = await shareStatement(alice.user, "Reviewed statement", [{ user: rita.user, role: "reviewer" }]);
    try {
      await openStatement(alice.page, server, id);
      await typeAtEnd(alice.page, "Agreed wording.");
      await openStatement(rita.page, server, id);
      await expect.poll(() => editorText(rita.page), { timeout: 10_000 }).toContain("Agreed wording.");

      // Force the editor editable through Tiptap's own handle on its DOM element (no app backdoor).
      await rita.page.evaluate(() => {
        const el = document.querySelector('[data-testid="editor"]') as HTMLElement & {
          editor?: { setEditable: (v: boolean) => void };
        };
        el.editor!.setEditable(true);
      });
      expect(await rita.page.getByTestId(TestId.editor).getAttribute("contenteditable")).toBe("true");
      await rita.page.getByTestId(TestId.editor).click();
      await rita.page.keyboard.press("Control+End");
      const typed = Date.now();
      await rita.page.keyboard.insertText(" REVIEWER WAS HERE");

      const notice = rita.page.getByTestId(RefusalTestId.notice);
      await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true);
      console.log(`refused edit → notice shown in ${Date.now() - typed} ms`);
      expect(await notice.innerText()).toMatch(/Your edit was not saved: your role/);
      expect(await rita.page.getByTestId(RefusalTestId.text).inputValue()).toContain("REVIEWER WAS HERE");
      // Rolled back on screen, read-only again, and the pill is not claiming anything was saved.
      await expect.poll(() => editorText(rita.page), { timeout: 10_000 }).not.toContain("REVIEWER WAS HERE");
      expect(await editorText(rita.page)).toContain("Agreed wording.");
      expect(await rita.page.getByTestId(TestId.editor).getAttribute("contenteditable")).toBe("false");
      expect(await pill(rita.page).getAttribute("data-unsent")).toBe("false");
      await screenshot(rita.page, "offline-reviewer-refused");
      // The server and the others have nothing of it.
      expect(await exportMd(alice.user, id)).not.toContain("REVIEWER");
      expect(await editorText(alice.page)).not.toContain("REVIEWER");
      // Dismissing removes the notice.
      await rita.page.getByRole("button", { name: RefusalLabel.dismiss }).click();
      await expect.poll(() => notice.count()).toBe(0);
    } finally {
      await alice.context.close();
      await rita.context.close();
    }
  });

  it("a drafter's offline edit is refused after the lock, rolled back and offered to copy", async () => {
    const { server, browser, proxy } = app;
    const via = { url: proxy.url } as RunningServer;
    const alice = await userPage(browser, server, "Alice Convener");
    const dave = await signUp(server.url, "Dave Drafter");
    const id = await shareStatement(alice.user, "Statement to lock", [{ user: dave, role: "drafter" }]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: proxy.url });
      const [name, value] = dave.cookie.split("=");
      await context.addCookies([{ name, value, url: proxy.url, httpOnly: true, sameSite: "Lax" }]);
      const page = await context.newPage();
      await openStatement(alice.page, server, id);
      await typeAtEnd(alice.page, "Final wording.");
      await openStatement(page, via, id);
      await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain("Final wording.");

      proxy.cut();
      await expect.poll(() => pill(page).getAttribute("data-state"), { timeout: 10_000 }).toBe("offline");
      await typeAtEnd(page, " Late offline words.");
      await expect.poll(() => pill(page).getAttribute("data-unsent"), { timeout: 5_000 }).toBe("true");

      await lock(alice.user, id);
      const back = Date.now();
      proxy.restore();

      const notice = page.getByTestId(RefusalTestId.notice);
      await expect.poll(() => notice.isVisible(), { timeout: 15_000 }).toBe(true);
      console.log(`network back after the lock → refusal shown in ${Date.now() - back} ms`);
      expect(await notice.innerText()).toMatch(/Your edit was not saved: the statement was locked/);
      const refusedText = await page.getByTestId(RefusalTestId.text).inputValue();
      expect(refusedText).toContain("Late offline words.");
      expect(refusedText).not.toContain("Final wording");
      await page.getByRole("button", { name: RefusalLabel.copy }).click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: 5_000 })
        .toBe(refusedText);

      // Rolled back to the locked text; the editor is read-only now; the server does not have the words.
      await expect.poll(() => editorText(page), { timeout: 10_000 }).not.toContain("Late offline words");
      await expect
        .poll(() => page.getByTestId(TestId.editor).getAttribute("contenteditable"), { timeout: 10_000 })
        .toBe("false");
      expect(await pill(page).getAttribute("data-unsent")).toBe("false");
      await screenshot(page, "offline-refused-after-lock");
      const md = await exportMd(alice.user, id);
      expect(md).toContain("Final wording.");
      expect(md).not.toContain("Late offline words");
      // The rolled-back words do not come back from the local copy on a reload.
      await page.reload();
      await expect.poll(() => pill(page).getAttribute("data-state"), { timeout: 15_000 }).toBe("connected");
      expect(await editorText(page)).not.toContain("Late offline words");
      expect(await notice.count()).toBe(0);
    } finally {
      await context.close();
      await alice.context.close();
    }
  });
});
