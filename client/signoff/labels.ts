/** Words and symbols for positions and cell states. */
import type { CellState, Position } from "../../shared/signoff";

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
