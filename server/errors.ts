/**
 * The few error types the server raises, with stable codes. Routes and middleware throw them; one `onError` in
 * `app.ts` turns them into `{ error: { code, message, details? } }` with the status given here. No other code
 * builds an error body.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

// The codes live in shared/errors.ts, so that the client reads the same vocabulary it branches on.
import { ErrorCode } from "../shared/errors";
export { ErrorCode };

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many_requests: 429,
  statement_final: 409,
  internal: 500,
  unavailable: 503,
  text_changed: 409,
  lock_needs_confirmation: 409,
  lock_list_changed: 409,
};

/** An error meant for the caller: its message is shown to users as is. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly details?: unknown;
  /** `status` overrides the code's own only for errors that arrive with a status (see `codeForStatus`). */
  constructor(code: ErrorCode, message: string, details?: unknown, status: ContentfulStatusCode = STATUS[code]) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, details);
export const unauthorized = (message = "Log in to continue.") => new AppError("unauthorized", message);
export const forbidden = (message = "You do not have permission to do that.") => new AppError("forbidden", message);
export const notFound = (what = "That") => new AppError("not_found", `${what} was not found.`);
export const conflict = (message: string) => new AppError("conflict", message);
export const tooManyRequests = (message: string) => new AppError("too_many_requests", message);
export const tooLarge = (message: string) => new AppError("too_large", message);
export const statementFinal = () =>
  new AppError("statement_final", "This statement is final: its text and sign-offs can no longer change.");

/**
 * The code for a status that arrives without one (an `HTTPException` thrown by Hono or a middleware): the
 * generic code of that status, else `bad_request` for a client error and `internal` for a server error.
 */
export function codeForStatus(status: number): ErrorCode {
  const generic: Partial<Record<number, ErrorCode>> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
  };
  return generic[status] ?? (status < 500 ? "bad_request" : "internal");
}
