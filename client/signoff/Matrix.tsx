/**
 * The sign-off matrix: clauses (rows) × participating organizations (columns, grouped by stakeholder group,
 * in the shared collation), each cell approve / object / abstain / stale / pending with a symbol (never colour
 * alone), per-clause totals at the end of each row and per-organization totals in the footer.
 *
 * An ARIA grid: one cell is in the tab order at a time (roving tabindex); arrow keys move between cells,
 * Home/End to the row's first/last cell, Ctrl+Home/End to the grid's first/last; Enter or Space on a cell
 * opens that organization's position on the clause, on a clause's header selects the clause. Every cell's
 * accessible name is a sentence ("CIRA approves clause 4, 2 days ago"). Headers stay in view while the grid
 * scrolls in both directions; cells are at least 28 px square; clause labels are plain-text excerpts.
 *
 * (client/signoff/open-clause.ts finds a clause's row as `tr[data-clause-id] button[aria-pressed]`: keep it.)
 */
import { Fragment, useId, useMemo, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { StakeholderGroupLabel } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { cellState, matrixTotals, positionIndex, positionKey } from "../../shared/signoff";
import type { SignoffMatrixDto, SignoffOrganization } from "../../shared/signoff";
import { CELL_SYMBOL, cellName } from "./labels";
import { clauseExcerpt, clausePlainText } from "./plain-text";
import { SignoffTestId } from "./testids";

/** Which clauses the matrix lists. */
export type MatrixFilter = "all" | "objections" | "stale";

/** Short stakeholder group labels for narrow column groups. */
const GROUP_SHORT: Record<StakeholderGroup, string> = {
  "technical-community": "Tech",
  "private-sector": "Private",
  "civil-society": "Civil",
  academia: "Acad.",
  government: "Gov.",
  intergovernmental: "IGO",
};

/** Organizations grouped by stakeholder group, groups in their usual order, signatory order inside. */
export function groupOrganizations(
  orgs: SignoffOrganization[],
): Array<{ group: StakeholderGroup; orgs: SignoffOrganization[] }> {
  const order = Object.keys(StakeholderGroupLabel) as StakeholderGroup[];
  return order
    .map((group) => ({ group, orgs: orgs.filter((o) => o.stakeholderGroup === group) }))
    .filter((g) => g.orgs.length > 0);
}

/** Clause excerpt for row titles, in plain text. */
export function excerpt(markdown: string, max = 90): string {
  return clauseExcerpt(markdown, max);
}

/** Where the roving focus is: a row of the listed clauses and a column (0 = clause, then organizations, totals). */
interface Spot {
  row: number;
  col: number;
}

export function SignoffMatrix({
  matrix,
  filter,
  selected,
  onSelect,
  onOpenCell,
  wide = false,
}: {
  matrix: SignoffMatrixDto;
  filter: MatrixFilter;
  selected: string | null;
  onSelect: (clauseId: string) => void;
  /** Opens one organization's position on a clause (Enter on a cell, or a click). */
  onOpenCell?: (clauseId: string, organizationId: string) => void;
  wide?: boolean;
}) {
  const groups = useMemo(() => groupOrganizations(matrix.organizations), [matrix.organizations]);
  const columns = useMemo(() => groups.flatMap((g) => g.orgs), [groups]);
  const index = useMemo(() => positionIndex(matrix.positions), [matrix.positions]);
  const totals = useMemo(() => matrixTotals(matrix), [matrix]);
  const [spot, setSpot] = useState<Spot>({ row: 0, col: 0 });
  const grid = useRef<HTMLTableElement>(null);
  const helpId = useId();
  const now = Date.now();
  const rows = matrix.clauses.filter((c) => {
    if (filter === "all") return true;
    return columns.some((o) => {
      const p = index.get(positionKey(c.clauseId, o.id));
      return filter === "objections" ? p?.position === "object" : p?.stale === true;
    });
  });

  if (matrix.clauses.length === 0) return <p className="muted small">The statement has no clauses yet.</p>;
  if (columns.length === 0) {
    return (
      <p className="muted small">
        No organization is expected to sign yet: add expected signatories, or members who represent an organization.
      </p>
    );
  }

  const lastCol = columns.length + 1;
  // The roving spot, kept inside the grid when rows are filtered away.
  const active: Spot = { row: Math.min(spot.row, Math.max(rows.length - 1, 0)), col: Math.min(spot.col, lastCol) };
  const tabIndexOf = (row: number, col: number) => (row === active.row && col === active.col ? 0 : -1);

  function focusSpot(next: Spot) {
    setSpot(next);
    const cell = grid.current?.querySelector<HTMLElement>(`[data-row="${next.row}"][data-col="${next.col}"]`);
    const target = cell?.querySelector<HTMLElement>("button") ?? cell;
    target?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    const cell = (e.target as HTMLElement).closest<HTMLElement>("[data-row][data-col]");
    if (!cell || rows.length === 0) return;
    const row = Number(cell.dataset.row);
    const col = Number(cell.dataset.col);
    const moves: Record<string, Spot | undefined> = {
      ArrowRight: { row, col: Math.min(col + 1, lastCol) },
      ArrowLeft: { row, col: Math.max(col - 1, 0) },
      ArrowDown: { row: Math.min(row + 1, rows.length - 1), col },
      ArrowUp: { row: Math.max(row - 1, 0), col },
      Home: e.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 },
      End: e.ctrlKey ? { row: rows.length - 1, col: lastCol } : { row, col: lastCol },
      PageDown: { row: Math.min(row + 10, rows.length - 1), col },
      PageUp: { row: Math.max(row - 10, 0), col },
    };
    const next = moves[e.key];
    if (next) {
      e.preventDefault();
      focusSpot(next);
      return;
    }
    if ((e.key === "Enter" || e.key === " ") && col >= 1 && col <= columns.length) {
      e.preventDefault();
      open(rows[row].clauseId, columns[col - 1].id);
    }
  }

  function open(clauseId: string, organizationId: string) {
    if (onOpenCell) onOpenCell(clauseId, organizationId);
    else onSelect(clauseId);
  }

  return (
    <div className={`signoff-matrix-wrap ${wide ? "signoff-matrix-wide" : ""}`}>
      <table
        ref={grid}
        role="grid"
        aria-label="Positions by clause and organization"
        aria-describedby={helpId}
        className="signoff-matrix"
        data-testid={SignoffTestId.matrix}
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr role="row" className="sm-group-row">
            <th rowSpan={2} className="sm-corner" scope="col" role="columnheader">
              Clause
            </th>
            {groups.map((g) => (
              <th
                key={g.group}
                colSpan={g.orgs.length}
                scope="colgroup"
                role="columnheader"
                className="sm-group"
                title={StakeholderGroupLabel[g.group]}
              >
                {wide || g.orgs.length > 3 ? StakeholderGroupLabel[g.group] : GROUP_SHORT[g.group]}
              </th>
            ))}
            <th
              rowSpan={2}
              scope="col"
              role="columnheader"
              className="sm-total-head"
              title="Approvals / objections / stale"
            >
              <span aria-hidden="true">Σ</span>
              <span className="visually-hidden">Totals</span>
            </th>
          </tr>
          <tr role="row" className="sm-org-row">
            {groups.map((g) => (
              <Fragment key={g.group}>
                {g.orgs.map((o, i) => (
                  <th
                    key={o.id}
                    scope="col"
                    role="columnheader"
                    className={`sm-org ${i === 0 ? "sm-group-start" : ""}`}
                    title={o.representatives === 0 ? `${o.name} — invited to sign, no member yet` : o.name}
                    data-org-id={o.id}
                  >
                    <span className="sm-org-name">
                      {wide ? o.name : o.shortName}
                      {o.representatives === 0 && (
                        <>
                          <span aria-hidden="true"> ○</span>
                          <span className="visually-hidden"> (invited, no member yet)</span>
                        </>
                      )}
                    </span>
                  </th>
                ))}
              </Fragment>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((c, r) => {
            const t = totals.byClause.get(c.clauseId)!;
            const n = c.index + 1;
            const plain = clausePlainText(c.markdown);
            return (
              <tr
                key={c.clauseId}
                role="row"
                className={selected === c.clauseId ? "sm-selected" : ""}
                data-clause-id={c.clauseId}
                aria-selected={selected === c.clauseId}
              >
                <th scope="row" role="rowheader" className="sm-clause" data-row={r} data-col={0} title={plain}>
                  <button
                    type="button"
                    className="sm-clause-button"
                    tabIndex={tabIndexOf(r, 0)}
                    onClick={() => onSelect(c.clauseId)}
                    onFocus={() => setSpot({ row: r, col: 0 })}
                    aria-pressed={selected === c.clauseId}
                  >
                    <span className="visually-hidden">Clause </span>
                    <span aria-hidden="true">§</span>
                    {n}
                  </button>
                  <span className="sm-excerpt">{clauseExcerpt(c.markdown, wide ? 80 : 40)}</span>
                </th>
                {groups.map((g) =>
                  g.orgs.map((o, i) => {
                    const p = index.get(positionKey(c.clauseId, o.id));
                    const state = cellState(p);
                    const col = columns.indexOf(o) + 1;
                    const name = cellName(o.shortName, n, p, now);
                    return (
                      <td
                        key={o.id}
                        role="gridcell"
                        className={`sm-cell cell-${state} ${i === 0 ? "sm-group-start" : ""}`}
                        data-testid={SignoffTestId.cell}
                        data-clause-id={c.clauseId}
                        data-org-id={o.id}
                        data-state={state}
                        data-row={r}
                        data-col={col}
                        tabIndex={tabIndexOf(r, col)}
                        aria-label={name}
                        title={p ? `${name} — ${p.userName}` : name}
                        onFocus={() => setSpot({ row: r, col })}
                        onClick={() => open(c.clauseId, o.id)}
                      >
                        <span aria-hidden="true">{CELL_SYMBOL[state]}</span>
                      </td>
                    );
                  }),
                )}
                <td
                  role="gridcell"
                  className="sm-total"
                  data-row={r}
                  data-col={lastCol}
                  tabIndex={tabIndexOf(r, lastCol)}
                  onFocus={() => setSpot({ row: r, col: lastCol })}
                >
                  <span aria-hidden="true">
                    <span className="t-approve">{t.approve}✓</span> <span className="t-object">{t.object}✗</span>
                    {t.stale > 0 && <span className="t-stale"> {t.stale}!</span>}
                  </span>
                  {/* Named by its content, not aria-label: a label must contain the visible "1✓ 0✗" (WCAG 2.5.3). */}
                  <span className="visually-hidden">
                    {`Clause ${n}: ${t.approve} approve, ${t.object} object, ${t.abstain} abstain, ${t.stale} stale, ${t.pending} pending`}
                  </span>
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr role="row">
              <td role="gridcell" colSpan={columns.length + 2} className="muted small sm-empty">
                No clause matches this filter.
              </td>
            </tr>
          )}
        </tbody>
        <tfoot>
          {(
            [
              ["approve", "✓", "approvals"],
              ["object", "✗", "objections"],
              ["stale", "!", "stale positions"],
            ] as const
          ).map(([state, symbol, words]) => (
            <tr key={state} role="row">
              <th scope="row" role="rowheader" className={`sm-clause sm-foot-head t-${state}`}>
                <span aria-hidden="true">{symbol} </span>
                {words}
              </th>
              {columns.map((o) => {
                const count = totals.byOrganization.get(o.id)![state];
                return (
                  <td
                    key={o.id}
                    role="gridcell"
                    className={`sm-foot t-${state}`}
                    aria-label={`${o.shortName}: ${count} ${words}`}
                  >
                    <span aria-hidden="true">{count > 0 || state === "approve" ? count : ""}</span>
                  </td>
                );
              })}
              <td role="gridcell" />
            </tr>
          ))}
        </tfoot>
      </table>
      <p className="visually-hidden" id={helpId}>
        Arrow keys move between cells, Home and End to the start and end of a row; Enter opens an organization's
        position on the clause.
      </p>
    </div>
  );
}
