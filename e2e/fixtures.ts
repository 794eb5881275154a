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

/**
 * The built client the end-to-end servers serve: `dist/client`, or `E2E_CLIENT_DIR` so that several people
 * working in one checkout can each build and test their own client without overwriting one another's.
 */
export function builtClientDir(): string {
  const clientDir = path.resolve(process.env.E2E_CLIENT_DIR ?? "dist/client");
  if (!fs.existsSync(path.join(clientDir, "index.html"))) {
    throw new Error(`${clientDir} is missing: run \`npm run build\` (npm test does) before the end-to-end tests`);
  }
  return clientDir;
}

/** Starts a server that serves the built client. */
export async function startAppServer(): Promise<RunningServer> {
  return startTestServer({ clientDir: builtClientDir() });
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
export async function userPage(
  browser: Browser,
  server: RunningServer,
  name: string,
): Promise<{ user: Awaited<ReturnType<typeof signUp>>; page: Page; context: BrowserContext }> {
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
 * A screenshot of a main screen for the README: under docs/screens/ when `SCREENS=1` (run to refresh them, then
 * commit), under test-results/ otherwise, so an ordinary test run never changes tracked files.
 */
export async function docScreenshot(page: Page, name: string): Promise<string> {
  if (process.env.SCREENS !== "1") return screenshot(page, name);
  const file = path.resolve("docs/screens", `${name}.png`);
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
  members: Array<{
    user: { email: string };
    role: "convener" | "drafter" | "reviewer" | "observer";
    organizationId?: string;
  }>,
): Promise<string> {
  const { statement } = await convener.api.createStatement({ title });
  for (const m of members) {
    await convener.api.addMember(statement.id, { email: m.user.email, role: m.role, organizationId: m.organizationId });
  }
  return statement.id;
}

/** Opens a statement's editor and waits until its live connection is up. */
export async function openStatement(page: Page, server: RunningServer, statementId: string): Promise<void> {
  await page.goto(`${server.url}/s/${statementId}`);
  await expect
    .poll(() => page.getByTestId("connection-state").getAttribute("data-state"), { timeout: 15_000 })
    .toBe("connected");
}

/** A free TCP port on 127.0.0.1 (to start a server whose allowed origins must be known in advance). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A TCP proxy between one browser and the app server, to take that browser's network away and give it back.
 * - `up`: every byte passes;
 * - `down` ({@link NetworkProxy.cut}): every open connection is destroyed and new ones are reset at once,
 *   as when the network drops;
 * - `realtime-down` ({@link NetworkProxy.cutRealtime}): open connections are destroyed; new HTTP connections
 *   pass but a connection whose first request is a WebSocket upgrade is reset, so the page itself loads (the
 *   only way a page can load at all without a service worker) while the document cannot sync.
 * The browser opens the app at {@link NetworkProxy.url}, whose origin the server must allow.
 */
export class NetworkProxy {
  mode: "up" | "down" | "realtime-down" = "up";
  private readonly sockets = new Set<import("node:net").Socket>();

  private constructor(
    private readonly server: import("node:net").Server,
    readonly port: number,
  ) {}

  /** The browser-facing base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts a proxy to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<NetworkProxy> {
    const net = await import("node:net");
    // Assigned right below, before the first connection can arrive; the handler needs it by name.
    // eslint-disable-next-line prefer-const
    let proxy!: NetworkProxy;
    const server = net.createServer((client) => {
      client.on("error", () => {});
      if (proxy.mode === "down") {
        client.resetAndDestroy();
        return;
      }
      proxy.sockets.add(client);
      client.once("close", () => proxy.sockets.delete(client));
      client.once("data", (first: Buffer) => {
        const head = first.subarray(0, 4096).toString("latin1");
        const isUpgrade = /^GET [^\r\n]* HTTP\/1\.1\r\n/.test(head) && /\r\nupgrade:\s*websocket/i.test(head);
        if (proxy.mode === "down" || (proxy.mode === "realtime-down" && isUpgrade)) {
          client.resetAndDestroy();
          return;
        }
        const upstream = net.connect(targetPort, "127.0.0.1");
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        proxy.sockets.add(upstream);
        upstream.once("close", () => {
          proxy.sockets.delete(upstream);
          client.destroy();
        });
        client.once("close", () => upstream.destroy());
        upstream.write(first);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new NetworkProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  private dropAll(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  /** The network drops: every connection through the proxy dies and new ones fail. */
  cut(): void {
    this.mode = "down";
    this.dropAll();
  }

  /** Every connection dies; afterwards plain HTTP passes again but WebSocket upgrades fail. */
  cutRealtime(): void {
    this.mode = "realtime-down";
    this.dropAll();
  }

  /** The network is back. */
  restore(): void {
    this.mode = "up";
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Starts the app server behind a {@link NetworkProxy} (beforeAll) whose origin it allows, and Chromium; stops all
 * three afterwards. Browsers that should keep their network open the app at `.server.url`; the one whose
 * network is cut opens it at `.proxy.url`.
 */
export function useAppBehindProxy(): {
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly proxy: NetworkProxy;
} {
  const state = {} as { server: RunningServer; browser: Browser; proxy: NetworkProxy };
  beforeAll(async () => {
    const clientDir = builtClientDir();
    const port = await freePort();
    state.proxy = await NetworkProxy.start(port);
    state.server = await startTestServer({
      clientDir,
      port,
      origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`, state.proxy.url],
    });
    state.browser = await launchBrowser();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.proxy?.close();
    await state.server?.close();
  });
  return state;
}

/**
 * A persistent Chromium profile (its own browser process) logged in as `user` for `baseUrl`: closing it and
 * launching it again on the same `profileDir` is a browser restart that keeps IndexedDB.
 */
export async function launchProfile(profileDir: string, baseUrl: string, user: ApiClient): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  });
  const [name, value] = user.cookie.split("=");
  await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

/**
 * Waits until the browser has delivered a caret move (a click, End) to ProseMirror. ProseMirror learns of a
 * caret placed by the browser from `selectionchange`, which the browser queues; a key pressed before it is
 * handled acts on the old selection (a Backspace deleting elsewhere). Two animation frames let the queued
 * events run first.
 */
export async function caretSettled(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}
