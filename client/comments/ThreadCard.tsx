/**
 * One thread in the Comments tab: its quote as the local document has it now (intact, edited or removed), its
 * comments, the reply box and resolve / reopen, each shown only to those the policy allows.
 */
import { useEffect, useRef, useState } from "react";
import type { OrganizationDto } from "../../shared/api";
import { CommentPolicy } from "../../shared/comments/policy";
import { resolvePlacement } from "../../shared/comments/anchors";
import type { ThreadDto } from "../../shared/comments/schemas";
import { errorMessage } from "../api";
import type { EditorPageContext } from "../editor/plugins";
import { absoluteTime } from "../ui/format";
import type { CommentStore } from "./store";
import { CommentItem } from "./CommentItem";
import { MentionTextarea } from "./MentionTextarea";
import { useComposer } from "./useComposer";
import { CommentLabel, CommentTestId } from "./testids";

/** A thread card; hovering or focusing it lights its words up in the editor (through the store). */
export function ThreadCard(props: {
  thread: ThreadDto;
  ctx: EditorPageContext;
  store: CommentStore;
  memberNames: ReadonlyMap<string, string>;
  orgs: readonly OrganizationDto[];
  active: boolean;
  selected: boolean;
  removedClause?: boolean;
}) {
  const { thread, ctx, store, memberNames, orgs, active, selected, removedClause } = props;
  const me = ctx.detail.me;
  const ref = useRef<HTMLElement>(null);
  const reply = useComposer();
  const [error, setError] = useState<string | null>(null);
  // The quote's state in the document as this client has it now (the server's view may lag behind).
  const live = thread.anchor && !removedClause ? resolvePlacement(ctx.ydoc, thread) : null;
  const quoteState =
    live && live.kind === "range" ? live.quote : thread.placement.kind === "range" ? thread.placement.quote : "removed";

  // "New" stays while the thread is selected: selecting marks it read, and if the badge vanished at once the
  // card would shrink between a button's mousedown and mouseup, so the click that selected it would be lost.
  const [showNew, setShowNew] = useState(thread.unread);
  useEffect(() => {
    if (thread.unread) setShowNew(true);
    else if (!selected) setShowNew(false);
  }, [thread.unread, selected]);

  useEffect(() => {
    if (selected && ref.current && !ref.current.contains(document.activeElement)) {
      ref.current.scrollIntoView({ block: "nearest" });
    }
  }, [selected]);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const canResolve = CommentPolicy.canResolve(me.role, me.userId, { authorId: thread.author.id });
  const canReply = CommentPolicy.canReply(me.role, thread);

  return (
    <article
      ref={ref}
      className={`comment-card comment-thread${active ? " comment-thread-active" : ""}${thread.status === "resolved" ? " comment-thread-resolved" : ""}`}
      data-testid={CommentTestId.thread}
      data-thread-id={thread.id}
      data-status={thread.status}
      data-unread={thread.unread}
      data-active={active}
      data-placement={removedClause ? "removed" : thread.placement.kind}
      tabIndex={0}
      aria-label={`Thread by ${thread.author.name}${thread.unread ? ", new replies" : ""}${thread.status === "resolved" ? ", resolved" : ""}`}
      onMouseEnter={() => store.setHovered(thread.id)}
      onMouseLeave={() => store.setHovered(null)}
      onFocus={() => store.select(thread.id)}
      onClick={() => store.select(thread.id)}
    >
      <header className="comment-thread-head">
        {showNew && (
          <span className="comment-unread" title="New replies since you last opened this thread">
            New
          </span>
        )}
        {thread.status === "resolved" && thread.resolved && (
          <span className="badge badge-success" title={absoluteTime(thread.resolved.at)}>
            Resolved by {thread.resolved.by.name}
          </span>
        )}
      </header>
      {thread.anchor && (
        <blockquote
          className={`comment-quote comment-quote-${quoteState}`}
          data-testid={CommentTestId.quote}
          data-quote={quoteState}
        >
          {quoteState === "removed" ? (
            <>
              <del>{thread.anchor.quote}</del>
              <span className="comment-quote-note"> (text removed)</span>
            </>
          ) : (
            <>
              {thread.anchor.quote}
              {quoteState === "edited" && <span className="comment-quote-note"> (text changed since)</span>}
            </>
          )}
        </blockquote>
      )}
      <ol className="comment-list">
        {thread.comments.map((c) => (
          <CommentItem
            key={c.id}
            comment={c}
            role={me.role}
            userId={me.userId}
            store={store}
            memberNames={memberNames}
            orgs={orgs}
            members={ctx.detail.members}
            onError={setError}
          />
        ))}
      </ol>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="comment-thread-foot">
        {canReply && (
          <form
            className="comment-reply"
            onSubmit={(e) => {
              e.preventDefault();
              void reply.submit((body) => store.reply(thread.id, body));
            }}
          >
            <MentionTextarea
              label={`${CommentLabel.reply} to ${thread.author.name}`}
              value={reply.text}
              onChange={reply.setText}
              onPick={reply.pick}
              members={ctx.detail.members}
              onSubmit={() => void reply.submit((body) => store.reply(thread.id, body))}
              placeholder="Reply…"
              disabled={reply.busy}
            />
            {reply.text.trim() !== "" && (
              <button type="submit" className="btn btn-primary btn-sm" disabled={reply.busy}>
                {CommentLabel.submitReply}
              </button>
            )}
            {reply.error && (
              <p className="field-error" role="alert">
                {reply.error}
              </p>
            )}
          </form>
        )}
        {canResolve && (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={(e) => {
              e.stopPropagation();
              void run(() => store.setStatus(thread.id, thread.status === "open" ? "resolved" : "open"));
            }}
          >
            {thread.status === "open" ? CommentLabel.resolve : CommentLabel.reopen}
          </button>
        )}
      </div>
    </article>
  );
}
