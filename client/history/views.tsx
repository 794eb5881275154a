/**
 * What the History tab shows below its list: a version opened read-only, the clause-aware diff between two
 * texts, "changes since my organization signed / since its positions", and "who wrote this". Each view loads
 * its own data and says so while it does; changes are told in words as well as in colour (added, removed…).
 */
import type { ReactNode } from "react";
import { useState } from "react";
import { api } from "../api";
import type { DiffPart } from "../../shared/diff";
import { colorForUser } from "../../shared/colors";
import type { AttributionDto, ClauseChange, VersionDiffDto } from "../../shared/history";
import { HistoryTestId } from "./testids";
import { useLoad } from "./useLoad";
import type { Loaded } from "./useLoad";
import { plural, pluralNoun } from "../../shared/plural";

/** Loading and error states around a loaded view. */
function Loading<T>({ state, label, children }: { state: Loaded<T>; label: string; children: (data: T) => ReactNode }) {
  if (state.status === "error")
    return (
      <p className="form-error" role="alert">
        {state.message}
      </p>
    );
  if (state.data === null)
    return (
      <p className="muted" role="status">
        {label}
      </p>
    );
  return <>{children(state.data)}</>;
}

/** A word diff, inline: removed words struck through, added words underlined (with words for screen readers). */
export function WordDiff({ parts }: { parts: DiffPart[] }) {
  return (
    <p className="history-words" data-testid={HistoryTestId.wordDiff}>
      {parts.map((p, i) =>
        p.op === "equal" ? (
          <span key={i}>{p.text}</span>
        ) : p.op === "delete" ? (
          <del key={i} title="removed">
            <span className="visually-hidden">[removed: </span>
            {p.text}
            <span className="visually-hidden">]</span>
          </del>
        ) : (
          <ins key={i} title="added">
            <span className="visually-hidden">[added: </span>
            {p.text}
            <span className="visually-hidden">]</span>
          </ins>
        ),
      )}
    </p>
  );
}

const STATUS_LABEL: Record<ClauseChange["status"], string> = {
  added: "Added",
  removed: "Removed",
  changed: "Changed",
  moved: "Moved",
};

