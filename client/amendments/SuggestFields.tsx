/**
 * Proposing new wording, inside the new-comment composer (its "Suggest wording" mode): the words to replace (the
 * selection, or the whole clause), the new wording, prefilled with the current one, and the reason.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { AmendmentLimits } from "../../shared/amendments/schemas";
import { clauseText, findClause } from "../../shared/comments/anchors";
import type { AnchorInput } from "../../shared/comments/schemas";
import { errorMessage } from "../api";
import type { EditorPageContext } from "../editor/plugins";
import { amendmentStoreFor } from "./store";
import { AmendmentLabel, AmendmentTestId } from "./testids";

/** The current words a draft would replace: the quote, or the clause's whole text. */
function currentWords(ctx: EditorPageContext, clauseId: string, anchor: AnchorInput | null): string {
  if (anchor) return anchor.quote;
  const clause = findClause(ctx.ydoc, clauseId);
  return clause ? clauseText(clause.element).text : "";
}

/** See the module comment; `onDone` closes the composer after a proposal was made. */
export function SuggestFields(props: {
  ctx: EditorPageContext;
  clauseId: string;
  anchor: AnchorInput | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { ctx, clauseId, anchor, onDone, onCancel } = props;
  const [replacement, setReplacement] = useState(() => currentWords(ctx, clauseId, anchor).replace(/\s*\n\s*/g, " "));
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === "") {
      setError("Give a reason for the change.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await amendmentStoreFor(ctx).propose({
        clauseId,
        ...(anchor ? { anchor } : {}),
        replacement,
        reason: reason.trim(),
      });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="amendment-form" data-testid={AmendmentTestId.form} onSubmit={(e) => void onSubmit(e)}>
      <label className="amendment-field">
        {AmendmentLabel.replacement}
        <textarea
          className="comment-textarea"
          value={replacement}
          onChange={(e) => setReplacement(e.target.value.replace(/[\r\n]+/g, " "))}
          rows={3}
          autoFocus
          disabled={busy}
          aria-describedby={replacement.length > AmendmentLimits.replacementMax ? "amendment-too-long" : undefined}
          onKeyDown={(e) => {
            if (e.key === "Escape") onCancel();
          }}
        />
      </label>
      {replacement.length > AmendmentLimits.replacementMax && (
        <p id="amendment-too-long" className="field-error">
          New wording can have at most {AmendmentLimits.replacementMax.toLocaleString("en")} characters (
          {replacement.length.toLocaleString("en")} now).
        </p>
      )}
      <label className="amendment-field">
        {AmendmentLabel.reason}
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={AmendmentLimits.reasonMax}
          disabled={busy}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="comment-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
          {AmendmentLabel.propose}
        </button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
