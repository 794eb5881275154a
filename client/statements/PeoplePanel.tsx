/**
 * The People tab: members with role, organization and colour. The convener adds members by email (or, when
 * there is no account yet, creates a single-use invite link), sees and revokes the links nobody has used, asks
 * organizations to sign, changes roles and organizations, and removes members; everyone else sees the list
 * read-only.
 */
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import type { InviteCreatedDto, MemberDto, OrganizationDto, StatementDetailDto } from "../../shared/api";
import { Roles, canManageMembers } from "../../shared/roles";
import type { Role } from "../../shared/roles";
import { memberAddSchema } from "../../shared/validation";
import { ErrorCode } from "../../shared/errors";
import { api, errorMessage, hasErrorCode } from "../api";
import { Avatar } from "../ui/Avatar";
import { confirmAction } from "../ui/Dialog";
import { FormError, SelectField, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import type { FormErrors } from "../ui/form-errors";
import { Spinner } from "../ui/Spinner";
import { absoluteTime } from "../ui/format";
import { Label, TestId } from "../testids";
import { roleDescription, roleLabel } from "./labels";
import { sortOrganizations } from "./OrganizationsSection";
import { InviteByEmail } from "../publication/InviteByEmail";
import { OutstandingInvites } from "./OutstandingInvites";
import { AskToSign } from "../notifications/AskToSign";
import { compareNames } from "../../shared/collation";

const ROLE_ORDER: Record<Role, number> = { convener: 0, drafter: 1, reviewer: 2, observer: 3 };

/** Props of {@link PeoplePanel}. */
export interface PeoplePanelProps {
  statementId: string;
  detail: StatementDetailDto;
  /** Refetch the detail after a change (the server also pushes `members.changed`). */
  onChanged: () => void;
}

/** The People tab content. */
export function PeoplePanel({ statementId, detail, onChanged }: PeoplePanelProps) {
  const manage = canManageMembers(detail.me.role);
  const allOrgs = useAllOrganizations(manage);
  // The detail lists the organizations of members; a convener picks from all of them.
  const orgs = sortOrganizations(mergeOrganizations(detail.organizations, allOrgs));
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const members = [...detail.members].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareNames(a.name, b.name),
  );
  const [rowError, setRowError] = useState<string | null>(null);
  // Bumped when an invite is created, so the list of unused links reloads.
  const [invitesVersion, setInvites] = useState(0);

  return (
    <div className="people">
      <FormError message={rowError} />
      <ul className="member-list" data-testid={TestId.memberList} aria-label="Members">
        {members.map((m) => (
          <MemberRow
            key={m.userId}
            member={m}
            isMe={m.userId === detail.me.userId}
            manage={manage}
            orgs={orgs}
            org={m.organizationId ? (orgById.get(m.organizationId) ?? null) : null}
            statementId={statementId}
            onChanged={onChanged}
            onError={setRowError}
          />
        ))}
      </ul>
      {manage ? (
        <>
          <AddMemberForm statementId={statementId} orgs={orgs} onChanged={onChanged} />
          <InviteForm statementId={statementId} orgs={orgs} onCreated={() => setInvites((v) => v + 1)} />
          <OutstandingInvites statementId={statementId} version={invitesVersion} />
          {detail.statement.phase === "drafting" && (
            <AskToSign statementId={statementId} orgs={sortOrganizations(detail.organizations)} />
          )}
        </>
      ) : (
        <p className="muted small">Only the convener can invite people and change roles.</p>
      )}
    </div>
  );
}

