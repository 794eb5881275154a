/**
 * The History tab: the statement's versions (who, when, why), one-click "changes since my organization signed"
 * and "since my organization's positions", comparing any two versions (or one with the current text), opening a
 * version read-only, restoring one as a new change (drafters and the convener, while drafting), naming the
 * current text, and "who wrote this" with the convener's summary per organization.
 */
import { useEffect, useId, useState } from "react";
import type { FormEvent } from "react";
import { api, errorMessage } from "../api";
import type { EditorPageContext } from "../editor/plugins";
import { Dialog } from "../ui/Dialog";
import { canEditText, canManageMembers } from "../../shared/roles";
import { VersionKindLabel } from "../../shared/history";
import type { HistoryVersionDto } from "../../shared/history";
import { HistoryTestId } from "./testids";
import { useLoad } from "./useLoad";
import { DiffBetween, OrganizationSummary, SincePositions, SinceSignature, VersionText, WhoWrote } from "./views";
import "./history.css";

/** What the lower part of the tab shows. */
type View =
  | { kind: "none" }
  | { kind: "version"; id: number }
  | { kind: "diff"; from: number | "current"; to: number | "current" }
  | { kind: "since-signature" }
  | { kind: "since-positions" }
  | { kind: "who-wrote"; at: number | "current" }
  | { kind: "summary" };

const CURRENT = "current";

/** How a version is named in lists and menus. */
function versionLabel(v: HistoryVersionDto): string {
  const what = v.name ? `“${v.name}”` : VersionKindLabel[v.kind];
  const org = v.organizationName ? ` for ${v.organizationName}` : "";
  return `#${v.id} ${what}${org}`;
}

