/** "Your sessions" from the user menu: where the account is signed in, and "Sign out other devices". */
import { useCallback, useEffect, useState } from "react";
import { Dialog, confirmAction } from "../ui/Dialog";
import { FormError } from "../ui/form";
import { LoadingBlock } from "../ui/Spinner";
import { absoluteTime, relativeTime } from "../ui/format";
import { api, errorMessage } from "../api";
import type { SessionDto } from "../../shared/api";
import { describeUserAgent } from "./user-agent";
import { plural } from "../../shared/plural";

const ROW_STYLE = {
  display: "flex",
  alignItems: "center",
  gap: 10,
  padding: "8px 0",
  borderTop: "1px solid var(--border)",
} as const;

/** A modal listing the live sessions (created, last used, browser) with per-session and bulk sign-out. */
export function SessionsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [sessions, setSessions] = useState<SessionDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSessions((await api.sessions()).sessions);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    if (!open) return;
    setSessions(null);
    setNotice(null);
    void load();
  }, [open, load]);

  async function run(action: () => Promise<string>) {
    setBusy(true);
    setError(null);
    try {
      setNotice(await action());
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <Dialog open={open} title="Your sessions" onClose={onClose}>
      <div className="stack">
        <FormError message={error} />
        {notice && <p role="status">{notice}</p>}
        {sessions === null && !error && <LoadingBlock label="Loading sessions…" />}
        {sessions && (
          <ul aria-label="Sessions" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {sessions.map((s) => (
              <li key={s.id} style={ROW_STYLE}>
                <span style={{ flex: 1, minWidth: 0 }}>
                  <span className="org-name">
                    {describeUserAgent(s.userAgent)}
                    {s.current && <strong> · this device</strong>}
                  </span>
                  <br />
                  <span
                    className="org-group"
                    title={`Signed in ${absoluteTime(s.createdAt)}; last used ${absoluteTime(s.lastUsedAt)}`}
                  >
                    signed in {relativeTime(s.createdAt)}, last used {relativeTime(s.lastUsedAt)}
                  </span>
                </span>
                {!s.current && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    disabled={busy}
                    onClick={() => run(async () => (await api.endSession(s.id), "That session was signed out."))}
                  >
                    Sign out
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || others.length === 0}
            onClick={() => {
              if (!confirmAction("Sign out every other device? Their open editors disconnect at once.")) return;
              void run(async () => {
                const r = await api.signOutOtherSessions();
                return `${plural(r.endedSessions, "other session")} signed out.`;
              });
            }}
          >
            Sign out other devices
          </button>
        </div>
      </div>
    </Dialog>
  );
}
