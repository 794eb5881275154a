/** A word-level diff, inline: removed words struck through, added words underlined. */
import type { DiffPart } from "../../shared/diff";
import { SignoffTestId } from "./testids";

/** Renders the parts of `diffWords(before, after)`. */
export function DiffView({ parts, label = "Changes since" }: { parts: DiffPart[]; label?: string }) {
  return (
    <div className="signoff-diff" data-testid={SignoffTestId.diff} aria-label={label}>
      {parts.map((p, i) =>
        p.op === "equal" ? (
          <span key={i}>{p.text}</span>
        ) : p.op === "delete" ? (
          <del key={i} title="removed">
            {p.text}
          </del>
        ) : (
          <ins key={i} title="added">
            {p.text}
          </ins>
        ),
      )}
    </div>
  );
}
