/**
 * The stable error codes of the HTTP API, one vocabulary for both sides: the server raises them (server/errors.ts
 * maps each to its HTTP status) and the client branches on them, never on messages or statuses. Errors travel as
 * `{ error: { code, message, details? } }`; the codes below that carry `details` say what shape it has.
 */

export const ErrorCode = {
  badRequest: "bad_request",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  notFound: "not_found",
  conflict: "conflict",
  tooLarge: "too_large",
  tooManyRequests: "too_many_requests",
  final: "statement_final",
  internal: "internal",
  /** This instance is shutting down (draining): reconnect, a load balancer sends the retry to another instance. */
  unavailable: "unavailable",
  /**
   * The text a person was shown (and confirmed) is no longer the current text: nothing was recorded.
   * `details` is a `TextChangedDetails` (shared/signoff.ts): the current hash and the word diff from what was shown.
   */
  textChanged: "text_changed",
  /**
   * A lock without override while organizations have not signed or objections stand. `details` is a
   * `LockRefusedDetails` (shared/signoff.ts): the lists to show the convener for an explicit override.
   */
  lockNeedsConfirmation: "lock_needs_confirmation",
  /**
   * A lock override whose lists (unsigned organizations, standing objections) differ from the current ones.
   * `details` is a `LockRefusedDetails` with the current lists.
   */
  lockListChanged: "lock_list_changed",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const codes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Whether a value read off the wire is one of our codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && codes.has(value);
}
