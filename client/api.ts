/**
 * The browser's access to Concord's HTTP API: the typed calls of shared/api-client.ts (one per route of
 * shared/api-routes.ts) sent same-origin with the session cookie, plus what the UI needs around them.
 * Every call resolves with the route's DTO or throws an {@link ApiRequestError} carrying the server's stable
 * error code (shared/errors.ts) and user-facing message.
 */
import { ApiRequestError, apiClient, pathOf } from "../shared/api-client";
import { ApiRoutes } from "../shared/api-routes";

export { ApiRequestError, hasErrorCode } from "../shared/api-client";

/** Every route of the API, typed (see shared/api-routes.ts for the list). */
export const api = apiClient((path, init) => fetch(path, { ...init, credentials: "same-origin" }));

/** A human sentence for any error thrown by a call (network failures included). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) return error.message;
  if (error instanceof TypeError) return "Cannot reach the server. Check your connection and try again.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** The canonical Markdown export with the SHA-256 the server computed (`X-Content-SHA256`). */
export async function exportMarkdown(
  statementId: string,
): Promise<{ text: string; sha256: string | null; filename: string }> {
  const res = await api.exportMarkdown(statementId);
  const disposition = res.headers.get("Content-Disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return {
    text: await res.text(),
    sha256: res.headers.get("X-Content-SHA256"),
    filename: match ? decodeURIComponent(match[1]) : "statement.md",
  };
}

/** Where the browser downloads a statement's audit log as CSV (a plain link, so no call). */
export function auditCsvUrl(statementId: string): string {
  return pathOf(ApiRoutes.auditCsv, statementId);
}
