/** The new-thread composer at the top of the Comments tab: where the thread goes, the quote, the text. */
import type { FormEvent } from "react";
import type { MemberDto } from "../../shared/api";
import type { CommentStore } from "./store";
import { ComposerFields } from "./ComposerFields";
import { useComposer } from "./useComposer";
import { CommentLabel, CommentTestId } from "./testids";

/** Writes the store's draft; submitting creates the thread, Escape or Cancel drops it. */
export function DraftComposer({
  store,
  members,
  clauseName,
  quote,
}: {
  store: CommentStore;
  members: readonly MemberDto[];
  clauseName: string;
  quote: string | null;
}) {
  const c = useComposer();
  async function onSubmit(e?: FormEvent) {
    e?.preventDefault();
    await c.submit((body) => store.submitDraft(body));
  }
  return (
    <form
      className="comment-card comment-draft"
      data-testid={CommentTestId.draft}
      onSubmit={onSubmit}
      aria-label={CommentLabel.newComment}
    >
      <p className="comment-draft-where">
        New comment on <strong>{clauseName}</strong>
      </p>
      {quote && <blockquote className="comment-quote">{quote}</blockquote>}
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