/** The clauses that differ between two texts, each with its word diff. */
export function ClauseDiffList({ diff }: { diff: VersionDiffDto }) {
  return (
    <div className="history-diff" data-testid={HistoryTestId.diff}>
      <p className="small">
        From <strong>{diff.from.label}</strong> to <strong>{diff.to.label}</strong>:{" "}
        {diff.changes.length === 0
          ? "no clause changed."
          : `${plural(diff.changes.length, "clause")} ${pluralNoun(diff.changes.length, "differs", "differ")}, ${diff.unchanged} unchanged.`}
      </p>
      <ol className="history-changes">
        {diff.changes.map((c) => (
          <li
            key={`${c.clauseId}:${c.status}`}
            className={`history-change history-change-${c.status}`}
            data-testid={HistoryTestId.change}
            data-clause-id={c.clauseId}
            data-status={c.status}
          >
            <p className="history-change-head small">
              <span className="history-status">{STATUS_LABEL[c.status]}</span>
              {c.moved && c.status === "changed" && <span className="history-status">Moved</span>}
              <span className="muted">
                {c.afterIndex !== null ? `clause ${c.afterIndex + 1}` : `was clause ${(c.beforeIndex ?? 0) + 1}`}
                {c.moved && c.beforeIndex !== null ? ` (was ${c.beforeIndex + 1})` : ""}
              </span>
            </p>
            {c.status === "moved" ? <p className="history-words">{c.after}</p> : <WordDiff parts={c.diff} />}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A version opened read-only: its canonical text, clause by clause. */
export function VersionText({ statementId, versionId }: { statementId: string; versionId: number }) {
  const state = useLoad(() => api.historyVersion(statementId, versionId), `${versionId}`);
  return (
    <Loading state={state} label="Opening the version…">
      {({ version }) => (
        <article className="history-version-text" data-testid={HistoryTestId.versionText} data-version-id={version.id}>
          <p className="small muted">
            Read-only · {version.clauses.length} clauses · SHA-256 <code className="history-hash">{version.hash}</code>
          </p>
          {version.clauses.length === 0 && <p className="muted">This version has no text.</p>}
          {version.clauses.map((c) => (
            <p key={c.clauseId} className="history-clause">
              {c.markdown}
            </p>
          ))}
        </article>
      )}
    </Loading>
  );
}

/** The clause-aware diff between two sides. */
export function DiffBetween({
  statementId,
  from,
  to,
}: {
  statementId: string;
  from: number | "current";
  to: number | "current";
}) {
  const state = useLoad(() => api.historyDiff(statementId, from, to), `${from}:${to}`);
  return (
    <Loading state={state} label="Comparing…">
      {({ diff }) => <ClauseDiffList diff={diff} />}
    </Loading>
  );
}

/** "Changes since my organization signed". */
export function SinceSignature({ statementId }: { statementId: string }) {
  const state = useLoad(() => api.historySinceSignature(statementId), "since-signature");
  return (
    <Loading state={state} label="Looking up your organization's signature…">
      {({ diff }) =>
        diff ? (
          <ClauseDiffList diff={diff} />
        ) : (
          <p className="muted">Your organization has not signed this statement yet.</p>
        )
      }
    </Loading>
  );
}

/** "Changes since my organization's positions": each clause whose text changed since the position was given. */
export function SincePositions({ statementId }: { statementId: string }) {
  const state = useLoad(() => api.historySincePositions(statementId), "since-positions");
  return (
    <Loading state={state} label="Looking up your organization's positions…">
      {({ changes }) => (
        <div data-testid={HistoryTestId.positionChanges}>
          {changes.length === 0 ? (
            <p className="muted">No clause changed since your organization gave its position on it.</p>
          ) : (
            <ol className="history-changes">
              {changes.map((c) => (
                <li
                  key={c.clauseId}
                  className="history-change history-change-changed"
                  data-testid={HistoryTestId.positionChange}
                  data-clause-id={c.clauseId}
                >
                  <p className="history-change-head small">
                    <span className="history-status">{c.after === null ? "Removed" : "Changed"}</span>
                    <span className="muted">
                      since {c.userName}&apos;s {c.position} on {new Date(c.at).toLocaleString()}
                    </span>
                  </p>
                  <WordDiff parts={c.diff} />
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Loading>
  );
}

/** Colours by organization (or person), stable per id. */
function colourOf(by: "organization" | "person", a: AttributionDto["authors"][number]): string {
  const key = by === "person" ? (a.userId ?? "unknown") : (a.organizationId ?? `none:${a.userId ?? "unknown"}`);
  return colorForUser(key);
}

function nameOf(by: "organization" | "person", a: AttributionDto["authors"][number]): string {
  if (by === "person") return a.organizationName ? `${a.userName} (${a.organizationName})` : a.userName;
  return a.organizationName ?? (a.userId ? `${a.userName} (no organization)` : "Unknown");
}

/** "Who wrote this": the text coloured by organization or person, with a legend and each clause's contributors. */
export function WhoWrote({ statementId, versionId }: { statementId: string; versionId: number | "current" }) {
  const [by, setBy] = useState<"organization" | "person">("organization");
  const state = useLoad(() => api.historyAttribution(statementId, versionId), `${versionId}`);
  return (
    <Loading state={state} label="Reading who wrote what…">
      {({ attribution }) => {
        const legend = new Map<string, { name: string; colour: string }>();
        for (const a of attribution.authors)
          legend.set(nameOf(by, a), { name: nameOf(by, a), colour: colourOf(by, a) });
        const orgName = new Map(attribution.authors.map((a) => [a.organizationId, nameOf("organization", a)]));
        return (
          <div className="history-attribution" data-testid={HistoryTestId.attribution}>
            <fieldset className="history-by">
              <legend className="small">Colour by</legend>
              {(["organization", "person"] as const).map((k) => (
                <label key={k} className="small">
                  <input type="radio" name="history-by" checked={by === k} onChange={() => setBy(k)} />{" "}
                  {k === "organization" ? "Organization" : "Person"}
                </label>
              ))}
            </fieldset>
            <ul className="history-legend" data-testid={HistoryTestId.legend} aria-label="Legend">
              {[...legend.values()].map((l) => (
                <li key={l.name}>
                  <span className="history-swatch" style={{ background: l.colour }} aria-hidden="true" /> {l.name}
                </li>
              ))}
            </ul>
            {attribution.clauses.map((c, i) => (
              <div key={c.clauseId} className="history-attributed" data-clause-id={c.clauseId}>
                <p className="small muted">
                  Clause {i + 1} · written by {c.contributors.map((o) => orgName.get(o) ?? "Unknown").join(", ")}
                </p>
                <p className="history-words">
                  {c.runs.map((r, k) => {
                    const a = attribution.authors[r.author];
                    if (!a) return <span key={k}>{r.text}</span>;
                    // Who wrote it, in words too (for screen readers), where the author changes.
                    const changes = k === 0 || c.runs[k - 1].author !== r.author;
                    return (
                      <span
                        key={k}
                        className="history-run"
                        data-testid={HistoryTestId.run}
                        data-org-id={a.organizationId ?? ""}
                        title={`Written by ${nameOf("person", a)}`}
                        style={{ borderColor: colourOf(by, a), background: `${colourOf(by, a)}1f` }}
                      >
                        {changes && <span className="visually-hidden">({nameOf(by, a)}) </span>}
                        {r.text}
                      </span>
                    );
                  })}
                </p>
              </div>
            ))}
          </div>
        );
      }}
    </Loading>
  );
}

/** The convener's summary per organization: clauses touched and words of the current text written. */
export function OrganizationSummary({ statementId }: { statementId: string }) {
  const state = useLoad(() => api.historySummary(statementId), "summary");
  return (
    <Loading state={state} label="Counting…">
      {({ organizations }) => (
        <table className="history-summary" data-testid={HistoryTestId.summary}>
          <caption className="small">Contributions per organization (current text)</caption>
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Clauses touched</th>
              <th scope="col">Words written</th>
            </tr>
          </thead>
          <tbody>
            {organizations.map((o) => (
              <tr key={o.organizationId ?? "none"}>
                <th scope="row">{o.organizationName ?? "No organization"}</th>
                <td>{o.clausesTouched}</td>
                <td>{o.wordsWritten}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loading>
  );
}
