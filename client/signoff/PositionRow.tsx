/** One organization's position on a clause: its state, who gave it when, the reason, and the diff once stale. */
import { useEffect, useRef } from "react";
import type { PositionDto, SignoffOrganization } from "../../shared/signoff";
import { cellState } from "../../shared/signoff";
import { absoluteTime, relativeTime } from "../ui/format";
import { DiffView } from "./DiffView";
import { CELL_LABEL, CELL_SYMBOL, quoted } from "./labels";

/** A row of the clause detail's list; `p` is undefined while the organization has given no position. */
export function PositionRow({
  org,
  p,
  focusRequest,
}: {
  org: SignoffOrganization;
  p: PositionDto | undefined;
  /** Set when the row was opened from its matrix cell: highlighted, and focused once per new value. */
  focusRequest?: number;
}) {
  const state = cellState(p);
  const focused = focusRequest !== undefined;
  const row = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focusRequest === undefined || !row.current) return;
    row.current.focus();
    row.current.scrollIntoView({ block: "nearest" });
  }, [focusRequest]);
  return (
    <li
      className={`signoff-position ${focused ? "signoff-position-focused" : ""}`}
      data-org-id={org.id}
      data-state={state}
      tabIndex={focused ? -1 : undefined}
      ref={row}
    >
      <span className={`sm-swatch cell-${state}`} aria-hidden="true">
        {CELL_SYMBOL[state]}
      </span>{" "}
      <strong>{org.shortName}</strong> {CELL_LABEL[state]}
      {p && (
        <>
          {p.stale && <> (was: {p.position})</>}
          <span className="muted small">
            {" "}
            — {p.userName}, <span title={absoluteTime(p.at)}>{relativeTime(p.at)}</span>
          </span>
          {p.reason && <p className="signoff-reason">{quoted(p.reason)}</p>}
          {p.stale && p.diff && <DiffView parts={p.diff} label={`Changes since ${org.shortName} gave its position`} />}
          {p.removed && <p className="small muted">The clause was removed from the text.</p>}
        </>
      )}
    </li>
  );
}
