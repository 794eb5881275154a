/**
 * `/invite/:token`: shows what the invitation offers (statement, role, organization, who invited, expiry).
 * A signed-in user accepts it; a new person creates an account with the invite in the sign-up body;
 * someone with an account logs in and comes back here.
 */
import { useEffect, useState } from "react";
import type { InviteInfoDto } from "../../shared/api";
import { api, errorMessage } from "../api";
import { AuthLayout } from "../app/Layout";
import { Link, navigate } from "../app/router";
import { useSession } from "../app/session";
import { roleDescription, roleLabel } from "../statements/labels";
import { FormError } from "../ui/form";
import { LoadingBlock, Spinner } from "../ui/Spinner";
import { absoluteTime } from "../ui/format";
import { Label } from "../testids";
import { SignupForm } from "./SignupForm";

type InviteState =
  { status: "loading" } | { status: "ready"; invite: InviteInfoDto } | { status: "error"; message: string };

/** The invitation page. */
export function InvitePage({ token }: { token: string }) {
  const { user, logout } = useSession();
  const [state, setState] = useState<InviteState>({ status: "loading" });
  const [busy, setBusy] = useState(false);
  const [acceptError, setAcceptError] = useState<string | null>(null);
  const here = `/invite/${encodeURIComponent(token)}`;

  useEffect(() => {
    let live = true;
    api.invite(token).then(
      (invite) => live && setState({ status: "ready", invite }),
      (e) => live && setState({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [token]);

  if (state.status === "loading") {
    return (
      <AuthLayout title="Invitation">
        <LoadingBlock label="Opening the invitation…" />
      </AuthLayout>
    );
  }
  if (state.status === "error") {
    return (
      <AuthLayout title="This invitation cannot be used">
        <FormError message={state.message} />
        <p>Ask the person who invited you for a new link.</p>
        <p className="auth-switch">
          <Link to="/">Go to your statements</Link>
        </p>
      </AuthLayout>
    );
  }

  const { invite } = state;
  async function accept() {
    setBusy(true);
    setAcceptError(null);
    try {
      const { statementId } = await api.acceptInvite(token);
      navigate(`/s/${encodeURIComponent(statementId)}`, { replace: true });
    } catch (e) {
      setAcceptError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="You are invited" subtitle={<>{invite.invitedBy} invites you to work on a statement.</>}>
      <dl className="invite-summary">
        <dt>Statement</dt>
        <dd className="invite-title">{invite.statementTitle}</dd>
        <dt>Your role</dt>
        <dd>
          <strong>{roleLabel(invite.role)}</strong> — {roleDescription(invite.role)}
        </dd>
        {invite.organizationName && (
          <>
            <dt>Representing</dt>
            <dd>{invite.organizationName}</dd>
          </>
        )}
        <dt>Link expires</dt>
        <dd>{absoluteTime(invite.expiresAt)}</dd>
      </dl>
      {user ? (
        <div className="stack">
          <FormError message={acceptError} />
          <button type="button" className="btn btn-primary btn-block" onClick={accept} disabled={busy}>
            {busy && <Spinner label="Working" />}
            <span>{Label.acceptInvite}</span>
          </button>
          <p className="muted small">
            Signed in as {user.name} ({user.email}).{" "}
            <button type="button" className="link-button" onClick={() => void logout()}>
              Not you?
            </button>
          </p>
        </div>
      ) : (
        <>
          <h2 className="section-title">Create an account to join</h2>
          <SignupForm
            invite={token}
            onDone={(joined) => navigate(joined ? `/s/${encodeURIComponent(joined)}` : "/", { replace: true })}
          />
          <p className="auth-switch">
            Already have an account? <Link to={`/login?next=${encodeURIComponent(here)}`}>Log in to accept</Link>
          </p>
        </>
      )}
    </AuthLayout>
  );
}
