/**
 * The public page and sign-on, end to end in Chromium: an anonymous visitor reads the page (also with JavaScript
 * off), downloads the canonical `.md` and checks its SHA-256, verifies a modified file in the page, asks to sign
 * on, confirms through the email the in-process SMTP server received, the convener approves in the app, and the
 * organization appears in its alphabetical place with "joined" and the date.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { RunningServer } from "../server/server";
import { startTestServer } from "../server/testing/harness";
import { TestSmtp, linkIn, lockedStatement } from "../server/publication/fixtures";
import type { LockedStatement } from "../server/publication/fixtures";
import { formatDate } from "../server/publication/page";
import { PublicationTestId } from "../client/publication/testids";
import { builtClientDir, contextFor, launchBrowser, screenshot } from "./fixtures";

let server: RunningServer;
let browser: Browser;
let smtp: TestSmtp;
let s: LockedStatement;

beforeAll(async () => {
  const clientDir = builtClientDir();
  smtp = await TestSmtp.start();
  server = await startTestServer({ clientDir, smtpUrl: smtp.url, mailFrom: "Coalition <coalition@test.example>" });
  browser = await launchBrowser();
  s = await lockedStatement(server.url, {
    title: "Statement of Purpose",
    clauses: ["We support multistakeholder Internet governance.", "We will speak with one voice."],
    orgs: [
      { name: "Alpha Registry", group: "technical-community" },
      { name: "Zeta Networks", group: "private-sector" },
    ],
  });
});
afterAll(async () => {
  s?.editor.destroy();
  await browser?.close();
  await server?.close();
  await smtp?.close();
});

const names = (page: Page) => page.locator("#sig-list .sig-name").allTextContents();

describe("the public page of a final statement", () => {
  it("reads with JavaScript off: text, hash, signatories, the sha256sum command and the sign-on form", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto(`${server.url}/p/${s.slug}`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.locator("h1").first().textContent()).toBe("Statement of Purpose");
    expect(await page.locator(".pub-text").textContent()).toContain("We will speak with one voice.");
    expect(await page.locator("#pub-hash").textContent()).toBe(s.hash);
    expect(await page.locator("#expected-output").textContent()).toBe(`${s.hash}  ${s.slug}.md`);
    expect(await names(page)).toEqual(["Alpha Registry", "Zeta Networks"]);
    expect(await page.locator('meta[property="og:title"]').getAttribute("content")).toBe("Statement of Purpose");
    // The in-page checker needs JavaScript and stays hidden; the form works without it.
    expect(await page.locator("#verify-box").isVisible()).toBe(false);
    expect(await page.locator("form.sign-on-form").isVisible()).toBe(true);
    await context.close();
  });

  it("downloads the .md whose SHA-256 is the page's, says 'no match' for a modified file, and takes a sign-on that the convener approves", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${server.url}/p/${s.slug}`);
    const shownHash = (await page.locator("#pub-hash").textContent())!;

    // Download the canonical text: its SHA-256 is the hash on the page.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-md").click()]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concord-pub-")), download.suggestedFilename());
    await download.saveAs(file);
    expect(path.basename(file)).toBe(`${s.slug}.md`);
    const bytes = fs.readFileSync(file);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(shownHash);

    // In-page verification (the page's own static script, allowed by the CSP): the file matches…
    await page.locator("#verify-box").waitFor({ state: "visible" });
    await page.locator("#verify-file").setInputFiles(file);
    await expect.poll(() => page.locator("#verify-result").getAttribute("data-result")).toBe("match");
    // …a modified one does not, and the first differing line is shown.
    const modified = file.replace(/\.md$/, "-edited.md");
    fs.writeFileSync(modified, bytes.toString("utf8").replace("one voice", "two voices"));
    await page.locator("#verify-file").setInputFiles(modified);
    await expect.poll(() => page.locator("#verify-result").getAttribute("data-result")).toBe("mismatch");
    const result = (await page.locator("#verify-result").textContent())!;
    expect(result).toMatch(/no match/i);
    expect(result).toContain("First difference on line 3");
    expect(result).toContain("We will speak with two voices.");
    // Pasting works too; the copy button appears only with JavaScript.
    await page.locator("#verify-text").fill(bytes.toString("utf8"));
    await page.getByRole("button", { name: "Check the pasted text" }).click();
    await expect.poll(() => page.locator("#verify-result").getAttribute("data-result")).toBe("match");
    await page.locator("#verify-text").fill(bytes.toString("utf8").replace("We support", "We oppose"));
    await page.getByRole("button", { name: "Check the pasted text" }).click();
    await expect.poll(() => page.locator("#verify-result").getAttribute("data-result")).toBe("mismatch");
    expect(await page.locator("#verify-result").textContent()).toContain("First difference on line 1");
    await page.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => page.locator("[data-copy]").textContent()).toMatch(/Copied|Selected/);
    expect(cspErrors).toEqual([]);

    // Ask to sign on, as a visitor would.
    const email = `ops.${Date.now()}@mu.example`;
    const signOn = page.locator("form.sign-on-form");
    await signOn.getByLabel("Organization name", { exact: true }).fill("Mu Foundation");
    await signOn.getByLabel("Website", { exact: true }).fill("https://mu.example");
    await signOn.getByLabel("Country", { exact: true }).fill("Portugal");
    await signOn.getByLabel("Stakeholder group", { exact: true }).selectOption("civil-society");
    await signOn.getByLabel("Your name", { exact: true }).fill("Maria Mu");
    await signOn.getByLabel("Your title", { exact: true }).fill("Director");
    await signOn.getByLabel("Your email", { exact: true }).fill(email);
    await signOn.getByLabel("I am authorized to sign on behalf of this organization.", { exact: true }).check();
    await signOn.getByRole("button", { name: "Request to sign on" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();

    // The confirmation email, received by the SMTP server, is opened and confirmed.
    const mail = await smtp.waitFor(email, /Confirm your request/, 10_000);
    expect(mail.from).toBe("coalition@test.example");
    await page.goto(linkIn(mail.text, /\/confirm\//));
    await page.getByRole("button", { name: "Confirm my request" }).click();
    await page.getByRole("heading", { name: "Request confirmed" }).waitFor();

    // The convener approves in the app.
    const convenerContext = await contextFor(browser, server, s.convener);
    const app = await convenerContext.newPage();
    app.on("pageerror", (err) => console.error("[convener] page error:", err.message));
    await app.goto(`${server.url}/s/${s.statementId}`);
    await app.getByRole("link", { name: "Publication and sign-on" }).click();
    const card = app.locator(`[data-testid="${PublicationTestId.request}"][data-organization="Mu Foundation"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain("The email's domain matches the website.");
    await card.getByTestId(PublicationTestId.approve).click();
    await expect
      .poll(() => app.getByTestId(PublicationTestId.signatory).allTextContents())
      .toContainEqual(expect.stringContaining("Mu Foundation"));
    expect((await smtp.waitFor(email, /now signs/)).text).toMatch(/\/withdraw\//);

    // The page lists it in its alphabetical place, with "joined" and the date.
    await page.goto(`${server.url}/p/${s.slug}`);
    expect(await names(page)).toEqual(["Alpha Registry", "Mu Foundation", "Zeta Networks"]);
    const joined = page.locator("#sig-list li", { hasText: "Mu Foundation" });
    expect(await joined.textContent()).toContain(`joined ${formatDate(Date.now())}`);
    expect(await page.locator("#sig-count").textContent()).toBe("3");
    await screenshot(page, "publication-page");
    await screenshot(app, "publication-console");
    await convenerContext.close();
    await context.close();
  });
});
