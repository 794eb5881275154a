/**
 * axe-core in the end-to-end tests: injects axe (the installed `axe-core`, no network) into a page and runs it
 * with the WCAG 2.2 A/AA rule tags. `@axe-core/playwright` needs Node 22, so the script is injected by hand.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type { AxeResults, ImpactValue, Result } from "axe-core";

/** The WCAG 2.0/2.1/2.2 level A and AA rule tags. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] as const;

/** The impacts a test fails on. */
const BLOCKING: ReadonlySet<ImpactValue> = new Set<ImpactValue>(["serious", "critical"]);

let axeSource: string | null = null;
function source(): string {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  return axeSource;
}

/** One violation, short enough to read in a failed assertion. */
export interface AxeFinding {
  rule: string;
  impact: ImpactValue | null;
  help: string;
  /** Selectors and the failure summary of each offending node (at most five). */
  nodes: string[];
}

function summarize(v: Result): AxeFinding {
  return {
    rule: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`),
  };
}

/**
 * Runs axe on the page (or inside `include`, a CSS selector) and returns its serious and critical WCAG A/AA
 * violations; an empty list means the state passes. Injects axe first if the page does not have it yet.
 */
export async function axeViolations(page: Page, opts: { include?: string } = {}): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === "object");
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy forbids inline scripts.
  if (!loaded) await page.evaluate(source());
  const results = (await page.evaluate(
    async ({ include, tags }) => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const context = include ? { include: [include] } : document;
      return axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    },
    { include: opts.include, tags: [...WCAG_TAGS] },
  )) as AxeResults;
  return results.violations.filter((v) => v.impact && BLOCKING.has(v.impact)).map(summarize);
}
