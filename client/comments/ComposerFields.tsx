/** The fields of a composer that writes a whole comment (new thread, edit): the text with mentions, its error, Submit and Cancel. */
import type { MemberDto } from "../../shared/api";
import { MentionTextarea } from "./MentionTextarea";
import type { Composer } from "./useComposer";
import { CommentLabel } from "./testids";

/** Goes inside the caller's `<form>`, whose submit handler sends; Escape and Cancel call `onCancel`. */
export function ComposerFields(props: {
  composer: Composer;
  label: string;
  members: readonly MemberDto[];
  submitLabel: string;
  onSubmit: () => void;
  onCancel: () => void;
  placeholder?: string;
}) {
  const { composer: c, label, members, submitLabel, onSubmit, onCancel, placeholder } = props;
  return (
    <>
      <MentionTextarea
        label={label}
        value={c.text}
        onChange={c.setText}
        onPick={c.pick}
        members={members}
        onSubmit={onSubmit}
        onEscape={onCancel}
        placeholder={placeholder}
        autoFocus
        disabled={c.busy}
      />
      {c.error && (
        <p className="field-error" role="alert">
          {c.error}
        </p>
      )}
      <div className="comment-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={c.busy}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onCancel}>
          {CommentLabel.cancel}
        </button>
      </div>
    </>
  );
}
