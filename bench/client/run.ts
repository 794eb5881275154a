/**
 * `npm run bench:client`: the client's figures in headless Chromium, against a real server serving the built
 * client (`dist/client`, or `--client=<dir>` / `E2E_CLIENT_DIR`):
 * - initial JS per route (login, dashboard, editor): bytes as transferred, and their gzip size (what a
 *   gzip-only browser receives), counting every script the route loads until it is ready;
 * - navigation → editable (cold: a fresh browser context) for statements of 30, 300 and 1,500 clauses
 *   (1,500 clauses ≈ 500 KB of text);
 * - keydown → next frame p50/p95 in the writer, remote render p50/p95 in a reader of the same statement, and
 *   long tasks in both while the writer types (see probes.ts for what is measured where);
 * - `--profile=<clauses>`: a CPU profile of writer and reader while typing at that size, summarized by self
 *   time (the raw profiles go next to `--out`).
 * `--quick` types a few keys only: it exists to check that every figure is produced (bench/client.test.ts).
 * `--open-only` skips the typing (for a client too slow to type into); `--sizes=30,1500` and `--keys=` adjust.
 * `--out=<file.json>` writes the figures as JSON.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import * as Y from "yjs";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestServer, signUp, connectProvider, synced } from "../../server/testing/harness";
import type { ApiClient } from "../../server/testing/harness";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import { PROBE_SCRIPT } from "./probes";
import type { PageProbe } from "./probes";
import { summarizeProfile } from "./profile";
import type { CpuProfile } from "./profile";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"] as const;
  }),
);
const QUICK = args.has("quick");
const CLIENT_DIR = path.resolve(args.get("client") ?? process.env.E2E_CLIENT_DIR ?? "dist/client");
const OUT = args.get("out");
const SIZES = (args.get("sizes") ?? "30,300,1500").split(",").map(Number);
const KEYS = Number(args.get("keys") ?? (QUICK ? 4 : 40));
const KEY_GAP_MS = 90;
const PROFILE_AT = args.has("profile") ? Number(args.get("profile")) : null;
/** Measure opening only (no typing): for a client too slow to type into. */
const OPEN_ONLY = args.has("open-only");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

/** One figure of the report. */
export interface Figure {
  key: string;
  label: string;
  value: number;
  unit: string;
}

const figures: Figure[] = [];
function record(key: string, label: string, value: number, unit: string): void {
  figures.push({ key, label, value, unit });
  console.log(`${label.padEnd(58)} ${Number.isFinite(value) ? value.toFixed(unit === "KB" ? 1 : 0) : "n/a"} ${unit}`);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** About 330 characters of statement-like prose per clause: 1,500 clauses ≈ 500 KB. */
function clauseText(i: number): string {
  const words =
    "the parties recognise that an open interoperable and secure internet depends on multistakeholder governance transparent processes and accountable institutions which respect human rights and foster innovation across every region".split(
      " ",
    );
  let s = `${i + 1}. `;
  for (let w = i; s.length < 330; w += 7) s += words[w % words.length] + " ";
  return s.trim() + ".";
}

/** Writes `n` clauses (a heading every 25) into the statement through a real y-websocket client. */
async function seed(baseUrl: string, statementId: string, owner: ApiClient, n: number): Promise<void> {
  const client = connectProvider(baseUrl, statementId, owner);
  await synced(client.provider, 20_000);
  const frag = client.doc.getXmlFragment(DOCUMENT_FIELD);
  // Chunks keep every frame well under the server's frame limit.
  for (let from = 0; from < n; from += 100) {
    client.doc.transact(() => {
      for (let i = from; i < Math.min(n, from + 100); i++) {
        const el = new Y.XmlElement(i % 25 === 0 ? "heading" : "paragraph");
        if (i % 25 === 0) el.setAttribute("level", 2 as unknown as string);
        el.setAttribute("clauseId", `b${i}`);
        const t = new Y.XmlText();
        t.insert(0, clauseText(i));
        el.insert(0, [t]);
        frag.insert(frag.length, [el]);
      }
    });
  }
  client.destroy();
  // Read back through a fresh connection: the server has all of it.
  const check = connectProvider(baseUrl, statementId, owner);
  const deadline = Date.now() + 30_000;
  try {
    await synced(check.provider, 20_000);
    while (check.doc.getXmlFragment(DOCUMENT_FIELD).length < n) {
      if (Date.now() > deadline) throw new Error(`seeding ${n} clauses did not reach the server`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    check.destroy();
  }
}

async function contextFor(browser: Browser, baseUrl: string, user: ApiClient | null): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.addInitScript(PROBE_SCRIPT);
  if (user) {
    const [name, value] = user.cookie.split("=");
    await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: "Lax" }]);
  }
  return context;
}

/**
 * Waits until the editor is editable and shows all `n` clauses, then until the page has produced two more
 * frames (work scheduled for the frame after the text appears, such as a gutter's layout, counts: the editor
 * is not usable before it is done); the page's time at that point.
 */
