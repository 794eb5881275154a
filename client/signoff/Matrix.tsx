/**
 * The sign-off matrix: clauses (rows) × organizations (columns, grouped by stakeholder group), each cell
 * approve / object / abstain / stale / pending, with per-clause totals at the end of each row and
 * per-organization totals in the footer. Cells are small squares with a symbol, so 15 organizations and
 * 30 clauses read at a glance; a click selects the clause (and shows who said what, when and why).
 */
import { Fragment, useMemo } from "react";
import { StakeholderGroupLabel } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { cellState, matrixTotals, positionIndex, positionKey } from "../../shared/signoff";
import type { SignoffMatrixDto, SignoffOrganization } from "../../shared/signoff";
import { CELL_LABEL, CELL_SYMBOL } from "./labels";
import { SignoffLabel, SignoffTestId } from "./testids";

/** Which clauses the matrix lists. */
export type MatrixFilter = "all" | "objections" | "stale";

/** Short stakeholder group labels for narrow column headers. */
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

/** Clause excerpt for row titles. */
export function excerpt(markdown: string, max = 90): string {
  const flat = markdown.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function SignoffMatrix({
  matrix,
  filter,
  selected,
  onSelect,
  wide = false,
}: {
  matrix: SignoffMatrixDto;
  filter: MatrixFilter;
  selected: string | null;
  onSelect: (clauseId: string) => void;
  wide?: boolean;
}) {
  const groups = useMemo(() => groupOrganizations(matrix.organizations), [matrix.organizations]);
  const columns = groups.flatMap((g) => g.orgs);
  const index = useMemo(() => positionIndex(matrix.positions), [matrix.positions]);
  const totals = useMemo(() => matrixTotals(matrix), [matrix]);
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
        No member represents an organization yet: add members with an organization to collect sign-offs.
      </p>
    );
  }

  return (
    <div className={`signoff-matrix-wrap ${wide ? "signoff-matrix-wide" : ""}`}>
      <table className="signoff-matrix" data-testid={SignoffTestId.matrix}>
        <thead>
          <tr>
            <th rowSpan={2} className="sm-corner" scope="col">
              <span className="visually-hidden">Clause</span>
            </th>
            {groups.map((g) => (
              <th
                key={g.group}
                colSpan={g.orgs.length}
                scope="colgroup"
                className="sm-group"
                title={StakeholderGroupLabel[g.group]}
              >
                {wide || g.orgs.length > 4 ? StakeholderGroupLabel[g.group] : GROUP_SHORT[g.group]}
              </th>
            ))}
            <th rowSpan={2} scope="col" className="sm-total-head" title="Approvals / objections / stale, per clause">
              Σ
            </th>
          </tr>
          <tr>
            {groups.map((g) => (
              <Fragment key={g.group}>
                {g.orgs.map((o, i) => (
                  <th key={o.id} scope="col" className={`sm-org ${i === 0 ? "sm-group-start" : ""}`} title={o.name}>
                    <span className="sm-org-name">{wide ? o.name : o.shortName}</span>
                  </th>
                ))}
              </Fragment>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const t = totals.byClause.get(c.clauseId)!;
            return (
              <tr key={c.clauseId} className={selected === c.clauseId ? "sm-selected" : ""} data-clause-id={c.clauseId}>
                <th scope="row" className="sm-clause">
                  <button
                    type="button"
                    className="sm-clause-button"
                    onClick={() => onSelect(c.clauseId)}
                    title={excerpt(c.markdown, 200)}
                    aria-label={SignoffLabel.clause(c.index + 1)}
                    aria-pressed={selected === c.clauseId}
                  >
                    §{c.index + 1}
                    {wide && <span className="sm-excerpt">{excerpt(c.markdown, 60)}</span>}
                  </button>
                </th>
                {groups.map((g) =>
                  g.orgs.map((o, i) => {
                    const p = index.get(positionKey(c.clauseId, o.id));
                    const state = cellState(p);
                    const title = p
                      ? `${o.name} ${CELL_LABEL[state]}${p.stale ? ` (was: ${p.position})` : ""} — ${p.userName}, ${new Date(p.at).toLocaleString()}${p.reason ? ` — “${p.reason}”` : ""}`
                      : `${o.name}: pending`;
                    return (
                      <td
                        key={o.id}
                        className={`sm-cell cell-${state} ${i === 0 ? "sm-group-start" : ""}`}
                        data-testid={SignoffTestId.cell}
                        data-clause-id={c.clauseId}
                        data-org-id={o.id}
                        data-state={state}
                        title={title}
                        onClick={() => onSelect(c.clauseId)}
                      >
                        <span aria-label={title}>{CELL_SYMBOL[state]}</span>
                      </td>
                    );
                  }),
                )}
                <td
                  className="sm-total"
                  title={`${t.approve} approve, ${t.object} object, ${t.abstain} abstain, ${t.stale} stale, ${t.pending} pending`}
                >
                  <span className="t-approve">{t.approve}</span>/<span className="t-object">{t.object}</span>
                  {t.stale > 0 && <span className="t-stale">/{t.stale}!</span>}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length + 2} className="muted small sm-empty">
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
            <tr key={state}>
              <th scope="row" className={`sm-clause sm-foot-head t-${state}`} title={`${words} per organization`}>
                {symbol}
              </th>
              {columns.map((o) => {
                const n = totals.byOrganization.get(o.id)![state];
                return (
                  <td key={o.id} className={`sm-foot t-${state}`} title={`${o.name}: ${n} ${words}`}>
                    {n > 0 || state === "approve" ? n : ""}
                  </td>
                );
              })}
              <td />
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}
