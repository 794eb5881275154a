/**
 * "Send the invitation by email", under the People panel's invite form: the server creates a single-use invite
 * with the chosen role and organization and mails its link (SMTP, or the admin's outbox when no mail server is
 * set); the unused invite then shows, with the address, in the list of unused links, where it can be revoked.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import type { Role } from "../../shared/roles";
import { errorMessage } from "../api";
import { FormError, SubmitButton, TextField } from "../ui/form";
import { publicationApi } from "./api";

export function InviteByEmail({
  statementId,
  role,
  organizationId,
  hours,
  onSent,
}: {
  statementId: string;
  role: Role;
  organizationId: string | null;
  hours: number;
  /** Called once an invitation was created (and sent or written to the outbox). */
  onSent?: () => void;
}) {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      const r = await publicationApi.inviteByEmail(statementId, { email, role, organizationId, expiresInHours: hours });
      setSent(
        r.mail === "smtp"
          ? `Invitation sent to ${email}.`
          : `Invitation written to the admin's outbox for ${email} (no mail server is configured).`,
      );
      setEmail("");
      onSent?.();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <FormError message={error} />
      <TextField
        label="Or send an invitation by email"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        placeholder="name@example.org"
        autoComplete="off"
      />
      <SubmitButton busy={busy} variant="secondary">
        Send invitation
      </SubmitButton>
      {sent && (
        <p className="muted small" role="status">
          {sent}
        </p>
      )}
    </form>
  );
}
