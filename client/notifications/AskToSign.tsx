/**
 * The convener's "Ask to sign": notifies (and, with SMTP, mails) the representatives of one organization, or of
 * every organization that has not signed the current text. Shown in the People tab while the statement is in
 * drafting.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import type { OrganizationDto } from "../../shared/api";
import { plural } from "../../shared/plural";
import { api, errorMessage } from "../api";
import { FormError, SelectField, SubmitButton } from "../ui/form";

export function AskToSign({ statementId, orgs }: { statementId: string; orgs: OrganizationDto[] }) {
  const [organizationId, setOrg] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await api.askToSign(statementId, organizationId ? { organizationId } : {});
      setDone(
        r.people === 0
          ? "Nobody to ask: no representative (convener or drafter) of an organization that has not signed."
          : `Asked ${plural(r.people, "person", "people")} in ${plural(r.organizations, "organization")} to sign.`,
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel-section" aria-labelledby="ask-to-sign-heading">
      <h3 id="ask-to-sign-heading">Ask to sign</h3>
      <p className="muted small">Representatives get a notification (and an email when mail is set up).</p>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormError message={error} />
        <SelectField label="Who to ask" value={organizationId} onChange={(e) => setOrg(e.target.value)}>
          <option value="">Every organization that has not signed</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.shortName} — {o.name}
            </option>
          ))}
        </SelectField>
        <SubmitButton busy={busy} variant="secondary">
          Ask to sign
        </SubmitButton>
        {done && (
          <p className="muted small" role="status">
            {done}
          </p>
        )}
      </form>
    </section>
  );
}