/** All organizations of the instance (for the convener's pickers); empty until loaded or when not needed. */
function useAllOrganizations(enabled: boolean): OrganizationDto[] {
  const [orgs, setOrgs] = useState<OrganizationDto[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api.organizations().then(
      ({ organizations }) => live && setOrgs(organizations),
      () => {
        // The member's own organizations from the detail still work as a fallback.
      },
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return orgs;
}

function mergeOrganizations(a: OrganizationDto[], b: OrganizationDto[]): OrganizationDto[] {
  const byId = new Map<string, OrganizationDto>();
  for (const o of [...a, ...b]) byId.set(o.id, o);
  return [...byId.values()];
}

function OrgOptions({ orgs, compact }: { orgs: OrganizationDto[]; compact?: boolean }) {
  return (
    <>
      <option value="">No organization</option>
      {orgs.map((o) => (
        <option key={o.id} value={o.id} title={o.name}>
          {compact ? o.shortName : `${o.shortName} — ${o.name}`}
        </option>
      ))}
    </>
  );
}

function RoleOptions() {
  return (
    <>
      {Roles.map((r) => (
        <option key={r} value={r}>
          {roleLabel(r)}
        </option>
      ))}
    </>
  );
}

function MemberRow(props: {
  member: MemberDto;
  isMe: boolean;
  manage: boolean;
  orgs: OrganizationDto[];
  org: OrganizationDto | null;
  statementId: string;
  onChanged: () => void;
  onError: (message: string | null) => void;
}) {
  const { member: m, isMe, manage, orgs, org, statementId, onChanged, onError } = props;
  const [busy, setBusy] = useState(false);

  async function change(body: { role?: Role; organizationId?: string | null }) {
    setBusy(true);
    onError(null);
    try {
      await api.updateMember(statementId, { userId: m.userId, ...body });
      onChanged();
    } catch (e) {
      onError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    const who = isMe ? "yourself" : m.name;
    if (!confirmAction(`Remove ${who} from this statement? ${isMe ? "You" : "They"} will lose access right away.`))
      return;
    setBusy(true);
    onError(null);
    try {
      await api.removeMember(statementId, { userId: m.userId });
      onChanged();
    } catch (e) {
      onError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <li className="member" data-testid={TestId.memberRow} data-user-id={m.userId} aria-busy={busy || undefined}>
      <Avatar name={m.name} color={m.color} size="md" />
      <div className="member-main">
        <div className="member-name">
          {m.name} {isMe && <span className="muted">(you)</span>}
        </div>
        <div className="member-sub muted small" title={`Added ${absoluteTime(m.addedAt)}`}>
          {m.email}
        </div>
        {manage ? (
          <div className="member-controls">
            <SelectField
              label={`Role of ${m.name}`}
              hideLabel
              value={m.role}
              disabled={busy}
              onChange={(e) => void change({ role: e.target.value as Role })}
            >
              <RoleOptions />
            </SelectField>
            <SelectField
              label={`Organization of ${m.name}`}
              hideLabel
              value={m.organizationId ?? ""}
              disabled={busy}
              onChange={(e) => void change({ organizationId: e.target.value || null })}
            >
              <OrgOptions orgs={orgs} compact />
            </SelectField>
            <button
              type="button"
              className="btn-icon btn-danger-icon"
              aria-label={`Remove ${m.name}`}
              title="Remove"
              onClick={remove}
              disabled={busy}
            >
              <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
                <path
                  d="M5 6h10M8 6V4h4v2M6.5 6l.7 10h5.6l.7-10"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.6"
                  strokeLinejoin="round"
                />
              </svg>
            </button>
            {busy && <Spinner label="Saving" />}
          </div>
        ) : (
          <div className="member-sub small">
            <span className="role-chip" title={roleDescription(m.role)}>
              {roleLabel(m.role)}
            </span>
            {org && <span title={org.name}> · {org.shortName}</span>}
          </div>
        )}
      </div>
    </li>
  );
}

function AddMemberForm({
  statementId,
  orgs,
  onChanged,
}: {
  statementId: string;
  orgs: OrganizationDto[];
  onChanged: () => void;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("drafter");
  const [organizationId, setOrg] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [noAccount, setNoAccount] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setNoAccount(null);
    setAdded(null);
    const v = validate(memberAddSchema, { email, role, organizationId: organizationId || null });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { member } = await api.addMember(statementId, v.data);
      setAdded(`${member.name} was added as ${roleLabel(member.role).toLowerCase()}.`);
      setEmail("");
      onChanged();
    } catch (err) {
      if (hasErrorCode(err, ErrorCode.notFound)) {
        setNoAccount(v.data.email);
      } else {
        setErrors(errorsFromRequest(err, (x) => (x.code === ErrorCode.conflict ? "email" : null)));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel-section" aria-labelledby="add-member-heading">
      <h3 id="add-member-heading">Add a member</h3>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormError message={errors.form} />
        <TextField
          label={Label.memberEmail}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.fields.email}
          placeholder="name@example.org"
        />
        <div className="row">
          <SelectField
            label={Label.memberRole}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            error={errors.fields.role}
          >
            <RoleOptions />
          </SelectField>
          <SelectField
            label={Label.memberOrganization}
            value={organizationId}
            onChange={(e) => setOrg(e.target.value)}
            error={errors.fields.organizationId}
          >
            <OrgOptions orgs={orgs} />
          </SelectField>
        </div>
        <SubmitButton busy={busy} variant="secondary">
          {Label.addMember}
        </SubmitButton>
        {added && (
          <p className="success small" role="status">
            {added}
          </p>
        )}
        {noAccount && (
          <div className="notice small" role="status">
            No one has an account with <strong>{noAccount}</strong> yet. Create an invite link below with the same role
            and send it to them.
          </div>
        )}
      </form>
    </section>
  );
}

const EXPIRY_CHOICES = [
  { hours: 24, label: "1 day" },
  { hours: 24 * 7, label: "7 days" },
  { hours: 24 * 30, label: "30 days" },
] as const;

function InviteForm({
  statementId,
  orgs,
  onCreated,
}: {
  statementId: string;
  orgs: OrganizationDto[];
  onCreated: () => void;
}) {
  const [role, setRole] = useState<Role>("drafter");
  const [organizationId, setOrg] = useState("");
  const [hours, setHours] = useState<number>(24 * 7);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState<InviteCreatedDto | null>(null);
  const [copied, setCopied] = useState(false);
  const url = invite ? new URL(invite.path, window.location.origin).toString() : "";

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setInvite(
        await api.createInvite(statementId, { role, organizationId: organizationId || null, expiresInHours: hours }),
      );
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Clipboard blocked (insecure origin): select the text so the user can copy it by hand.
      (document.getElementById("invite-url") as HTMLInputElement | null)?.select();
    }
  }

  return (
    <section className="panel-section" aria-labelledby="invite-heading">
      <h3 id="invite-heading">Invite with a link</h3>
      <p className="muted small">
        Each link lets one person join, once, with this role, until it expires: create one link per person. Unused links
        are listed below, where you can revoke them.
      </p>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormError message={error} />
        <div className="row">
          <SelectField label="Invite role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </SelectField>
          <SelectField label="Invite organization" value={organizationId} onChange={(e) => setOrg(e.target.value)}>
            <OrgOptions orgs={orgs} />
          </SelectField>
        </div>
        <SelectField
          label="Link expires after"
          value={String(hours)}
          onChange={(e) => setHours(Number(e.target.value))}
        >
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.hours} value={c.hours}>
              {c.label}
            </option>
          ))}
        </SelectField>
        <SubmitButton busy={busy} variant="secondary">
          {Label.createInvite}
        </SubmitButton>
      </form>
      <InviteByEmail
        statementId={statementId}
        role={role}
        organizationId={organizationId || null}
        hours={hours}
        onSent={onCreated}
      />
      {invite && (
        <div className="invite-result">
          <label htmlFor="invite-url" className="small">
            Invite link for a {roleLabel(role).toLowerCase()} (expires {absoluteTime(invite.expiresAt)})
          </label>
          <div className="copy-row">
            <input
              id="invite-url"
              readOnly
              value={url}
              data-testid={TestId.inviteLink}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" className="btn btn-primary btn-sm" onClick={copy}>
              {copied ? "Copied" : Label.copyInvite}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
