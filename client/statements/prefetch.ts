/**
 * The statement detail of a `/s/:id` page opened directly, requested by the entry point (client/main.tsx) at
 * once, while the editor's chunks still download and run: `useStatementDetail` takes it instead of asking
 * again, so the detail no longer waits for the editor's code (issue 13).
 *
 * Taken once, and only by the page it was made for: any navigation first (the login redirect of a visitor
 * without a session, say) drops it, and so does age. Its answer, a refusal included, is the hook's to handle
 * exactly as that of its own request.
 */
import type { StatementDetailDto } from "../../shared/api";
import { api } from "../api";
import { onNavigate } from "../app/router";

/** How long an untaken prefetch stays usable. */
const FRESH_MS = 10_000;

let early: { id: string; at: number; detail: Promise<StatementDetailDto>; stop: () => void } | null = null;

function drop(): void {
  early?.stop();
  early = null;
}

/** Starts loading statement `id`'s detail now, for the page about to show it. */
export function prefetchStatementDetail(id: string): void {
  drop();
  const detail = api.statement(id);
  // Whoever takes it handles its failure; untaken, a failure is nobody's concern.
  detail.catch(() => undefined);
  early = { id, at: performance.now(), detail, stop: onNavigate(drop) };
}

/** The prefetched detail of `id` if there is a fresh one, handed out once. */
export function takePrefetchedDetail(id: string): Promise<StatementDetailDto> | null {
  const mine = early;
  drop();
  if (!mine || mine.id !== id || performance.now() - mine.at > FRESH_MS) return null;
  return mine.detail;
}
