/**
 * The convener's list of expected signatories: every organization the lock gate waits for — those invited to
 * sign (with or without members yet) and those members represent — with who has signed, and controls to add
 * one (an existing organization, or a new one by name) or remove one nobody represents. The list is the
 * matrix's columns, so it follows every change live.
 */
import { useEffect, useId, useState } from "react";
import { useAction } from "../ui/useAction";
import type { FormEvent } from "react";
import type { OrganizationDto } from "../../shared/api";
import type { StakeholderGroup } from "../../shared/roles";
import { StakeholderGroupLabel, StakeholderGroups } from "../../shared/roles";
import { sortOrganizations } from "../../shared/collation";
import type { SignoffMatrixDto } from "../../shared/signoff";
import { api, errorMessage } from "../api";
import { SignoffLabel, SignoffTestId } from "./testids";
import { plural } from "../../shared/plural";

/** The expected signatories and their controls (conveners). */
export function ExpectedSignatories({ statementId, matrix }: { statementId: string; matrix: SignoffMatrixDto }) {
  const [all, setAll] = useState<OrganizationDto[] | null>(null);
  const [pick, setPick] = useState("");
  const [name, setName] = useState("");
  const [group, setGroup] = useState<StakeholderGroup>("civil-society");
  const { busy, error, setError, run } = useAction();
  const pickId = useId();
  const nameId = useId();
  const groupId = useId();
  const signed = new Set(
    matrix.signatures
      .filter((s) => s.voidReason === null && s.hash === matrix.documentHash)
      .map((s) => s.organizationId),
  );
  const participating = new Set(matrix.organizations.map((o) => o.id));

  useEffect(() => {
    let live = true;
    api.organizations().then(
      (r) => live && setAll(sortOrganizations(r.organizations)),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [matrix.organizations.length, setError]);

  async function addPicked(e: FormEvent) {
    e.preventDefault();
    if (!pick) return;
    if (await run(() => api.addExpectedOrganization(statementId, { organizationId: pick }))) setPick("");
  }

  async function addNamed(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError("Enter the organization's name.");
    if (await run(() => api.addExpectedOrganization(statementId, { name: name.trim(), stakeholderGroup: group })))
      setName("");
  }

  const candidates = (all ?? []).filter((o) => !participating.has(o.id));
  return (
    <details className="signoff-section signoff-expected" data-testid={SignoffTestId.expected}>
      <summary>
        <strong>Expected signatories</strong> ({signed.size} of {matrix.organizations.length} signed)
      </summary>
      <ul className="signoff-expected-list">
        {matrix.organizations.map((o) => (
          <li key={o.id} data-org-id={o.id}>
            <span className="signoff-org-name">{o.name}</span>{" "}
            <span className="small muted">
              {signed.has(o.id) ? "signed" : "not signed"} ·{" "}
              {o.representatives ? plural(o.representatives, "member") : "no member yet"}
            </span>
            {o.representatives === 0 && matrix.phase === "drafting" && (
              <button
                type="button"
                className="link-button small"
                disabled={busy}
                aria-label={SignoffLabel.expectedRemove(o.name)}
                onClick={() => void run(() => api.removeExpectedOrganization(statementId, { organizationId: o.id }))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {matrix.phase === "drafting" && (
        <>
          <form className="signoff-expected-form" onSubmit={addPicked}>
            <label htmlFor={pickId} className="small">
              Invite an organization to sign
            </label>
            <div className="row">
              <select id={pickId} value={pick} onChange={(e) => setPick(e.target.value)} disabled={all === null}>
                <option value="">{all === null ? "Loading…" : "Choose an organization"}</option>
                {candidates.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !pick}>
                {SignoffLabel.expectedAdd}
              </button>
            </div>
          </form>
          <form className="signoff-expected-form" onSubmit={addNamed}>
            <label htmlFor={nameId} className="small">
              Or a new organization, by name
            </label>
            <div className="row">
              <input id={nameId} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
              <label htmlFor={groupId} className="visually-hidden">
                Stakeholder group
              </label>
              <select id={groupId} value={group} onChange={(e) => setGroup(e.target.value as StakeholderGroup)}>
                {StakeholderGroups.map((g) => (
                  <option key={g} value={g}>
                    {StakeholderGroupLabel[g]}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn btn-secondary btn-sm" disabled={busy}>
                {SignoffLabel.expectedCreate}
              </button>
            </div>
          </form>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
