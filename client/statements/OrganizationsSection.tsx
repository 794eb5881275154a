/**
 * The organizations of this instance. Everyone signed in sees the list; the controls follow the server's
 * policy (`GET /api/organizations/permissions`): "New organization" for the admin and conveners, "Edit" for
 * the admin and for conveners of statements an organization takes part in, "Merge…" and "Delete" for the
 * admin. The server enforces the same rules; hiding the controls only spares users a refusal.
 */
import { useCallback, useEffect, useState } from "react";
import type { FormEvent } from "react";
import type { OrganizationDto, OrganizationPermissionsDto } from "../../shared/api";
import { api, errorMessage } from "../api";
import { StakeholderGroupLabel, StakeholderGroups } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { organizationSchema } from "../../shared/validation";
import { FormError, SelectField, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import { ErrorCode } from "../../shared/errors";
import type { FormErrors } from "../ui/form-errors";
import { LoadingBlock } from "../ui/Spinner";
import { confirmAction } from "../ui/Dialog";
import { Label, TestId } from "../testids";
import { sortOrganizations as sortByCollation } from "../../shared/collation";

type Load<T> = { status: "loading" } | { status: "ready"; data: T } | { status: "error"; message: string };

type OrganizationInput = { name: string; shortName: string; stakeholderGroup: StakeholderGroup; sortKey?: string };

/** The row's buttons sit under its name (the list's grid has the short name spanning the left column). */
const ACTIONS_STYLE = { gridColumn: "2", display: "flex", flexWrap: "wrap", gap: 6, marginTop: 6 } as const;

/** Sorts organizations by their sort key (or name) in the one collation of every list (shared/collation.ts). */
export function sortOrganizations(orgs: OrganizationDto[]): OrganizationDto[] {
  return sortByCollation(orgs);
}

/** The organizations list with the controls the caller is allowed to use. `onCreated` reloads the list. */
export function OrganizationsSection({ state, onCreated }: { state: Load<OrganizationDto[]>; onCreated: () => void }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [merging, setMerging] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [can, setCan] = useState<OrganizationPermissionsDto | null>(null);

  const loadPermissions = useCallback(() => {
    api
      .organizationPermissions()
      .then((r) => setCan(r.permissions))
      .catch(() => setCan({ create: false, merge: false, delete: false, edit: [] }));
  }, []);
  useEffect(loadPermissions, [loadPermissions, state]);

  const canEdit = (id: string) => !!can && (can.edit === "all" || can.edit.includes(id));
  const changed = () => {
    setEditing(null);
    setMerging(null);
    onCreated();
  };

  async function remove(o: OrganizationDto) {
    if (
      !confirmAction(`Delete ${o.name}? Only an organization nobody represents and nothing refers to can be deleted.`)
    )
      return;
    setError(null);
    try {
      await api.deleteOrganization(o.id);
      changed();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="card">
      <div className="section-head">
        <h2 id="orgs-heading">Organizations</h2>
        {!adding && can?.create && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAdding(true)}>
            New organization
          </button>
        )}
      </div>
      {adding && (
        <OrganizationForm
          ariaLabel="New organization"
          submitLabel={Label.newOrganization}
          submit={(body) => api.createOrganization(body)}
          onDone={(created) => {
            setAdding(false);
            if (created) onCreated();
          }}
        />
      )}
      <FormError message={error} />
      {state.status === "loading" && <LoadingBlock label="Loading organizations…" />}
      {state.status === "error" && <FormError message={state.message} />}
      {state.status === "ready" &&
        (state.data.length === 0 ? (
          <p className="muted">
            No organizations yet.{" "}
            {can?.create
              ? "Add the ones taking part so members can represent them."
              : "The administrator or a convener adds them."}
          </p>
        ) : (
          <ul className="org-list" data-testid={TestId.organizationList}>
            {sortOrganizations(state.data).map((o) =>
              editing === o.id ? (
                <li key={o.id} style={{ display: "block" }}>
                  <OrganizationForm
                    ariaLabel={`Edit ${o.name}`}
                    initial={o}
                    submitLabel="Save"
                    submit={(body) => api.updateOrganization(o.id, body)}
                    onDone={(saved) => (saved ? changed() : setEditing(null))}
                  />
                </li>
              ) : (
                <li key={o.id}>
                  <span className="org-short">{o.shortName}</span>
                  <span className="org-name">{o.name}</span>
                  <span className="org-group">{StakeholderGroupLabel[o.stakeholderGroup]}</span>
                  {(canEdit(o.id) || can?.merge || can?.delete) && (
                    <div style={ACTIONS_STYLE}>
                      {canEdit(o.id) && (
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => setEditing(o.id)}
                          aria-label={`Edit ${o.name}`}
                        >
                          Edit
                        </button>
                      )}
                      {can?.merge && state.data.length > 1 && (
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => setMerging(merging === o.id ? null : o.id)}
                          aria-label={`Merge ${o.name}`}
                        >
                          Merge…
                        </button>
                      )}
                      {can?.delete && (
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => void remove(o)}
                          aria-label={`Delete ${o.name}`}
                        >
                          Delete
                        </button>
                      )}
                    </div>
                  )}
                  {merging === o.id && (
                    <div style={{ gridColumn: "1 / -1" }}>
                      <MergeForm
                        source={o}
                        others={state.data.filter((x) => x.id !== o.id)}
                        onDone={(merged) => (merged ? changed() : setMerging(null))}
                      />
                    </div>
                  )}
                </li>
              ),
            )}
          </ul>
        ))}
    </div>
  );
}

