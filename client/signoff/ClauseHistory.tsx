/**
 * The history of positions on one clause, in the server's order, each with the clause hash it was bound to:
 * fetched when opened (the matrix carries current positions only), and again when the matrix version moves
 * while it is open.
 */
import { useEffect, useState } from "react";
import type { PositionHistoryDto, SignoffMatrixDto } from "../../shared/signoff";
import { absoluteTime, relativeTime } from "../ui/format";
import { api, errorMessage } from "../api";
import { excerpt } from "./Matrix";
import { quoted } from "./labels";

/** A collapsed list under the clause detail, loaded on first opening. */
export function ClauseHistory({ matrix, clauseId }: { matrix: SignoffMatrixDto; clauseId: string }) {
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<PositionHistoryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    api.signoffHistory(matrix.statementId, clauseId).then(
      (r) => live && (setEntries(r.history), setError(null)),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [open, matrix.statementId, clauseId, matrix.version]);
  const names = new Map(matrix.organizations.map((o) => [o.id, o.shortName]));
  return (
    <details className="signoff-history" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="small">History{entries ? ` (${entries.length})` : ""}</summary>
      {error && <p className="small error">{error}</p>}
      {entries && entries.length === 0 && <p className="small">No positions yet.</p>}
      <ul className="small">
        {(entries ?? []).map((h) => (
          <li key={h.id}>
            <span title={absoluteTime(h.at)}>{relativeTime(h.at)}</span>: {names.get(h.organizationId) ?? "?"}{" "}
            {h.position}
            {h.reason ? ` — ${quoted(excerpt(h.reason, 80))}` : ""} ({h.userName}, clause{" "}
            <code className="hash">{h.clauseHash.slice(0, 8)}</code>)
          </li>
        ))}
      </ul>
    </details>
  );
}
