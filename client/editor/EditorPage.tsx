/**
 * `/s/:id`: the statement editor. Loads the statement detail (role, phase, members), opens the realtime
 * document, and lays out the header (title, phase, presence, connection, export), the read-only banner,
 * the editor, and the side panel (People + the tabs features register in `plugins.ts`).
 */
// The features register their extensions and tabs when imported: part of this (lazily loaded) chunk.
import "../features";
import { useCallback, useMemo, useState } from "react";
import type { FormEvent } from "react";
import type { Editor } from "@tiptap/core";
import type { StatementDetailDto } from "../../shared/api";
import { canEditText, canManageMembers } from "../../shared/roles";
import { Limits } from "../../shared/validation";
import { CloseCode } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";
import { ErrorCode } from "../../shared/errors";
import { api, errorMessage } from "../api";
import { AppLayout } from "../app/Layout";
import { Link, navigate } from "../app/router";
import { useSession } from "../app/session";
import { PeoplePanel } from "../statements/PeoplePanel";
import { PhaseBadge, RoleBadge } from "../statements/labels";
import { useStatementDetail } from "../statements/useStatementDetail";
import type { DeniedCode } from "../statements/useStatementDetail";
import { LoadingBlock } from "../ui/Spinner";
import { TestId } from "../testids";
import { useCollaboration, useConnectionState, useLeaveWarning, usePresence, useRefusal } from "./collaboration";
import type { Collaboration, ConnectionState } from "./collaboration";
import { ConnectionPill } from "./ConnectionPill";
import { RefusedEditNotice } from "./RefusedEditNotice";
import { ExportButton } from "./ExportButton";
import { ImportButton } from "../import/ImportButton";
import { SearchBar } from "../search/SearchBar";
import { PresenceList } from "./PresenceList";
import { ReadOnlyBanner } from "./ReadOnlyBanner";
import { FinalBanner } from "../signoff/FinalBanner";
import { SidePanel } from "./SidePanel";
import type { PanelTab } from "./SidePanel";
import { StatementEditor } from "./StatementEditor";
import { SidePanelSlot, editorExtensionFactories, registeredSidePanelTabs } from "./plugins";
import { useConnectionAnnouncements, useEditorAnnouncements } from "./announcements";
import { useCaretPlaces } from "./caret-places";
import type { EditorPageContext, SidePanelTab } from "./plugins";

/** The editor page for statement `id`. */
export function EditorPage({ id }: { id: string }) {
  const { state, reload } = useStatementDetail(id);
  const onEvent = useCallback(
    (event: AppEvent) => {
      if (
        event.type === "members.changed" ||
        event.type === "statement.changed" ||
        event.type === "locked" ||
        event.type === "unlocked"
      ) {
        reload();
      }
    },
    [reload],
  );
  // The local copy of unsent edits belongs to the signed-in user (the page is behind RequireUser, so the
  // session is known before it renders).
  const userId = useSession().user?.id ?? null;
  // Opened at once, in parallel with the detail request (the server checks access at the upgrade too), and
  // closed as soon as the detail says we may not read the statement, so a refused socket does not keep retrying.
  // A refused edit refetches the statement: the refusal usually means the phase or our role changed.
  const collab = useCollaboration(state.status === "denied" ? null : id, userId, {
    onEvent,
    onRightsChanged: reload,
    onRefused: reload,
  });

  if (state.status === "loading") {
    return (
      <AppLayout wide>
        <LoadingBlock label="Opening the statement…" />
      </AppLayout>
    );
  }
  if (state.status === "denied") {
    return <AccessLost code={state.code} message={state.message} hadAccess={state.hadAccess} statementId={id} />;
  }
  if (state.status === "error") {
    return (
      <AppLayout wide>
        <div className="empty">
          <p className="empty-title">This statement could not be loaded</p>
          <p>{state.message}</p>
          <button type="button" className="btn btn-secondary" onClick={reload}>
            Try again
          </button>
        </div>
      </AppLayout>
    );
  }
  return <LoadedEditor id={id} detail={state.detail} reload={reload} collab={collab} />;
}

