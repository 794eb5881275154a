/**
 * End-to-end helpers: a real server serving the built client (`dist/client`, built by `npm test` before the
 * suite), Debian's Chromium driven by playwright-core, and browser contexts already logged in as a user.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningServer } from "../server/server";
import { startTestServer, signUp } from "../server/testing/harness";
import type { ApiClient } from "../server/testing/harness";

/** Where Chromium lives; CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Starts a server that serves the built client. */
export async function startAppServer(): Promise<RunningServer> {
  const clientDir = path.resolve("dist/client");
  if (!fs.existsSync(path.join(clientDir, "index.html"))) {
    throw new Error("dist/client is missing: run `npm run build` (npm test does) before the end-to-end tests");
  }
  return startTestServer({ clientDir });
}

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A browser context logged in as `user` (its session cookie copied in). */
export async function contextFor(browser: Browser, server: RunningServer, user: ApiClient): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const [name, value] = user.cookie.split("=");
  await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

/** A new user with a logged-in page. */
export async function userPage(browser: Browser, server: RunningServer, name: string): Promise<{ user: Awaited<ReturnType<typeof signUp>>; page: Page; context: BrowserContext }> {
  const user = await signUp(server.url, name);
  const context = await contextFor(browser, server, user);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[${name}] page error:`, err.message));
  return { user, page, context };
}

/** Saves a screenshot under test-results/ (for looking at failures and for the README). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.resolve("test-results", `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * Starts the app server and Chromium once for a test file (beforeAll) and stops both afterwards (afterAll).
 * Read `.server` and `.browser` inside tests.
 */
export function useAppAndBrowser(): { readonly server: RunningServer; readonly browser: Browser } {
  const state = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    state.server = await startAppServer();
    state.browser = await launchBrowser();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  return state;
}

/** Creates a statement owned by `convener` and adds each member with a role (and organization). */
export async function shareStatement(
  convener: ApiClient,
  title: string,
  members: Array<{ user: { email: string }; role: "convener" | "drafter" | "reviewer" | "observer"; organizationId?: string }>,
): Promise<string> {
  const created = await convener.post("/api/statements", { title });
  expect(created.status).toBe(201);
  const id: string = created.json.statement.id;
  for (const m of members) {
    const added = await convener.post(`/api/statements/${id}/members`, { email: m.user.email, role: m.role, organizationId: m.organizationId });
    expect(added.status).toBe(201);
  }
  return id;
}

/** Opens a statement's editor and waits until its live connection is up. */
export async function openStatement(page: Page, server: RunningServer, statementId: string): Promise<void> {
  await page.goto(`${server.url}/s/${statementId}`);
  await expect
    .poll(() => page.getByTestId("connection-state").getAttribute("data-state"), { timeout: 15_000 })
    .toBe("connected");
}
