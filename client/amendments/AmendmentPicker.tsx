/**
 * In the sign-off panel's position form: "approve (or object, abstain) if amended as proposed" — picks one of the
 * clause's open suggestions for the position to reference, or none (a position on the text as it stands).
 */
import { useEffect, useId, useState } from "react";
import type { AmendmentDto } from "../../shared/amendments/schemas";
import { api } from "../api";

/** Renders nothing when the clause has no open suggestion. */
export function AmendmentPicker(props: {
  statementId: string;
  clauseId: string;
  value: string;
  onChange: (amendmentId: string) => void;
}) {
  const { statementId, clauseId, value, onChange } = props;
  const id = useId();
  const [open, setOpen] = useState<AmendmentDto[]>([]);
  useEffect(() => {
    let live = true;
    api.amendments(statementId).then(
      ({ amendments }) => {
        if (live) setOpen(amendments.filter((a) => a.clauseId === clauseId && a.status === "open"));
      },
      // Without the list, positions are simply given on the text as it stands.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [statementId, clauseId]);
  if (open.length === 0) return null;
  return (
    <label className="field" htmlFor={id}>
      <span>Conditional on a suggestion</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">No — on the text as it stands</option>
        {open.map((a) => (
          <option key={a.id} value={a.id}>
            If amended as proposed: “{a.target.quote}” → “{a.replacement}” ({a.proposer.name})
          </option>
        ))}
      </select>
    </label>
  );
}
