/**
 * The typed API client of both the browser and the tests: {@link apiClient} turns the route table
 * (shared/api-routes.ts) into one function per route, taking the path parameters in order and then the body,
 * and resolving with the route's JSON answer — or throwing an {@link ApiRequestError} with the server's stable
 * error code (shared/errors.ts). How a request travels (same-origin cookies in the browser, a cookie jar and an
 * Origin header in tests) is the caller's {@link Fetcher}.
 */
import type { z } from "zod";
import { isErrorCode } from "./errors";
import type { ErrorCode } from "./errors";
import { ApiRoutes } from "./api-routes";
import type { ApiRoute } from "./api-routes";

/** Sends one request; `path` starts with `/api/`. */
export type Fetcher = (path: string, init: RequestInit) => Promise<Response>;

/** One problem with one field of a request body, as the server's validation reports it (`details.fields`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** An API call that did not succeed: HTTP status plus the server's `{ error: { code, message, details } }`. */
export class ApiRequestError extends Error {
  readonly status: number;
  /** The server's code; null when the answer was not one of ours (a proxy's error page, say). */
  readonly code: ErrorCode | null;
  /** What the code's entry in shared/errors.ts says it carries. */
  readonly details: unknown;
  /** Seconds to wait before retrying, from `Retry-After` (429), if given. */
  readonly retryAfter: number | null;
  constructor(
    status: number,
    code: ErrorCode | null,
    message: string,
    details?: unknown,
    retryAfter: number | null = null,
  ) {
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
        if (f && typeof f.path === "string" && typeof f.message === "string" && !(f.path in out))
          out[f.path] = f.message;
      }
    }
    return out;
  }
}

/** Whether `error` is an API error with one of `codes`. */
export function hasErrorCode(error: unknown, ...codes: ErrorCode[]): error is ApiRequestError & { code: ErrorCode } {
  return error instanceof ApiRequestError && error.code !== null && codes.includes(error.code);
}

// One value per `:name` parameter of a path, in order: "/a/:id/b/:vid" → [string | number, string | number].
type ParamValues<P extends string> = P extends `${string}:${string}/${infer Rest}`
  ? [string | number, ...ParamValues<`/${Rest}`>]
  : P extends `${string}:${string}`
    ? [string | number]
    : [];

/** The arguments of a route's call: its path parameters in order, then its body if it has one. */
export type ApiArgs<R extends ApiRoute> = R["body"] extends z.ZodType
  ? [...ParamValues<R["path"]>, body: z.input<R["body"]>]
  : ParamValues<R["path"]>;

/** What a route's call resolves with: its JSON answer, or the raw `Response` of a file route. */
export type ApiResult<R extends ApiRoute> = R extends { file: true } ? Response : R["response"];

/** One function per route of the table. */
export type TypedApi = { [K in keyof ApiRoutes]: (...args: ApiArgs<ApiRoutes[K]>) => Promise<ApiResult<ApiRoutes[K]>> };

/** The path of a route with its parameters filled in (each one URI-encoded). */
export function pathOf<R extends ApiRoute>(route: R, ...params: ParamValues<R["path"]>): string {
  return fillPath(route.path, params);
}

function fillPath(path: string, params: ReadonlyArray<string | number>): string {
  let i = 0;
  return path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(String(params[i++])));
}

async function toError(res: Response): Promise<ApiRequestError> {
  let code: ErrorCode | null = null;
  let message = res.statusText || `Request failed (${res.status}).`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body?.error) {
      if (isErrorCode(body.error.code)) code = body.error.code;
      if (typeof body.error.message === "string") message = body.error.message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status text.
  }
  const retry = res.headers.get("Retry-After");
  const retryAfter = retry !== null && /^\d+$/.test(retry) ? Number(retry) : null;
  return new ApiRequestError(res.status, code, message, details, retryAfter);
}

/** Sends one call of `route`; resolves with its checked `Response`. */
async function send(fetcher: Fetcher, route: ApiRoute, args: unknown[]): Promise<Response> {
  const paramCount = (route.path.match(/:[A-Za-z]+/g) ?? []).length;
  const params = args.slice(0, paramCount) as Array<string | number>;
  // Routes without a body schema still get `{}` on POST, as a JSON API expects a body there.
  const body = route.body ? args[paramCount] : route.method === "POST" ? {} : undefined;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetcher(fillPath(route.path, params), {
    method: route.method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await toError(res);
  return res;
}

/** The typed functions of every route, sending through `fetcher` (see the module comment). */
export function apiClient(fetcher: Fetcher): TypedApi {
  const calls: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, route] of Object.entries(ApiRoutes) as Array<[string, ApiRoute]>) {
    calls[name] = async (...args) => {
      const res = await send(fetcher, route, args);
      if (route.file) return res;
      return res.status === 204 ? undefined : res.json();
    };
  }
  return calls as TypedApi;
}
