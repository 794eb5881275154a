/** The controls above the sign-off matrix: the clause filter chips and the legend of cell states. */
import type { MatrixFilter } from "./Matrix";
import { CELL_LABEL, CELL_SYMBOL } from "./labels";

/** The clause filter of the matrix, as toggle chips. */
export function FilterChips(props: {
  label: string;
  filters: Array<[MatrixFilter, string]>;
  value: MatrixFilter;
  onChange: (f: MatrixFilter) => void;
}) {
  return (
    <div className="signoff-filters" role="group" aria-label={props.label}>
      {props.filters.map(([f, label]) => (
        <button
          key={f}
          type="button"
          className={`chip-button ${props.value === f ? "chip-active" : ""}`}
          aria-pressed={props.value === f}
          onClick={() => props.onChange(f)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** What each cell symbol and colour means. */
export function Legend() {
  const states = ["approve", "object", "abstain", "stale", "pending"] as const;
  return (
    <p className="signoff-legend small" aria-hidden="true">
      {states.map((s) => (
        <span key={s}>
          <span className={`sm-swatch cell-${s}`}>{CELL_SYMBOL[s]}</span> {CELL_LABEL[s]}
        </span>
      ))}
    </p>
  );
}
