/** "The text changed while you were reading": the server refused a decision; this shows what changed since. */
import type { TextChangedDetails } from "../../shared/signoff";
import { DiffView } from "./DiffView";
import { SignoffTestId } from "./testids";

/** The notice and the word diff from the text the person was shown to the current one. */
export function TextChangedNotice({ details }: { details: TextChangedDetails }) {
  const what = details.scope === "clause" ? "clause" : "text";
  return (
    <div
      className="signoff-void signoff-text-changed"
      role="alert"
      data-testid={SignoffTestId.textChanged}
      data-current-hash={details.currentHash ?? ""}
    >
      {details.currentHash === null ? (
        <p>
          <strong>The clause was removed while you were reading it.</strong> Nothing was recorded.
        </p>
      ) : (
        <p>
          <strong>The {what} changed while you were reading it.</strong> Nothing was recorded. Read the changes, then
          confirm the new {what}.
        </p>
      )}
      {details.diff ? (
        <DiffView parts={details.diff} label="Changes while you were reading" />
      ) : (
        <p className="small">The text is too long to list its changes here: read it again below.</p>
      )}
    </div>
  );
}