/** The tab's content. */
export function HistoryPanel({ ctx }: { ctx: EditorPageContext }) {
  const { statementId, detail } = ctx;
  const { me, statement } = detail;
  const list = useLoad(() => api.historyVersions(statementId), statementId);
  const { reload } = list;
  const [view, setView] = useState<View>({ kind: "none" });
  const [from, setFrom] = useState<string>("");
  const [to, setTo] = useState<string>(CURRENT);
  const [restoring, setRestoring] = useState<HistoryVersionDto | null>(null);
  const mayEdit = canEditText(me.role, statement.phase);
  const ids = useId();

  useEffect(
    () =>
      ctx.onAppEvent((e) => {
        if (e.type === "history.changed" || e.type === "locked" || e.type === "unlocked") reload();
      }),
    [ctx, reload],
  );

  const versions = list.data?.versions ?? [];
  const side = (v: string): number | "current" => (v === CURRENT ? CURRENT : Number(v));
  const fromValue = from || (versions[0] ? String(versions[0].id) : CURRENT);

  function compare(e: FormEvent) {
    e.preventDefault();
    setView({ kind: "diff", from: side(fromValue), to: side(to) });
  }

  return (
    <div className="history-panel" data-testid={HistoryTestId.panel}>
      <div className="history-actions" role="group" aria-label="What changed">
        {me.organizationId && (
          <>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              aria-pressed={view.kind === "since-signature"}
              onClick={() => setView({ kind: "since-signature" })}
            >
              Changes since my organization signed
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              aria-pressed={view.kind === "since-positions"}
              onClick={() => setView({ kind: "since-positions" })}
            >
              Changes since my organization&apos;s positions
            </button>
          </>
        )}
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          aria-pressed={view.kind === "who-wrote"}
          onClick={() => setView({ kind: "who-wrote", at: CURRENT })}
        >
          Who wrote this
        </button>
        {canManageMembers(me.role) && (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            aria-pressed={view.kind === "summary"}
            onClick={() => setView({ kind: "summary" })}
          >
            Contributions per organization
          </button>
        )}
      </div>

      <form className="history-compare" onSubmit={compare} aria-label="Compare versions">
        <label htmlFor={`${ids}-from`} className="small">
          Compare
        </label>
        <select id={`${ids}-from`} value={fromValue} onChange={(e) => setFrom(e.target.value)}>
          {versions.map((v) => (
            <option key={v.id} value={v.id}>
              {versionLabel(v)}
            </option>
          ))}
          <option value={CURRENT}>Current text</option>
        </select>
        <label htmlFor={`${ids}-to`} className="small">
          with
        </label>
        <select id={`${ids}-to`} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value={CURRENT}>Current text</option>
          {versions.map((v) => (
            <option key={v.id} value={v.id}>
              {versionLabel(v)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-primary btn-sm">
          Compare
        </button>
      </form>

      <section className="history-view" aria-live="polite">
        {view.kind !== "none" && (
          <button
            type="button"
            className="btn btn-secondary btn-sm history-close"
            onClick={() => setView({ kind: "none" })}
          >
            Close
          </button>
        )}
        {view.kind === "version" && <VersionText key={view.id} statementId={statementId} versionId={view.id} />}
        {view.kind === "diff" && (
          <DiffBetween key={`${view.from}:${view.to}`} statementId={statementId} from={view.from} to={view.to} />
        )}
        {view.kind === "since-signature" && <SinceSignature statementId={statementId} />}
        {view.kind === "since-positions" && <SincePositions statementId={statementId} />}
        {view.kind === "who-wrote" && <WhoWrote key={String(view.at)} statementId={statementId} versionId={view.at} />}
        {view.kind === "summary" && <OrganizationSummary statementId={statementId} />}
      </section>

      {mayEdit && <NameVersion statementId={statementId} onNamed={reload} />}

      <section aria-label="Versions">
        {list.status === "error" && (
          <p className="form-error" role="alert">
            {list.message}
          </p>
        )}
        {list.data === null && list.status === "loading" && (
          <p className="muted" role="status">
            Loading versions…
          </p>
        )}
        {list.data && versions.length === 0 && (
          <p className="muted">
            No versions yet. One is kept after each burst of editing, at each signature and at the lock.
          </p>
        )}
        <ol className="history-versions" data-testid={HistoryTestId.versions}>
          {versions.map((v) => (
            <li
              key={v.id}
              className="history-version"
              data-testid={HistoryTestId.version}
              data-version-id={v.id}
              data-kind={v.kind}
            >
              <div>
                <strong>{versionLabel(v)}</strong>
                <p className="small muted">
                  {VersionKindLabel[v.kind]} · {v.createdByName ?? "automatic"} ·{" "}
                  <time dateTime={new Date(v.createdAt).toISOString()}>{new Date(v.createdAt).toLocaleString()}</time>
                </p>
              </div>
              <div className="history-version-actions">
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  aria-label={`View ${versionLabel(v)}`}
                  onClick={() => setView({ kind: "version", id: v.id })}
                >
                  View
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  aria-label={`Compare ${versionLabel(v)} with the current text`}
                  onClick={() => setView({ kind: "diff", from: v.id, to: CURRENT })}
                >
                  Changes since
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  aria-label={`Who wrote ${versionLabel(v)}`}
                  onClick={() => setView({ kind: "who-wrote", at: v.id })}
                >
                  Who wrote
                </button>
                {mayEdit && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    aria-label={`Restore ${versionLabel(v)}`}
                    onClick={() => setRestoring(v)}
                  >
                    Restore
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      </section>

      <RestoreDialog
        statementId={statementId}
        version={restoring}
        onClose={() => setRestoring(null)}
        onRestored={(v) => {
          setRestoring(null);
          reload();
          setView({ kind: "version", id: v.id });
        }}
      />
    </div>
  );
}

/** Names the current text as a version. */
function NameVersion({ statementId, onNamed }: { statementId: string; onNamed: () => void }) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError("Give the version a name.");
    setBusy(true);
    try {
      await api.nameVersion(statementId, { name: name.trim() });
      setName("");
      setError(null);
      onNamed();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="history-name" onSubmit={onSubmit}>
      <label htmlFor={id} className="small">
        Name the current text
      </label>
      <input
        id={id}
        value={name}
        maxLength={120}
        placeholder="Draft sent to members"
        aria-invalid={error ? true : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="btn btn-secondary btn-sm" disabled={busy}>
        {busy ? "Saving…" : "Save version"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** Confirms a restore: it becomes a new change in my name; nothing of the record is erased. */
function RestoreDialog({
  statementId,
  version,
  onClose,
  onRestored,
}: {
  statementId: string;
  version: HistoryVersionDto | null;
  onClose: () => void;
  onRestored: (v: HistoryVersionDto) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function restore() {
    if (!version) return;
    setBusy(true);
    try {
      const { version: restored } = await api.restoreVersion(statementId, version.id, {});
      setError(null);
      onRestored(restored);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={version !== null}
      title="Restore this version?"
      onClose={() => {
        setError(null);
        onClose();
      }}
    >
      {version && (
        <>
          <p>
            The text becomes {versionLabel(version)} again, as a new change made by you. Every version stays in the
            history; clauses that differ are replaced, so positions on them become stale.
          </p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" data-autofocus onClick={restore} disabled={busy}>
              {busy ? "Restoring…" : "Restore"}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
