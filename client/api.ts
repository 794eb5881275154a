/**
 * Typed access to Concord's HTTP API. Every call sends the session cookie and either resolves with the
 * response DTO (types from shared/api.ts) or throws an {@link ApiRequestError} carrying the server's
 * stable error code and user-facing message.
 */
import type {
  AuditEntryDto,
  InviteCreatedDto,
  InviteInfoDto,
  MemberDto,
  OrganizationDto,
  StatementDetailDto,
  StatementSummaryDto,
  UserDto,
} from "../shared/api";
import type { Role, StakeholderGroup } from "../shared/roles";

/** One problem with one field of a request body, as the server's validation reports it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** An API call that did not succeed: HTTP status plus the server's `{error:{code,message,details}}`. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds to wait before retrying, from `Retry-After` (429), if given. */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, details?: unknown, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  /** Field problems listed by the server's body validation (`details.fields`), keyed by field path. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const fields = (this.details as { fields?: unknown } | undefined)?.fields;
    if (Array.isArray(fields)) {
      for (const f of fields as FieldProblem[]) {
        if (f && typeof f.path === "string" && typeof f.message === "string" && !(f.path in out)) {
          out[f.path] = f.message;
        }
      }
    }
    return out;
  }
}

/** A human sentence for any error thrown by a call (network failures included). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) return error.message;
  if (error instanceof TypeError) return "Cannot reach the server. Check your connection and try again.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

async function toError(res: Response): Promise<ApiRequestError> {
  let code = "http_" + res.status;
  let message = res.statusText || `Request failed (${res.status}).`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status text.
  }
  const retry = res.headers.get("Retry-After");
  const retryAfter = retry !== null && /^\d+$/.test(retry) ? Number(retry) : null;
  return new ApiRequestError(res.status, code, message, details, retryAfter);
}

/** Low-level request: JSON in, raw Response out (already checked for `ok`). */
export async function apiFetch(method: Method, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await toError(res);
  return res;
}

/** A JSON request whose response body is typed `T`. */
export async function apiJson<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await apiFetch(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

/** The endpoints the client uses, one typed function each. */
export const api = {
  signup: (body: { email: string; password: string; name: string; invite?: string }) =>
    apiJson<{ user: UserDto; joinedStatementId: string | null }>("POST", "/api/auth/signup", body),
  login: (body: { email: string; password: string }) => apiJson<{ user: UserDto }>("POST", "/api/auth/login", body),
  logout: () => apiJson<{ ok: true }>("POST", "/api/auth/logout", {}),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    apiJson<{ ok: true }>("POST", "/api/auth/password", body),
  me: () => apiJson<{ user: UserDto }>("GET", "/api/me"),

  organizations: () => apiJson<{ organizations: OrganizationDto[] }>("GET", "/api/organizations"),
  createOrganization: (body: { name: string; shortName: string; stakeholderGroup: StakeholderGroup; sortKey?: string }) =>
    apiJson<{ organization: OrganizationDto }>("POST", "/api/organizations", body),

  statements: () => apiJson<{ statements: StatementSummaryDto[] }>("GET", "/api/statements"),
  createStatement: (body: { title: string }) =>
    apiJson<{ statement: StatementSummaryDto }>("POST", "/api/statements", body),
  statement: (id: string) => apiJson<StatementDetailDto>("GET", `/api/statements/${enc(id)}`),
  renameStatement: (id: string, title: string) => apiJson<unknown>("PATCH", `/api/statements/${enc(id)}`, { title }),

  addMember: (id: string, body: { email: string; role: Role; organizationId?: string | null }) =>
    apiJson<{ member: MemberDto }>("POST", `/api/statements/${enc(id)}/members`, body),
  updateMember: (id: string, body: { userId: string; role?: Role; organizationId?: string | null }) =>
    apiJson<{ member: MemberDto }>("PATCH", `/api/statements/${enc(id)}/members`, body),
  removeMember: (id: string, userId: string) =>
    apiJson<{ ok: true }>("DELETE", `/api/statements/${enc(id)}/members`, { userId }),
  createInvite: (id: string, body: { role: Role; organizationId?: string | null; expiresInHours?: number }) =>
    apiJson<InviteCreatedDto>("POST", `/api/statements/${enc(id)}/invites`, body),

  invite: (token: string) => apiJson<InviteInfoDto>("GET", `/api/invites/${enc(token)}`),
  acceptInvite: (token: string) => apiJson<{ statementId: string }>("POST", `/api/invites/${enc(token)}/accept`, {}),

  audit: (id: string) => apiJson<{ entries: AuditEntryDto[] }>("GET", `/api/statements/${enc(id)}/audit`),

  /** The canonical Markdown export with the SHA-256 the server computed (`X-Content-SHA256`). */
  exportMarkdown: async (id: string): Promise<{ text: string; sha256: string | null; filename: string }> => {
    const res = await apiFetch("GET", `/api/statements/${enc(id)}/export.md`);
    const disposition = res.headers.get("Content-Disposition") ?? "";
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    return {
      text: await res.text(),
      sha256: res.headers.get("X-Content-SHA256"),
      filename: match ? decodeURIComponent(match[1]) : "statement.md",
    };
  },
} as const;
