/** The account endpoints of the sessions list (beside `client/api.ts`, which holds the shared ones). */
import { apiJson } from "../api";

/** One live session of the signed-in user, as `GET /api/auth/sessions` lists it. */
export interface SessionDto {
  id: string;
  createdAt: number;
  /** Refreshed at most hourly by the server. */
  lastUsedAt: number;
  userAgent: string | null;
  current: boolean;
}

const enc = encodeURIComponent;

export const sessionsApi = {
  list: () => apiJson<{ sessions: SessionDto[] }>("GET", "/api/auth/sessions"),
  /** Ends every session but this one; their open editors are disconnected. */
  signOutOthers: () => apiJson<{ ok: true; endedSessions: number }>("POST", "/api/auth/sessions/revoke-others", {}),
  end: (id: string) => apiJson<{ ok: true }>("DELETE", `/api/auth/sessions/${enc(id)}`),
};

/** A short, human name for a User-Agent string ("Firefox on Linux"), or the raw string when unknown. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return "Unknown browser";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}
