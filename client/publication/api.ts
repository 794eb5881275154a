/**
 * Calls of the publication console: the convener's view of a statement's publication (inbox, signatories),
 * the publish switch, decisions and removals, and the admin's outbox. Errors carry the server's message.
 */
import { ApiRequestError } from "../../shared/api-client";
import type { ErrorCode } from "../../shared/errors";
import type { DecisionBody, PublicationDto } from "../../shared/publication";

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (json as { error?: { code?: ErrorCode; message?: string; details?: unknown } } | null)?.error;
    const retry = Number(res.headers.get("Retry-After"));
    throw new ApiRequestError(
      res.status,
      err?.code ?? null,
      err?.message ?? `The server answered ${res.status}.`,
      err?.details,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return json as T;
}

const base = (id: string) => `/api/statements/${encodeURIComponent(id)}`;

export const publicationApi = {
  get: (id: string) => call<PublicationDto>("GET", `${base(id)}/publication`),
  setPublished: (id: string, published: boolean) =>
    call<PublicationDto>("PUT", `${base(id)}/publication`, { published }),
  decide: (id: string, requestId: string, body: DecisionBody) =>
    call<PublicationDto>("POST", `${base(id)}/sign-on-requests/${encodeURIComponent(requestId)}/decision`, body),
  remove: (id: string, key: string, reason: string) =>
    call<PublicationDto>("POST", `${base(id)}/signatories/remove`, { key, reason }),
  csvUrl: (id: string) => `${base(id)}/signatories.csv`,
  inviteByEmail: (
    id: string,
    body: { email: string; role: string; organizationId?: string | null; expiresInHours?: number },
  ) => call<{ ok: true; expiresAt: number; mail: "smtp" | "outbox" }>("POST", `${base(id)}/invites/email`, body),
  outbox: () =>
    call<{
      mail: "smtp" | "outbox";
      messages: Array<{ id: string; to: string; subject: string; text: string; createdAt: number }>;
    }>("GET", "/api/admin/outbox"),
};
