/**
 * Opens one clause's positions in the Sign-off tab (its clause detail), from outside the panel — the gutter
 * chips. The panel owns its tab and selection state; this goes through the same controls a person uses: the
 * Sign-off tab, then the clause's row button in the matrix (showing all clauses first if a filter hides it).
 */
import { SignoffLabel, SignoffTestId } from "./testids";

const TAB = '[data-testid="side-tab-signoff"]';

function rowButton(clauseId: string): HTMLButtonElement | null {
  return document.querySelector<HTMLButtonElement>(
    `[data-testid="${SignoffTestId.matrix}"] tr[data-clause-id="${CSS.escape(clauseId)}"] button[aria-pressed]`,
  );
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Waits (a frame at a time, at most 5 s: the panel may still be loading) for `find` to return something. */
async function waitFor<T>(find: () => T | null): Promise<T | null> {
  for (const until = performance.now() + 5000; performance.now() < until;) {
    const found = find();
    if (found) return found;
    await nextFrame();
  }
  return null;
}

/** Brings the Sign-off tab forward and opens `clauseId`'s detail; focus moves into the detail. */
export async function openClausePositions(clauseId: string): Promise<void> {
  document.querySelector<HTMLButtonElement>(`${TAB}:not([aria-selected="true"])`)?.click();
  let button = await waitFor(() =>
    document.querySelector(`[data-testid="${SignoffTestId.matrix}"]`) ? true : null,
  ).then(() => rowButton(clauseId));
  if (!button) {
    // A filter (objections, stale) hides the row: show every clause.
    const all = [...document.querySelectorAll<HTMLButtonElement>(`[data-testid="${SignoffTestId.panel}"] button`)].find(
      (b) => b.textContent?.trim() === SignoffLabel.filterAll,
    );
    all?.click();
    button = await waitFor(() => rowButton(clauseId));
  }
  if (!button) return;
  if (button.getAttribute("aria-pressed") !== "true") button.click();
  const detail = await waitFor(() =>
    document.querySelector<HTMLElement>(`[data-testid="${SignoffTestId.clauseDetail}"]`),
  );
  if (!detail) return;
  detail.scrollIntoView({ block: "nearest" });
  const focusable = detail.querySelector<HTMLElement>("button, [tabindex], input, textarea, select");
  (focusable ?? button).focus();
}