/** Picks the organization that remains; every member, position and signature of `source` moves there. */
function MergeForm({
  source,
  others,
  onDone,
}: {
  source: OrganizationDto;
  others: OrganizationDto[];
  onDone: (merged: boolean) => void;
}) {
  const [intoId, setIntoId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const into = others.find((o) => o.id === intoId);
    if (!into) return setError("Choose the organization to keep.");
    if (
      !confirmAction(
        `Merge ${source.name} into ${into.name}? Its members, positions and signatures move to ${into.name}, and ${source.name} is removed.`,
      )
    )
      return;
    setBusy(true);
    setError(null);
    try {
      await api.mergeOrganization(source.id, { intoId: into.id });
      onDone(true);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form className="stack org-form" onSubmit={onSubmit} noValidate aria-label={`Merge ${source.name}`}>
      <FormError message={error} />
      <SelectField label={`Merge ${source.name} into`} value={intoId} onChange={(e) => setIntoId(e.target.value)}>
        <option value="">Choose…</option>
        {sortOrganizations(others).map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
        <SubmitButton busy={busy}>Merge</SubmitButton>
      </div>
    </form>
  );
}

/** The organization fields, for adding one or editing one. */
function OrganizationForm({
  ariaLabel,
  initial,
  submitLabel,
  submit,
  onDone,
}: {
  ariaLabel: string;
  initial?: OrganizationDto;
  submitLabel: string;
  submit: (body: OrganizationInput) => Promise<unknown>;
  onDone: (saved: boolean) => void;
}) {
  const [name, setName] = useState(initial?.name ?? "");
  const [shortName, setShortName] = useState(initial?.shortName ?? "");
  const [group, setGroup] = useState<StakeholderGroup | "">(initial?.stakeholderGroup ?? "");
  const [sortKey, setSortKey] = useState(initial?.sortKey ?? "");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(organizationSchema, {
      name,
      shortName,
      stakeholderGroup: group || undefined,
      // An edit that empties the field clears the sort key; a new organization simply has none.
      sortKey: sortKey.trim() ? sortKey : initial ? "" : undefined,
    });
    if (!v.ok) {
      if (v.errors.fields.stakeholderGroup) v.errors.fields.stakeholderGroup = "Choose a stakeholder group.";
      return setErrors(v.errors);
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      await submit(v.data);
      onDone(true);
    } catch (err) {
      setErrors(errorsFromRequest(err, (x) => (x.code === ErrorCode.conflict ? "name" : null)));
      setBusy(false);
    }
  }

  return (
    <form className="stack org-form" onSubmit={onSubmit} noValidate aria-label={ariaLabel}>
      <FormError message={errors.form} />
      <TextField
        label={Label.orgName}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.fields.name}
        autoFocus
      />
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
        <SubmitButton busy={busy}>{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
