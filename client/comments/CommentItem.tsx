/**
 * One comment of a thread: author, organization and time, its body (or the trace a deletion or a hide left), and
 * edit / delete / hide for those the policy allows.
 */
import { useMemo, useState } from "react";
import type { ReactNode } from "react";
import type { MemberDto, OrganizationDto } from "../../shared/api";
import { colorForUser } from "../../shared/colors";
import { CommentLimits } from "../../shared/comments/schemas";
import type { CommentDto } from "../../shared/comments/schemas";
import { CommentPolicy } from "../../shared/comments/policy";
import type { Role } from "../../shared/roles";
import { errorMessage } from "../api";
import { Avatar } from "../ui/Avatar";
import { absoluteTime, relativeTime } from "../ui/format";
import type { CommentStore } from "./store";
import { CommentBody } from "./CommentBody";
import { ComposerFields } from "./ComposerFields";
import { toEditable } from "./mentions";
import { useComposer } from "./useComposer";
import { CommentLabel, CommentTestId } from "./testids";

/** A comment in a thread card; errors of its actions go to the card (`onError`). */
export function CommentItem(props: {
  comment: CommentDto;
  role: Role;
  userId: string;
  store: CommentStore;
  memberNames: ReadonlyMap<string, string>;
  orgs: readonly OrganizationDto[];
  members: readonly MemberDto[];
  onError: (message: string | null) => void;
}) {
  const { comment: c, role, userId, store, memberNames, orgs, members, onError } = props;
  const [mode, setMode] = useState<"view" | "edit" | "confirmDelete" | "hide">("view");
  const editable = useMemo(() => (c.content.kind === "visible" ? toEditable(c.content.body) : null), [c.content]);
  const edit = useComposer(editable?.text ?? "", editable?.picked);
  const [reason, setReason] = useState("");
  const org = c.author.organizationId ? orgs.find((o) => o.id === c.author.organizationId) : undefined;
  const state = { authorId: c.author.id, state: c.content.kind };

  async function run(action: () => Promise<unknown>) {
    onError(null);
    try {
      await action();
      setMode("view");
    } catch (err) {
      onError(errorMessage(err));
    }
  }

  let body: ReactNode;
  if (c.content.kind === "deleted") {
    body = <p className="comment-trace">Comment deleted by its author.</p>;
  } else if (c.content.kind === "hidden") {
    body = (
      <p className="comment-trace">
        Hidden by convener {c.content.by.name}
        {c.content.reason ? `: ${c.content.reason}` : "."}
      </p>
    );
  } else if (mode === "edit") {
    body = (
      <form
        className="comment-edit"
        onSubmit={(e) => {
          e.preventDefault();
          void edit.submit((b) => store.edit(c.id, b)).then((ok) => ok && setMode("view"));
        }}
      >
        <ComposerFields
          composer={edit}
          label="Edit comment"
          members={members}
          submitLabel={CommentLabel.save}
          onSubmit={() => void edit.submit((b) => store.edit(c.id, b)).then((ok) => ok && setMode("view"))}
          onCancel={() => setMode("view")}
        />
      </form>
    );
  } else {
    body = <CommentBody body={c.content.body} memberNames={memberNames} />;
  }

  return (
    <li
      className={`comment comment-${c.content.kind}`}
      data-testid={CommentTestId.comment}
      data-comment-id={c.id}
      data-state={c.content.kind}
    >
      <div className="comment-meta">
        <Avatar name={c.author.name} color={colorForUser(c.author.id)} size="sm" />
        <span className="comment-author">{c.author.name}</span>
        {org && (
          <span className="comment-org" title={org.name}>
            {org.shortName}
          </span>
        )}
        <time className="comment-time" dateTime={new Date(c.createdAt).toISOString()} title={absoluteTime(c.createdAt)}>
          {relativeTime(c.createdAt)}
        </time>
        {c.editedAt && c.content.kind === "visible" && (
          <span className="comment-edited" title={`Edited ${absoluteTime(c.editedAt)}`}>
            (edited)
          </span>
        )}
      </div>
      {body}
      {mode === "view" && (
        <div className="comment-tools">
          {CommentPolicy.canEdit(role, userId, state) && (
            <button type="button" className="link-button" onClick={() => setMode("edit")}>
              {CommentLabel.edit}
            </button>
          )}
          {CommentPolicy.canDelete(role, userId, state) && (
            <button type="button" className="link-button" onClick={() => setMode("confirmDelete")}>
              {CommentLabel.delete}
            </button>
          )}
          {CommentPolicy.canHide(role, state) && c.author.id !== userId && (
            <button type="button" className="link-button" onClick={() => setMode("hide")}>
              {CommentLabel.hide}
            </button>
          )}
        </div>
      )}
      {mode === "confirmDelete" && (
        <div className="comment-confirm" role="group" aria-label="Confirm deletion">
          <span>Delete this comment? Replies stay.</span>
          <button type="button" className="btn btn-danger btn-sm" onClick={() => void run(() => store.remove(c.id))}>
            {CommentLabel.delete}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode("view")}>
            {CommentLabel.cancel}
          </button>
        </div>
      )}
      {mode === "hide" && (
        <form
          className="comment-confirm"
          aria-label="Hide comment"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => store.hide(c.id, reason.trim() || undefined));
          }}
        >
          <input
            aria-label="Reason (optional)"
            placeholder="Reason (optional)"
            value={reason}
            maxLength={CommentLimits.reasonMax}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="btn btn-danger btn-sm">
            {CommentLabel.hide}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode("view")}>
            {CommentLabel.cancel}
          </button>
        </form>
      )}
    </li>
  );
}