async function whenEditorShows(page: Page, n: number, editable: boolean): Promise<number> {
  await page.waitForFunction(
    ([count, wantEditable]) => {
      const el = document.querySelector('[data-testid="editor"]');
      if (!el || (wantEditable && el.getAttribute("contenteditable") !== "true")) return false;
      return el.querySelectorAll(":scope > p, :scope > h2").length >= count ? performance.now() : false;
    },
    [n, editable] as const,
    { polling: "raf", timeout: 120_000 },
  );
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(performance.now());
            channel.port2.postMessage(0);
          }),
        ),
      ),
  );
}

/** Scripts a route loads until it is ready: bytes as transferred and gzip -9 of their bodies. */
async function routeScripts(
  context: BrowserContext,
  url: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<{ transferred: number; gzip: number; files: number }> {
  const page = await context.newPage();
  const pending: Array<Promise<{ transferred: number; gzip: number }>> = [];
  page.on("requestfinished", (req) => {
    if (req.resourceType() !== "script") return;
    pending.push(
      (async () => {
        const res = await req.response();
        const sizes = await req.sizes();
        const body = res ? await res.body() : Buffer.alloc(0);
        return { transferred: sizes.responseBodySize, gzip: zlib.gzipSync(body, { level: 9 }).length };
      })(),
    );
  });
  await page.goto(url);
  await ready(page);
  await page.waitForLoadState("networkidle");
  const all = await Promise.all(pending);
  await page.close();
  return {
    transferred: all.reduce((s, x) => s + x.transferred, 0),
    gzip: all.reduce((s, x) => s + x.gzip, 0),
    files: all.length,
  };
}

async function probeOf(page: Page): Promise<PageProbe> {
  return page.evaluate(() => (window as unknown as { __benchProbe: PageProbe }).__benchProbe);
}

/** Where a page's main thread went between two moments: CDP Performance metrics (seconds, cumulative). */
async function startMetrics(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const read = async () => {
    const { metrics } = (await cdp.send("Performance.getMetrics")) as {
      metrics: Array<{ name: string; value: number }>;
    };
    return new Map(metrics.map((m) => [m.name, m.value]));
  };
  const before = await read();
  return async (): Promise<string> => {
    const after = await read();
    await cdp.detach();
    return ["ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration"]
      .map((k) => `${k.replace("Duration", "")} ${(1000 * ((after.get(k) ?? 0) - (before.get(k) ?? 0))).toFixed(0)} ms`)
      .join(", ");
  };
}

async function startProfile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
  await cdp.send("Profiler.start");
  return async (): Promise<CpuProfile> => {
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    await cdp.detach();
    return profile;
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(CLIENT_DIR, "index.html"))) {
    throw new Error(`${CLIENT_DIR} has no built client: run \`npx vite build\` first`);
  }
  console.log(`client: ${CLIENT_DIR}${QUICK ? " (quick)" : ""}`);
  const server = await startTestServer({ clientDir: CLIENT_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const base = server.url;
    const writer = await signUp(base, "Writer");
    const reader = await signUp(base, "Reader");
    const { organization } = await writer.api.createOrganization({
      name: `Bench Registry ${Date.now()}`,
      shortName: "Bench",
      stakeholderGroup: "technical-community",
    });

    // Initial JS per route, on a statement of 30 clauses, each in a fresh (cold) context.
    const statements = new Map<number, string>();
    for (const n of SIZES) {
      const { statement } = await writer.api.createStatement({ title: `Bench ${n} clauses` });
      await writer.api.addMember(statement.id, {
        email: reader.email,
        role: "drafter",
        organizationId: organization.id,
      });
      await seed(base, statement.id, writer, n);
      // Something for both gutters to show: a few threads and positions.
      for (const i of [1, 3, Math.floor(n / 2)]) {
        await writer.api.createThread(statement.id, { clauseId: `b${i}`, body: `Question on clause ${i + 1}` });
      }
      statements.set(n, statement.id);
    }
    const small = statements.get(SIZES[0])!;
    const routes: Array<[string, string, ApiClient | null, (p: Page) => Promise<unknown>]> = [
      ["login", "/login", null, (p) => p.getByLabel("Email").waitFor()],
      ["dashboard", "/", writer, (p) => p.getByTestId("statement-list").waitFor()],
      ["editor", `/s/${small}`, writer, (p) => whenEditorShows(p, SIZES[0], true)],
    ];
    for (const [name, url, user, ready] of routes) {
      const context = await contextFor(browser, base, user);
      const js = await routeScripts(context, base + url, ready);
      await context.close();
      record(`js_${name}_gzip_kb`, `initial JS, ${name} (gzip)`, js.gzip / 1024, "KB");
      record(
        `js_${name}_transferred_kb`,
        `initial JS, ${name} (as transferred, ${js.files} files)`,
        js.transferred / 1024,
        "KB",
      );
    }

    for (const n of SIZES) {
      const id = statements.get(n)!;
      const writerContext = await contextFor(browser, base, writer);
      const readerContext = await contextFor(browser, base, reader);
      const w = await writerContext.newPage();
      const r = await readerContext.newPage();
      await w.goto(`${base}/s/${id}`);
      record(`editable_${n}_ms`, `navigation → editable, ${n} clauses (cold)`, await whenEditorShows(w, n, true), "ms");
      if (OPEN_ONLY) {
        await writerContext.close();
        await readerContext.close();
        continue;
      }
      await r.goto(`${base}/s/${id}`);
      await whenEditorShows(r, n, true);
      await Promise.all(
        [w, r].map((p) =>
          p.getByTestId("connection-state").and(p.locator('[data-state="connected"]')).waitFor({ timeout: 60_000 }),
        ),
      );

      // The writer types at the end of the middle clause.
      const target = Math.floor(n / 2) + (Math.floor(n / 2) % 25 === 0 ? 1 : 0);
      // A slow editor may be busy for a long while after it shows the text: the click waits for it.
      await w.locator(`[data-testid="editor"] > :is(p, h2)[data-clause-id="b${target}"]`).click({ timeout: 300_000 });
      await w.keyboard.press("End");
      await w.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
      const before = await Promise.all([probeOf(w), probeOf(r)]);
      const t0 = await Promise.all([w.evaluate(() => performance.now()), r.evaluate(() => performance.now())]);
      const profiling = PROFILE_AT === n ? await Promise.all([startProfile(w), startProfile(r)]) : null;
      const metrics = PROFILE_AT === n ? await Promise.all([startMetrics(w), startMetrics(r)]) : null;
      const typed = "xyzw ".repeat(Math.ceil(KEYS / 5)).slice(0, KEYS);
      for (const ch of typed) {
        await w.keyboard.type(ch);
        await new Promise((res) => setTimeout(res, KEY_GAP_MS));
      }
      await r.waitForFunction(
        ([clause, text]) =>
          document
            .querySelector(`[data-testid="editor"] > :is(p, h2)[data-clause-id="${clause}"]`)
            ?.textContent?.includes(text),
        [`b${target}`, typed.trimEnd()] as const,
        { timeout: 120_000 },
      );
      await r.evaluate(() => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 50))));
      const t1 = await Promise.all([w.evaluate(() => performance.now()), r.evaluate(() => performance.now())]);
      const after = await Promise.all([probeOf(w), probeOf(r)]);
      if (metrics) {
        const [wm, rm] = await Promise.all(metrics.map((stop) => stop()));
        console.log(`\nmain thread while typing, ${n} clauses: writer ${wm}; reader ${rm}`);
      }
      if (profiling) {
        const [wp, rp] = await Promise.all(profiling.map((stop) => stop()));
        for (const [who, profile] of [
          ["writer", wp],
          ["reader", rp],
        ] as const) {
          console.log(`\nCPU profile, ${who}, ${n} clauses, self time:`);
          console.log(summarizeProfile(profile, 18));
          if (OUT) {
            fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
            fs.writeFileSync(OUT.replace(/\.json$/, `-${who}-${n}.cpuprofile`), JSON.stringify(profile));
          }
        }
      }
      const keys = after[0].keys.slice(before[0].keys.length);
      const remote = after[1].remote.slice(before[1].remote.length);
      const longIn = (p: PageProbe, from: number, to: number) =>
        p.longTasks.filter(([s]) => s >= from && s <= to).map(([, d]) => d);
      const wLong = longIn(after[0], t0[0], t1[0]);
      const rLong = longIn(after[1], t0[1], t1[1]);
      record(`key_${n}_p50_ms`, `keydown → next frame p50, ${n} clauses`, percentile(keys, 50), "ms");
      record(`key_${n}_p95_ms`, `keydown → next frame p95, ${n} clauses`, percentile(keys, 95), "ms");
      record(`remote_${n}_p50_ms`, `remote render p50, ${n} clauses`, percentile(remote, 50), "ms");
      record(`remote_${n}_p95_ms`, `remote render p95, ${n} clauses`, percentile(remote, 95), "ms");
      record(`longtasks_writer_${n}`, `long tasks while typing ${KEYS} keys, writer, ${n} clauses`, wLong.length, "");
      record(`longtask_writer_${n}_max_ms`, `longest task, writer, ${n} clauses`, Math.max(0, ...wLong), "ms");
      record(`longtasks_reader_${n}`, `long tasks while typing ${KEYS} keys, reader, ${n} clauses`, rLong.length, "");
      record(`longtask_reader_${n}_max_ms`, `longest task, reader, ${n} clauses`, Math.max(0, ...rLong), "ms");
      await writerContext.close();
      await readerContext.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (OUT) {
    fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify({ quick: QUICK, keys: KEYS, sizes: SIZES, figures }, null, 2));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
