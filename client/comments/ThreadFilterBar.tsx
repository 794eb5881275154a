/** The Comments tab's toolbar: the filter (open, resolved, mine, mentions me, by organization) and the hint. */
import type { OrganizationDto } from "../../shared/api";
import type { ThreadFilter } from "../../shared/comments/lists";
import { CommentLabel } from "./testids";

function filterValue(f: ThreadFilter): string {
  return f.kind === "organization" ? `org:${f.organizationId}` : f.kind;
}

function parseFilter(v: string): ThreadFilter {
  if (v.startsWith("org:")) return { kind: "organization", organizationId: v.slice(4) };
  if (v === "resolved" || v === "mine" || v === "mentions") return { kind: v };
  return { kind: "open" };
}

/** The filter select, with the open and resolved counts; `canComment` adds the how-to-comment hint. */
export function ThreadFilterBar({
  filter,
  onChange,
  counts,
  orgs,
  canComment,
}: {
  filter: ThreadFilter;
  onChange: (filter: ThreadFilter) => void;
  counts: { open: number; resolved: number };
  orgs: readonly OrganizationDto[];
  canComment: boolean;
}) {
  return (
    <div className="comments-toolbar">
      <label className="comments-filter">
        <span>{CommentLabel.filter}</span>
        <select
          aria-label={CommentLabel.filter}
          value={filterValue(filter)}
          onChange={(e) => onChange(parseFilter(e.target.value))}
        >
          <option value="open">Open ({counts.open})</option>
          <option value="resolved">Resolved ({counts.resolved})</option>
          <option value="mine">Mine</option>
          <option value="mentions">Mentions me</option>
          {orgs.length > 0 && (
            <optgroup label="By organization">
              {orgs.map((o) => (
                <option key={o.id} value={`org:${o.id}`}>
                  {o.shortName}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {canComment && <span className="muted comments-hint">Select text and press Ctrl+Alt+M to comment.</span>}
    </div>
  );
}
