/**
 * Sign-off chips in the editor's gutter: beside each clause a calm summary of the organizations' positions in
 * words and symbols ("3✓ 1✗", never colour alone), a real button whose accessible name says it all ("Clause 4:
 * 3 approve, 1 objects — open positions") and which opens the clause's positions in the Sign-off tab. Hovering
 * or focusing it lists each organization's position.
 *
 * Drawn as widget decorations kept per clause by clause-widgets.ts: a keystroke, local or remote, redraws only
 * the chips of the clauses it changed; a new matrix redraws only the chips whose summary changed.
 */
import { Extension } from "@tiptap/core";
import { PluginKey } from "@tiptap/pm/state";
import type { DecorationSet } from "@tiptap/pm/view";
import { cellState, positionIndex, positionKey } from "../../shared/signoff";
import type { CellState, PositionDto, SignoffMatrixDto } from "../../shared/signoff";
import { clauseWidgetsPlugin } from "../editor/extensions/clause-widgets";
import type { SignoffStore } from "./store";
import { CELL_LABEL, CELL_SYMBOL } from "./labels";
import { openClausePositions } from "./open-clause";
import { SignoffTestId } from "./testids";
import "./gutter.css";

const key = new PluginKey<DecorationSet>("signoffGutter");

/** The states shown in a chip, in reading order. Pending organizations are only named in the list. */
const SHOWN: CellState[] = ["approve", "object", "abstain", "stale"];

/** One clause's chip: what it shows and the per-organization lines of its list. */
interface ClauseSummary {
  number: number;
  counts: Record<CellState, number>;
  lines: Array<{ orgId: string; state: CellState; text: string }>;
  /** Changes whenever anything the chip shows changes (the widget's key). */
  signature: string;
}

function positionLine(shortName: string, state: CellState, p: PositionDto | undefined): string {
  if (!p) return `${shortName}: pending`;
  return `${shortName}: ${CELL_LABEL[state]}${p.stale ? ` (was ${p.position})` : ""} — ${p.userName}, ${new Date(p.at).toLocaleString()}${p.reason ? ` “${p.reason}”` : ""}`;
}

/** Every clause's summary, computed once per matrix (the store hands out a new matrix object on each change). */
const summaries = new WeakMap<SignoffMatrixDto, Map<string, ClauseSummary>>();
function summariesOf(m: SignoffMatrixDto): Map<string, ClauseSummary> {
  let byClause = summaries.get(m);
  if (byClause) return byClause;
  byClause = new Map();
  const index = positionIndex(m.positions);
  for (const c of m.clauses) {
    const counts: Record<CellState, number> = { approve: 0, object: 0, abstain: 0, stale: 0, pending: 0 };
    const lines = m.organizations.map((o) => {
      const p = index.get(positionKey(c.clauseId, o.id));
      const state = cellState(p);
      counts[state]++;
      return { orgId: o.id, state, text: positionLine(o.shortName, state, p) };
    });
    const signature = `${c.index}|${lines.map((l) => `${l.orgId}=${l.text}`).join("|")}`;
    byClause.set(c.clauseId, { number: c.index + 1, counts, lines, signature });
  }
  summaries.set(m, byClause);
  return byClause;
}

/** The clauses whose chip differs between two matrices (added, removed or changed). */
function changedClauses(before: Map<string, ClauseSummary>, after: Map<string, ClauseSummary>): Set<string> {
  const changed = new Set<string>();
  for (const [id, s] of after) if (before.get(id)?.signature !== s.signature) changed.add(id);
  for (const id of before.keys()) if (!after.has(id)) changed.add(id);
  return changed;
}

/** "3 approve, 1 objects" (or "no positions yet"). */
function countsInWords(s: ClauseSummary): string {
  const parts = SHOWN.filter((st) => s.counts[st] > 0).map(
    (st) => `${s.counts[st]} ${st === "approve" ? "approve" : CELL_LABEL[st]}`,
  );
  if (s.counts.pending > 0) parts.push(`${s.counts.pending} pending`);
  return parts.join(", ") || "no positions yet";
}

function renderChip(clauseId: string, s: ClauseSummary): HTMLElement {
  const wrap = document.createElement("span");
  wrap.className = "signoff-gutter";
  wrap.contentEditable = "false";
  wrap.setAttribute("data-testid", SignoffTestId.gutterChips);
  wrap.setAttribute("data-clause-id", clauseId);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "signoff-summary-chip";
  if (s.counts.object > 0) button.classList.add("has-objection");
  else if (s.counts.stale > 0) button.classList.add("has-stale");
  button.setAttribute("aria-label", `Clause ${s.number}: ${countsInWords(s)} — open positions`);
  const shown = SHOWN.filter((st) => s.counts[st] > 0);
  button.textContent = shown.length
    ? shown.map((st) => `${s.counts[st]}${CELL_SYMBOL[st]}`).join(" ")
    : `${s.counts.pending}${CELL_SYMBOL.pending}`;
  button.addEventListener("mousedown", (e) => e.preventDefault());
  button.addEventListener("click", () => void openClausePositions(clauseId));
  const list = document.createElement("ul");
  list.className = "signoff-gutter-list";
  list.setAttribute("aria-hidden", "true");
  for (const line of s.lines) {
    const li = document.createElement("li");
    li.setAttribute("data-org-id", line.orgId);
    li.setAttribute("data-state", line.state);
    li.className = `cell-${line.state}`;
    li.textContent = `${CELL_SYMBOL[line.state]} ${line.text}`;
    list.append(li);
  }
  wrap.append(button, list);
  return wrap;
}

/** The Tiptap extension for one editor, fed by `store`. */
export function signoffGutter(store: SignoffStore) {
  return Extension.create({
    name: "signoffGutter",
    addProseMirrorPlugins() {
      return [
        clauseWidgetsPlugin({
          key,
          widgetFor: (clauseId) => {
            const m = store.getSnapshot().matrix;
            if (!m || m.organizations.length === 0) return null;
            const s = summariesOf(m).get(clauseId);
            if (!s) return null;
            return { key: `signoff:${clauseId}:${s.signature}`, render: () => renderChip(clauseId, s) };
          },
          subscribe: (refresh) => {
            // Only a new matrix can change a chip, and only the chips whose summary differs are redrawn.
            let matrix = store.getSnapshot().matrix;
            return store.subscribe(() => {
              const next = store.getSnapshot().matrix;
              if (next === matrix) return;
              const before = matrix;
              matrix = next;
              if (!before || !next || before.organizations.length === 0 || next.organizations.length === 0)
                return refresh();
              refresh(changedClauses(summariesOf(before), summariesOf(next)));
            });
          },
        }),
      ];
    },
  });
}
