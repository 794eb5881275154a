/**
 * The signed-in user, loaded once from `GET /api/me` and shared through context. Pages read it with
 * {@link useSession}; login, sign-up and log-out update it.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import type { UserDto } from "../../shared/api";
import { api } from "../api";

/** `loading` until `/api/me` answered; then the user or `null` (not logged in). */
export type SessionState = { status: "loading" } | { status: "ready"; user: UserDto | null };

/** What {@link useSession} returns. */
export interface SessionValue {
  state: SessionState;
  /** The user, or null while loading or when logged out. */
  user: UserDto | null;
  /** Sets the user after a successful login or sign-up. */
  setUser: (user: UserDto | null) => void;
  /** Ends the session on the server and forgets the user. */
  logout: () => Promise<void>;
  /** Re-reads `/api/me` (after a 401 elsewhere, for instance). */
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Provides the session to the app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });

  const refresh = useCallback(async () => {
    try {
      const { user } = await api.me();
      setState({ status: "ready", user });
    } catch {
      // 401 means logged out; on a network failure the login page is also the right place to land.
      setState({ status: "ready", user: null });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo<SessionValue>(
    () => ({
      state,
      user: state.status === "ready" ? state.user : null,
      setUser: (user) => setState({ status: "ready", user }),
      logout: async () => {
        const userId = state.status === "ready" ? state.user?.id : undefined;
        try {
          await api.logout();
          // A shared computer must not keep one person's unsent drafts for the next: the local copies of
          // statements go with the session (loaded lazily, so the login page does not carry the editor).
          if (userId) void import("../editor/offline").then((m) => m.forgetLocalCopies(userId));
        } finally {
          setState({ status: "ready", user: null });
        }
      },
      refresh,
    }),
    [state, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The current session; must be used under {@link SessionProvider}. */
export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error("useSession must be used inside <SessionProvider>");
  return v;
}
