/** The audit log section of the Sign-off tab. */
import { useState } from "react";
import type { AuditEntryDto } from "../../shared/api";
import { api, auditCsvUrl, errorMessage } from "../api";
import { absoluteTime, relativeTime } from "../ui/format";
import { excerpt } from "./Matrix";
import { SignoffLabel } from "./testids";
import { quoted } from "./labels";

/** The statement's audit log (memberships, positions, signatures, lock, unlock), loaded when opened; and its CSV. */
export function AuditLog({ statementId }: { statementId: string }) {
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="signoff-section" aria-label="Audit log">
      <details
        className="signoff-history"
        onToggle={(e) => {
          if ((e.currentTarget as HTMLDetailsElement).open) {
            api.audit(statementId).then(
              (r) => setEntries(r.entries),
              (err) => setError(errorMessage(err)),
            );
          }
        }}
      >
        <summary className="small">Audit log</summary>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {entries && (
          <ul className="small signoff-audit">
            {entries.map((e) => (
              <li key={e.id}>
                <span title={absoluteTime(e.at)}>{relativeTime(e.at)}</span> · {e.actorName ?? "system"} ·{" "}
                <strong>{e.action}</strong>
                {typeof e.detail.position === "string" ? ` ${e.detail.position}` : ""}
                {typeof e.detail.clauseNumber === "number" ? ` (clause ${e.detail.clauseNumber})` : ""}
                {typeof e.detail.reason === "string" && e.detail.reason
                  ? ` — ${quoted(excerpt(e.detail.reason, 80))}`
                  : ""}
                {e.hash && (
                  <>
                    {" "}
                    <code className="hash" title={e.hash}>
                      {e.hash.slice(0, 10)}
                    </code>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </details>
      <p className="small">
        <a href={auditCsvUrl(statementId)} download>
          {SignoffLabel.auditCsv}
        </a>
      </p>
    </section>
  );
}
