/**
 * `/`: the signed-in user's statements (title, role, phase, last edit) with a "New statement" form, and the
 * organizations of the instance with a "New organization" form.
 */
import { useCallback, useEffect, useState } from "react";
import type { FormEvent } from "react";
import type { OrganizationDto, StatementSummaryDto } from "../../shared/api";
import { api, errorMessage } from "../api";
import { AppLayout } from "../app/Layout";
import { Link, navigate } from "../app/router";
import { statementCreateSchema, Limits } from "../../shared/validation";
import { FormError, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import type { FormErrors } from "../ui/form-errors";
import { LoadingBlock } from "../ui/Spinner";
import { absoluteTime, relativeTime } from "../ui/format";
import { Label, TestId } from "../testids";
import { PhaseBadge, RoleBadge } from "./labels";
import { OrganizationsSection } from "./OrganizationsSection";
import { UnreadThreadsBadge, useUnreadCounts } from "../comments/UnreadBadge";
import { plural } from "../../shared/plural";

type Load<T> = { status: "loading" } | { status: "ready"; data: T } | { status: "error"; message: string };

/** The dashboard page. */
export function DashboardPage() {
  const [statements, setStatements] = useState<Load<StatementSummaryDto[]>>({ status: "loading" });
  const [organizations, setOrganizations] = useState<Load<OrganizationDto[]>>({ status: "loading" });

  const loadStatements = useCallback(() => {
    api.statements().then(
      ({ statements }) =>
        setStatements({ status: "ready", data: [...statements].sort((a, b) => b.updatedAt - a.updatedAt) }),
      (e) => setStatements({ status: "error", message: errorMessage(e) }),
    );
  }, []);
  const loadOrganizations = useCallback(() => {
    api.organizations().then(
      ({ organizations }) => setOrganizations({ status: "ready", data: organizations }),
      (e) => setOrganizations({ status: "error", message: errorMessage(e) }),
    );
  }, []);
  useEffect(() => {
    loadStatements();
    loadOrganizations();
  }, [loadStatements, loadOrganizations]);

  return (
    <AppLayout>
      <div className="dashboard">
        <section className="dashboard-main" aria-labelledby="statements-heading">
          <div className="section-head">
            <h1 id="statements-heading">Your statements</h1>
          </div>
          <NewStatementForm />
          {statements.status === "loading" && <LoadingBlock label="Loading statements…" />}
          {statements.status === "error" && <FormError message={statements.message} />}
          {statements.status === "ready" && <StatementList statements={statements.data} />}
        </section>
        <aside className="dashboard-side" aria-labelledby="orgs-heading">
          <OrganizationsSection state={organizations} onCreated={loadOrganizations} />
        </aside>
      </div>
    </AppLayout>
  );
}

function StatementList({ statements }: { statements: StatementSummaryDto[] }) {
  const unread = useUnreadCounts();
  if (statements.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">No statements yet</p>
        <p>Start one above, or open an invitation link a convener sent you.</p>
      </div>
    );
  }
  return (
    <ul className="statement-list" data-testid={TestId.statementList}>
      {statements.map((s) => (
        <li key={s.id} className="statement-item" data-testid={TestId.statementItem} data-statement-id={s.id}>
          <Link to={`/s/${encodeURIComponent(s.id)}`} className="statement-link">
            <span className="statement-title">{s.title}</span>
            <span className="statement-meta">
              <RoleBadge role={s.role} />
              <PhaseBadge phase={s.phase} />
              <UnreadThreadsBadge count={unread[s.id]} />
              <span className="muted">{plural(s.memberCount, "member")}</span>
              <span className="muted" title={absoluteTime(s.updatedAt)}>
                Edited <time dateTime={new Date(s.updatedAt).toISOString()}>{relativeTime(s.updatedAt)}</time>
              </span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** A one-line form: title → creates the statement and opens it. */
function NewStatementForm() {
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(statementCreateSchema, { title });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { statement } = await api.createStatement(v.data);
      navigate(`/s/${encodeURIComponent(statement.id)}`);
    } catch (err) {
      setErrors(errorsFromRequest(err));
      setBusy(false);
    }
  }

  return (
    <form className="card new-statement" onSubmit={onSubmit} noValidate aria-label="New statement">
      <FormError message={errors.form} />
      <div className="inline-form">
        <TextField
          label={Label.statementTitle}
          placeholder="e.g. Joint Statement of Purpose on Internet Number Resources"
          value={title}
          maxLength={Limits.titleMax}
          onChange={(e) => setTitle(e.target.value)}
          error={errors.fields.title}
          className="grow"
        />
        <SubmitButton busy={busy}>{Label.newStatement}</SubmitButton>
      </div>
    </form>
  );
}
