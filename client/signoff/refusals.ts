/**
 * What the sign-off routes say when they refuse a decision, read by the stable codes of shared/errors.ts: the
 * text changed since it was shown (`text_changed`), or a lock needs (another) explicit confirmation.
 */
import { hasErrorCode } from "../api";
import { ErrorCode } from "../../shared/errors";
import type { LockRefusedDetails, TextChangedDetails } from "../../shared/signoff";

/** The server's diff when it refused a decision because the text changed since it was shown. */
export function textChangedDetails(err: unknown): TextChangedDetails | null {
  return hasErrorCode(err, ErrorCode.textChanged) ? (err.details as TextChangedDetails) : null;
}

/** The lock refusals that ask the convener to confirm the lists again. */
export type LockRefusalCode = typeof ErrorCode.lockNeedsConfirmation | typeof ErrorCode.lockListChanged;

/** What stands in the way of a lock, when the server asks for (another) explicit confirmation. */
export function lockRefusal(err: unknown): { code: LockRefusalCode; details: LockRefusedDetails } | null {
  if (hasErrorCode(err, ErrorCode.lockNeedsConfirmation))
    return { code: ErrorCode.lockNeedsConfirmation, details: err.details as LockRefusedDetails };
  if (hasErrorCode(err, ErrorCode.lockListChanged))
    return { code: ErrorCode.lockListChanged, details: err.details as LockRefusedDetails };
  return null;
}