function AccessLost({
  code,
  message,
  hadAccess,
  statementId,
}: {
  code: DeniedCode;
  message: string;
  hadAccess: boolean;
  statementId: string;
}) {
  const loginHref = `/login?next=${encodeURIComponent(`/s/${statementId}`)}`;
  return (
    <AppLayout wide>
      <div className="empty" data-testid={TestId.accessLost} role="alert">
        {code === ErrorCode.unauthorized ? (
          <>
            <p className="empty-title">Your session has ended</p>
            <p>Log in again to continue.</p>
            <Link to={loginHref} className="btn btn-primary">
              Log in
            </Link>
          </>
        ) : hadAccess ? (
          <>
            <p className="empty-title">You no longer have access</p>
            <p>You were removed from this statement, or it was deleted.</p>
            <Link to="/" className="btn btn-secondary">
              Back to your statements
            </Link>
          </>
        ) : (
          <>
            <p className="empty-title">
              {code === ErrorCode.notFound ? "Statement not found" : "You do not have access"}
            </p>
            <p>{message}</p>
            <Link to="/" className="btn btn-secondary">
              Back to your statements
            </Link>
          </>
        )}
      </div>
    </AppLayout>
  );
}

/** What a terminal close of the socket means for the user, or null if it is not terminal. */
function closedMessage(conn: ConnectionState): { title: string; text: string; login: boolean } | null {
  if (conn.kind !== "closed") return null;
  switch (conn.closeCode) {
    case CloseCode.unauthorized:
      return { title: "Your session has ended", text: "Log in again to keep working on this statement.", login: true };
    case CloseCode.forbidden:
      return {
        title: "You no longer have access",
        text: "A convener removed you from this statement, or your access changed.",
        login: false,
      };
    case CloseCode.notFound:
      return { title: "This statement no longer exists", text: "It may have been deleted.", login: false };
    case CloseCode.documentTooLarge:
      return {
        title: "The document is too large",
        text: "The server refused further changes. Contact the convener.",
        login: false,
      };
    default:
      return {
        title: "Disconnected",
        text: conn.reason || "The server closed the connection. Reload the page to reconnect.",
        login: false,
      };
  }
}

