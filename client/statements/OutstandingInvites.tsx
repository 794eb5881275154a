/**
 * The convener's list of invite links nobody has used yet (each lets one person join, once), with who it is for
 * (role, organization, the address an emailed one went to), when it expires, and "Revoke": a revoked link is
 * refused from then on. Reloaded whenever `version` changes (a new link or email was just created).
 */
import { useCallback, useEffect, useState } from "react";
import type { OutstandingInviteDto } from "../../shared/api";
import { plural } from "../../shared/plural";
import { api, errorMessage } from "../api";
import { confirmAction } from "../ui/Dialog";
import { FormError } from "../ui/form";
import { absoluteTime, relativeTime } from "../ui/format";
import { roleLabel } from "./labels";
import "./invites.css";

export function OutstandingInvites({ statementId, version }: { statementId: string; version: number }) {
  const [invites, setInvites] = useState<OutstandingInviteDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    api.invites(statementId).then(
      ({ invites }) => setInvites(invites),
      (e) => setError(errorMessage(e)),
    );
  }, [statementId]);
  useEffect(() => load(), [load, version]);

  async function revoke(invite: OutstandingInviteDto) {
    const who = invite.sentTo ?? `a ${roleLabel(invite.role).toLowerCase()}`;
    if (!confirmAction(`Revoke the invite for ${who}? The link will no longer let anyone join.`)) return;
    setBusy(invite.id);
    setError(null);
    try {
      await api.revokeInvite(statementId, invite.id);
      setInvites((list) => list?.filter((i) => i.id !== invite.id) ?? null);
    } catch (e) {
      setError(errorMessage(e));
      load();
    } finally {
      setBusy(null);
    }
  }

  if (invites === null && !error) return null;
  return (
    <section className="panel-section" aria-labelledby="outstanding-invites-heading">
      <h3 id="outstanding-invites-heading">
        Unused invite links{invites ? <span className="muted"> ({invites.length})</span> : null}
      </h3>
      <FormError message={error} />
      {invites && invites.length === 0 && <p className="muted small">No invite link is waiting to be used.</p>}
      {invites && invites.length > 0 && (
        <>
          <p className="muted small">
            {plural(invites.length, "link")} not used yet. Each lets one person join; revoke one you sent by mistake.
          </p>
          <ul className="member-list" aria-label="Unused invite links">
            {invites.map((i) => (
              <li key={i.id} className="member invite-row" data-invite-id={i.id}>
                <div className="member-main">
                  <div className="member-name">{i.sentTo ?? "Link (copied, not emailed)"}</div>
                  <div className="member-sub muted small">
                    {roleLabel(i.role)}
                    {i.organizationName ? ` · ${i.organizationName}` : ""} · by {i.createdBy} ·{" "}
                    <span title={absoluteTime(i.expiresAt)}>expires {relativeTime(i.expiresAt)}</span>
                  </div>
                </div>
                <button
                  type="button"
                  className="btn btn-sm btn-secondary"
                  onClick={() => void revoke(i)}
                  disabled={busy === i.id}
                  aria-label={`Revoke the invite ${i.sentTo ? `for ${i.sentTo}` : `link for a ${roleLabel(i.role).toLowerCase()}`}`}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
