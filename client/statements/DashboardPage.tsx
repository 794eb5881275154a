/**
 * `/`: the signed-in user's statements (title, role, phase, last edit) with a "New statement" form, and the
 * organizations of the instance with a "New organization" form.
 */
import { useCallback, useEffect, useRef, useState } from "react";
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
import { useNotificationArrivals } from "../notifications/store";
import type { Converted } from "../import/convert";
import "../import/import.css";
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
  // Live: being added to a statement (or its lock) arrives on my notification stream; the list follows.
  useNotificationArrivals(
    useCallback((n) => (n.kind === "added" || n.kind === "locked") && loadStatements(), [loadStatements]),
  );

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

/**
 * A one-line form: title → creates the statement and opens it; optionally from a file (.md, .docx, .html),
 * which is converted here first — a refused file creates nothing — and put into the new statement's editor
 * (client/import/ImportButton.tsx) once it has opened.
 */
function NewStatementForm() {
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [file, setFile] = useState<FileState>({ state: "none" });
  const fileInput = useRef<HTMLInputElement>(null);

  async function onFile(chosen: File) {
    setFile({ state: "reading", name: chosen.name });
    try {
      const { convertFile } = await import("../import/convert");
      const converted = await convertFile(chosen);
      setFile({ state: "ready", name: chosen.name, converted });
      if (title.trim() === "") setTitle(suggestedTitle(converted.html, chosen.name));
    } catch (err) {
      setFile({ state: "refused", name: chosen.name, message: importRefusalMessage(err) });
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (file.state === "reading") return;
    if (file.state === "refused") return fileInput.current?.focus();
    const v = validate(statementCreateSchema, { title });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { statement } = await api.createStatement(v.data);
      if (file.state === "ready") {
        const { setPendingImport } = await import("../import/pending");
        setPendingImport(statement.id, { fileName: file.name, converted: file.converted });
      }
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
      <div className="new-statement-file">
        <input
          ref={fileInput}
          id="new-statement-file"
          type="file"
          accept={IMPORT_ACCEPT_LIST}
          className="visually-hidden"
          aria-label="Start from a file (.md, .docx, .html)"
          aria-describedby="new-statement-file-status"
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            e.target.value = "";
            if (chosen) void onFile(chosen);
          }}
        />
        <label className="btn btn-secondary btn-sm" htmlFor="new-statement-file">
          {file.state === "none" ? "Start from a file…" : "Choose another file…"}
        </label>
        <span id="new-statement-file-status" className="muted small" role="status" data-state={file.state}>
          {file.state === "none" && "Markdown, Word or HTML; images and tables are not kept as such."}
          {file.state === "reading" && <>Reading “{file.name}”…</>}
          {file.state === "ready" && (
            <>
              “{file.name}” is ready to import
              {file.converted.notices.length > 0 ? `: ${file.converted.notices.join(" ")}` : "."}{" "}
              <button type="button" className="link-button" onClick={() => setFile({ state: "none" })}>
                Don’t import it
              </button>
            </>
          )}
        </span>
        {file.state === "refused" && (
          <p className="field-error" role="alert">
            {file.message}
          </p>
        )}
      </div>
    </form>
  );
}

/** The file chosen for a new statement, as far as it got. */
type FileState =
  | { state: "none" }
  | { state: "reading"; name: string }
  | { state: "ready"; name: string; converted: Converted }
  | { state: "refused"; name: string; message: string };

/** What the file picker offers (client/import/convert.ts reads these kinds). */
const IMPORT_ACCEPT_LIST = ".md,.markdown,.txt,.docx,.html,.htm,text/markdown,text/html";

function importRefusalMessage(err: unknown): string {
  return err instanceof Error && err.name !== "TypeError" && err.message
    ? err.message
    : "The file could not be read. It may be damaged.";
}

/** The imported text's first heading, else the file's name without its extension. */
function suggestedTitle(html: string, fileName: string): string {
  const heading = new DOMParser().parseFromString(html, "text/html").querySelector("h1, h2, h3");
  const text = (heading?.textContent ?? "").replace(/\s+/g, " ").trim();
  const fallback = fileName
    .replace(/\.[^.]+$/, "")
    .replace(/[-_]+/g, " ")
    .trim();
  return (text || fallback).slice(0, Limits.titleMax);
}