function LoadedEditor({
  id,
  detail,
  reload,
  collab,
}: {
  id: string;
  detail: StatementDetailDto;
  reload: () => void;
  collab: Collaboration | null;
}) {
  const { user } = useSession();
  const [editor, setEditor] = useState<Editor | null>(null);
  const connection = useConnectionState(collab);
  const refusal = useRefusal(collab);
  useLeaveWarning(connection.unsent);
  useConnectionAnnouncements(connection);
  const presence = usePresence(collab?.provider ?? null);
  const caretPlaces = useCaretPlaces(editor, collab?.provider ?? null);
  const { statement, me } = detail;
  const closed = closedMessage(connection);
  const canEdit = canEditText(me.role, statement.phase) && !closed && connection.kind !== "refused";

  const awarenessUser = useMemo(
    () => ({
      id: me.userId,
      name: user?.name ?? detail.members.find((m) => m.userId === me.userId)?.name ?? "Me",
      color: me.color,
    }),
    [me.userId, me.color, user?.name, detail.members],
  );

  const ctx: EditorPageContext | null = collab
    ? {
        statementId: id,
        detail,
        reloadDetail: reload,
        ydoc: collab.ydoc,
        provider: collab.provider,
        editor,
        canEdit,
        onAppEvent: collab.onAppEvent,
      }
    : null;

  useEditorAnnouncements(ctx, me.userId);

  // Extensions are built once per connection: the editor is recreated only when the document changes.
  const extensions = useMemo(
    () => {
      if (!ctx) return [];
      const { editor: _e, ...extCtx } = ctx;
      return editorExtensionFactories().flatMap((f) => f(extCtx));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [collab],
  );

  const tabs: PanelTab[] = useMemo(() => {
    if (!ctx) return [];
    const registered = registeredSidePanelTabs();
    const byId = new Map(registered.map((t) => [t.id, t]));
    const people: SidePanelTab = {
      id: "people",
      label: "People",
      order: 0,
      badge: () => detail.members.length,
      render: () => <PeoplePanel statementId={id} detail={detail} onChanged={reload} />,
    };
    // Reserved slots show a placeholder until their feature registers a tab with the same id.
    const slots = Object.values(SidePanelSlot).map(
      (slot): SidePanelTab =>
        byId.get(slot.id) ?? {
          id: slot.id,
          label: slot.label,
          order: slot.order,
          render: () => (
            <div className="slot-placeholder" data-slot={slot.id}>
              <p className="muted">{slot.label} will appear here.</p>
            </div>
          ),
        },
    );
    const others = registered.filter(
      (t) => !Object.values(SidePanelSlot).some((s) => s.id === t.id) && t.id !== "people",
    );
    return [people, ...slots, ...others]
      .sort((a, b) => (a.order ?? 100) - (b.order ?? 100))
      .map((t) => ({
        id: t.id,
        label: t.label,
        badge: t.badge ? () => t.badge!(ctx) : undefined,
        subscribeBadge: t.subscribeBadge ? (onChange: () => void) => t.subscribeBadge!(ctx, onChange) : undefined,
        render: () => t.render(ctx),
      }));
    // ctx is rebuilt every render from these parts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [collab, detail, editor, canEdit, id, reload]);

  return (
    <AppLayout wide>
      <div className="editor-page">
        <header className="doc-header">
          <div className="doc-header-main">
            <Link to="/" className="back-link">
              ← All statements
            </Link>
            <TitleEditor
              id={id}
              title={statement.title}
              canRename={canManageMembers(me.role) && statement.phase === "drafting"}
              onRenamed={reload}
            />
            <div className="doc-meta">
              <PhaseBadge phase={statement.phase} />
              <RoleBadge role={me.role} />
              <ConnectionPill state={connection} />
            </div>
          </div>
          <div className="doc-header-side">
            <PresenceList people={presence} places={caretPlaces} />
            <ImportButton statementId={id} editor={editor} provider={collab?.provider ?? null} canEdit={canEdit} />
            <ExportButton statementId={id} slug={statement.slug} ydoc={collab?.ydoc ?? null} />
          </div>
        </header>
        {closed && (
          <div className="banner banner-danger" role="alert" data-testid={TestId.accessLost}>
            <strong>{closed.title}.</strong> <span>{closed.text}</span>{" "}
            {closed.login ? (
              <Link to={`/login?next=${encodeURIComponent(`/s/${id}`)}`}>Log in again</Link>
            ) : (
              <button type="button" className="link-button" onClick={() => navigate("/")}>
                Back to your statements
              </button>
            )}
          </div>
        )}
        <RefusedEditNotice refusal={refusal} onDismiss={() => collab?.refusals.dismiss()} />
        <ReadOnlyBanner role={me.role} phase={statement.phase} />
        {statement.phase === "final" && (
          <FinalBanner key={statement.updatedAt} statementId={id} canPublish={canManageMembers(me.role)} />
        )}
        <div className="editor-layout">
          <section className="editor-column" aria-label="Statement">
            {ctx && <SearchBar ctx={ctx} />}
            {collab && ctx ? (
              <StatementEditor
                key={`${id}:${collab.ydoc.guid}`}
                ydoc={collab.ydoc}
                provider={collab.provider}
                user={awarenessUser}
                editable={canEdit}
                extensions={extensions}
                onEditor={setEditor}
              />
            ) : (
              <LoadingBlock label="Connecting…" />
            )}
          </section>
          {tabs.length > 0 && <SidePanel tabs={tabs} />}
        </div>
      </div>
    </AppLayout>
  );
}

/** The statement title; the convener can rename it in place while drafting. */
function TitleEditor({
  id,
  title,
  canRename,
  onRenamed,
}: {
  id: string;
  title: string;
  canRename: boolean;
  onRenamed: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const next = value.trim();
    if (!next) return setError("Enter a title.");
    if (next === title) return setEditing(false);
    setBusy(true);
    try {
      await api.renameStatement(id, { title: next });
      setEditing(false);
      setError(null);
      onRenamed();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!editing) {
    return (
      <h1 className="doc-title" data-testid={TestId.statementTitle}>
        {title}
        {canRename && (
          <button
            type="button"
            className="btn-icon title-edit"
            aria-label="Rename statement"
            title="Rename"
            onClick={() => {
              setValue(title);
              setEditing(true);
            }}
          >
            <svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true">
              <path d="M4 14.5V16h1.5l8.5-8.5L12.5 6 4 14.5ZM13.5 5l1.5 1.5 1-1L14.5 4l-1 1Z" fill="currentColor" />
            </svg>
          </button>
        )}
      </h1>
    );
  }
  return (
    <form className="title-form" onSubmit={onSubmit}>
      <input
        aria-label="Statement title"
        value={value}
        maxLength={Limits.titleMax}
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
      />
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
        Save
      </button>
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error && <span className="field-error">{error}</span>}
    </form>
  );
}
