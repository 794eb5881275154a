/**
 * The new-thread composer at the top of the Comments tab: where the thread goes, the quote, the text. Those who
 * may propose amendments switch it to "Suggest wording" to propose new wording for the same words instead
 * (client/amendments/SuggestFields.tsx).
 */
import { useState } from "react";
import type { FormEvent } from "react";
import type { MemberDto } from "../../shared/api";
import { AmendmentPolicy } from "../../shared/amendments/schemas";
import type { EditorPageContext } from "../editor/plugins";
import { SuggestFields } from "../amendments/SuggestFields";
import { AmendmentLabel } from "../amendments/testids";
import type { CommentStore } from "./store";
import { ComposerFields } from "./ComposerFields";
import { useComposer } from "./useComposer";
import { CommentLabel, CommentTestId } from "./testids";

/** Writes the store's draft; submitting creates the thread (or the suggestion), Escape or Cancel drops it. */
export function DraftComposer({
  ctx,
  store,
  members,
  clauseName,
  quote,
}: {
  ctx: EditorPageContext;
  store: CommentStore;
  members: readonly MemberDto[];
  clauseName: string;
  quote: string | null;
}) {
  const c = useComposer();
  const [mode, setMode] = useState<"comment" | "suggest">("comment");
  const draft = store.getSnapshot().draft;
  const canSuggest = AmendmentPolicy.canPropose(ctx.detail.me.role, ctx.detail.statement.phase);
  async function onSubmit(e?: FormEvent) {
    e?.preventDefault();
    await c.submit((body) => store.submitDraft(body));
  }
  const modes = canSuggest && (
    <div className="composer-modes" role="group" aria-label="What to write">
      {(["comment", "suggest"] as const).map((m) => (
        <button
          key={m}
          type="button"
          className="btn btn-secondary btn-sm"
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
        >
          {m === "comment" ? AmendmentLabel.modeComment : AmendmentLabel.modeSuggest}
        </button>
      ))}
    </div>
  );
  const where = (
    <>
      <p className="comment-draft-where">
        {mode === "comment" ? "New comment" : "New wording"} on <strong>{clauseName}</strong>
      </p>
      {quote && <blockquote className="comment-quote">{quote}</blockquote>}
    </>
  );
  if (mode === "suggest" && draft) {
    return (
      <div className="comment-card comment-draft" data-testid={CommentTestId.draft}>
        {modes}
        {where}
        <SuggestFields
          ctx={ctx}
          clauseId={draft.clauseId}
          anchor={draft.anchor}
          onDone={() => store.cancelDraft()}
          onCancel={() => store.cancelDraft()}
        />
      </div>
    );
  }
  return (
    <form
      className="comment-card comment-draft"
      data-testid={CommentTestId.draft}
      onSubmit={onSubmit}
      aria-label={CommentLabel.newComment}
    >
      {modes}
      {where}
      <ComposerFields
        composer={c}
        label={CommentLabel.newComment}
        members={members}
        submitLabel={CommentLabel.submitComment}
        onSubmit={() => void onSubmit()}
        onCancel={() => store.cancelDraft()}
        placeholder="Comment, or @mention a member…"
      />
    </form>
  );
}
