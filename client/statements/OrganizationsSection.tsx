/** The organizations of this instance, with a form to add one. */
import { useState } from "react";
import type { FormEvent } from "react";
import type { OrganizationDto } from "../../shared/api";
import { api } from "../api";
import { StakeholderGroupLabel, StakeholderGroups } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { organizationSchema } from "../../shared/validation";
import { FormError, SelectField, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import type { FormErrors } from "../ui/form-errors";
import { LoadingBlock } from "../ui/Spinner";
import { Label, TestId } from "../testids";

type Load<T> = { status: "loading" } | { status: "ready"; data: T } | { status: "error"; message: string };

/** Sorts organizations by their sort key (or name), case- and accent-insensitively. */
export function sortOrganizations(orgs: OrganizationDto[]): OrganizationDto[] {
  const key = (o: OrganizationDto) => o.sortKey || o.name;
  return [...orgs].sort((a, b) => key(a).localeCompare(key(b), undefined, { sensitivity: "base" }));
}

/** The organizations list plus the "New organization" form. */
export function OrganizationsSection({ state, onCreated }: { state: Load<OrganizationDto[]>; onCreated: () => void }) {
  const [adding, setAdding] = useState(false);
  return (
    <div className="card">
      <div className="section-head">
        <h2 id="orgs-heading">Organizations</h2>
        {!adding && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAdding(true)}>
            New organization
          </button>
        )}
      </div>
      {adding && (
        <NewOrganizationForm
          onDone={(created) => {
            setAdding(false);
            if (created) onCreated();
          }}
        />
      )}
      {state.status === "loading" && <LoadingBlock label="Loading organizations…" />}
      {state.status === "error" && <FormError message={state.message} />}
      {state.status === "ready" &&
        (state.data.length === 0 ? (
          <p className="muted">No organizations yet. Add the ones taking part so members can represent them.</p>
        ) : (
          <ul className="org-list" data-testid={TestId.organizationList}>
            {sortOrganizations(state.data).map((o) => (
              <li key={o.id}>
                <span className="org-short">{o.shortName}</span>
                <span className="org-name">{o.name}</span>
                <span className="org-group">{StakeholderGroupLabel[o.stakeholderGroup]}</span>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

function NewOrganizationForm({ onDone }: { onDone: (created: boolean) => void }) {
  const [name, setName] = useState("");
  const [shortName, setShortName] = useState("");
  const [group, setGroup] = useState<StakeholderGroup | "">("");
  const [sortKey, setSortKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(organizationSchema, {
      name,
      shortName,
      stakeholderGroup: group || undefined,
      sortKey: sortKey.trim() ? sortKey : undefined,
    });
    if (!v.ok) {
      if (v.errors.fields.stakeholderGroup) v.errors.fields.stakeholderGroup = "Choose a stakeholder group.";
      return setErrors(v.errors);
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      await api.createOrganization(v.data);
      onDone(true);
    } catch (err) {
      setErrors(errorsFromRequest(err, (x) => (x.status === 409 ? "name" : null)));
      setBusy(false);
    }
  }

  return (
    <form className="stack org-form" onSubmit={onSubmit} noValidate aria-label="New organization">
      <FormError message={errors.form} />
      <TextField label={Label.orgName} value={name} onChange={(e) => setName(e.target.value)} error={errors.fields.name} autoFocus />
      <TextField
        label={Label.orgShortName}
        value={shortName}
        maxLength={40}
        onChange={(e) => setShortName(e.target.value)}
        error={errors.fields.shortName}
        hint="An acronym, e.g. RIPE NCC"
      />
      <SelectField
        label={Label.orgGroup}
        value={group}
        onChange={(e) => setGroup(e.target.value as StakeholderGroup | "")}
        error={errors.fields.stakeholderGroup}
      >
        <option value="">Choose…</option>
        {StakeholderGroups.map((g) => (
          <option key={g} value={g}>
            {StakeholderGroupLabel[g]}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Sort under (optional)"
        value={sortKey}
        onChange={(e) => setSortKey(e.target.value)}
        error={errors.fields.sortKey}
        hint={'For alphabetical lists: "Internet Society" for "The Internet Society".'}
      />
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
        <SubmitButton busy={busy}>{Label.newOrganization}</SubmitButton>
      </div>
    </form>
  );
}
