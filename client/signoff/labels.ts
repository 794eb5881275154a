/** Words and symbols for positions and cell states, the matrix cells' accessible names, and quoted reasons. */
import type { CellState, Position, PositionDto } from "../../shared/signoff";
import { cellState } from "../../shared/signoff";
import { relativeTime } from "../ui/format";

/** A cell state in words. */
export const CELL_LABEL: Record<CellState, string> = {
  approve: "approves",
  object: "objects",
  abstain: "abstains",
  stale: "stale",
  pending: "pending",
};

/** A one-character symbol per cell state, so the matrix reads without colour too. */
export const CELL_SYMBOL: Record<CellState, string> = {
  approve: "✓",
  object: "✗",
  abstain: "–",
  stale: "!",
  pending: "·",
};

/** Button labels of the three positions. */
export const POSITION_ACTION: Record<Position, string> = {
  approve: "Approve",
  object: "Object",
  abstain: "Abstain",
};

/** Quotation marks people type around a reason themselves, which the views' own quotes would double. */
const QUOTES = /^["'“”‘’„«»‹›「」]+|["'“”‘’„«»‹›「」]+$/g;

/** A reason between one pair of quotes, whether or not its author typed quotes around it. */
export function quoted(reason: string): string {
  return `“${reason.trim().replace(QUOTES, "").trim()}”`;
}

/** What a position's verb says, with the clause: "approves clause 4", "objects to clause 4". */
const VERB: Record<Position, (n: number) => string> = {
  approve: (n) => `approves clause ${n}`,
  object: (n) => `objects to clause ${n}`,
  abstain: (n) => `abstains on clause ${n}`,
};
const PAST: Record<Position, (n: number) => string> = {
  approve: (n) => `approved clause ${n}`,
  object: (n) => `objected to clause ${n}`,
  abstain: (n) => `abstained on clause ${n}`,
};

/**
 * A matrix cell's accessible name, a sentence: "CIRA approves clause 4, 2 days ago", "Afnic has no position on
 * clause 7", "DENIC objects to clause 2, yesterday: “Too vague”", "CIRA approved clause 4 before it changed
 * (stale), 3 hours ago".
 */
export function cellName(org: string, clauseNumber: number, p: PositionDto | undefined, now = Date.now()): string {
  const state = cellState(p);
  if (!p || state === "pending") return `${org} has no position on clause ${clauseNumber}`;
  const when = relativeTime(p.at, now);
  const reason = p.reason ? `: ${quoted(p.reason)}` : "";
  if (state === "stale") return `${org} ${PAST[p.position](clauseNumber)} before it changed (stale), ${when}${reason}`;
  return `${org} ${VERB[p.position](clauseNumber)}, ${when}${reason}`;
}
