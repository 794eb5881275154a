/** The history of positions on one clause, in the server's order, each with the clause hash it was bound to. */
import type { SignoffMatrixDto } from "../../shared/signoff";
import { absoluteTime, relativeTime } from "../ui/format";
import { excerpt } from "./Matrix";

/** A collapsed list under the clause detail; nothing when the clause has no history. */
export function ClauseHistory({ matrix, clauseId }: { matrix: SignoffMatrixDto; clauseId: string }) {
  const entries = matrix.history.filter((h) => h.clauseId === clauseId);
  if (entries.length === 0) return null;
  const names = new Map(matrix.organizations.map((o) => [o.id, o.shortName]));
  return (
    <details className="signoff-history">
      <summary className="small">History ({entries.length})</summary>
      <ul className="small">
        {entries.map((h) => (
          <li key={h.id}>
            <span title={absoluteTime(h.at)}>{relativeTime(h.at)}</span>: {names.get(h.organizationId) ?? "?"} {h.position}
            {h.reason ? ` — “${excerpt(h.reason, 80)}”` : ""} ({h.userName}, clause <code className="hash">{h.clauseHash.slice(0, 8)}</code>)
          </li>
        ))}
      </ul>
    </details>
  );
}
