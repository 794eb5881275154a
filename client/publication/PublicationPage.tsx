/**
 * `/s/:id/publication`: the convener's publication console — publish or unpublish the final version, the sign-on
 * inbox (with what helps to judge a request: does the email's domain match the website, is a similar name
 * already listed or known), approve or decline with a message, the signatories with removal (with a reason) and
 * the CSV export. The public page itself is server-rendered (`/p/:slug`), not part of this app.
 */
import { useCallback, useEffect, useState } from "react";
import type { PublicationDto, PublicSignatory, SignOnRequestDto } from "../../shared/publication";
import { StakeholderGroupLabel } from "../../shared/roles";
import { AppLayout } from "../app/Layout";
import { Link } from "../app/router";
import { errorMessage } from "../api";
import { absoluteTime } from "../ui/format";
import { LoadingBlock } from "../ui/Spinner";
import { publicationApi } from "./api";
import { PublicationTestId } from "./testids";
import "./publication.css";

export function PublicationPage({ id }: { id: string }) {
  const [data, setData] = useState<PublicationDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    publicationApi.get(id).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e) => setError(errorMessage(e)),
    );
  }, [id]);
  useEffect(() => {
    load();
    // New requests arrive from outside the app (confirmed by email): look again now and then.
    const t = setInterval(load, 15_000);
    return () => clearInterval(t);
  }, [load]);

  const act = async (f: () => Promise<PublicationDto>) => {
    setBusy(true);
    try {
      setData(await f());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
      load();
    } finally {
      setBusy(false);
    }
  };

  if (!data)
    return (
      <AppLayout>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : (
          <LoadingBlock />
        )}
      </AppLayout>
    );
  const pending = data.requests.filter((r) => r.status === "pending");
  const others = data.requests.filter((r) => r.status !== "pending");
  const publicPath = `/p/${data.slug}`;

  return (
    <AppLayout>
      <div className="pubc" data-testid={PublicationTestId.page}>
        <p>
          <Link to={`/s/${id}`}>← Back to the statement</Link>
        </p>
        <h1>Publication and sign-on</h1>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}

        <section className="pubc-card" aria-labelledby="pubc-state">
          <h2 id="pubc-state">Public page</h2>
          {data.current ? (
            <p>
              Final version {data.versions.length}, locked {absoluteTime(data.current.lockedAt)} · SHA-256{" "}
              <code className="hash">{data.current.hash}</code>
            </p>
          ) : (
            <p className="muted">Lock the statement first: only a final text can be published.</p>
          )}
          <p>
            {data.published ? (
              <>
                Published at{" "}
                <a href={publicPath} data-testid={PublicationTestId.publicLink}>
                  {publicPath}
                </a>
                .{" "}
              </>
            ) : (
              "Not published: the public page answers “not found”. "
            )}
            <button
              type="button"
              className={`btn btn-sm ${data.published ? "btn-secondary" : "btn-primary"}`}
              data-testid={PublicationTestId.publishToggle}
              disabled={busy || !data.current}
              onClick={() => act(() => publicationApi.setPublished(id, !data.published))}
            >
              {data.published ? "Unpublish" : "Publish"}
            </button>
          </p>
          {data.mail === "outbox" && (
            <p className="muted">No mail server is configured: messages go to the instance admin's outbox.</p>
          )}
        </section>

        <section className="pubc-card" aria-labelledby="pubc-inbox">
          <h2 id="pubc-inbox">
            Sign-on requests <span className="muted">({pending.length} waiting)</span>
          </h2>
          {pending.length === 0 && <p className="muted">No confirmed request is waiting for a decision.</p>}
          {pending.map((r) => (
            <RequestCard
              currentHash={data.current?.hash ?? null}
              key={r.id}
              request={r}
              busy={busy}
              onDecide={(body) => act(() => publicationApi.decide(id, r.id, body))}
            />
          ))}
          {others.length > 0 && (
            <details>
              <summary>Earlier and unconfirmed requests ({others.length})</summary>
              <ul className="pubc-list">
                {others.map((r) => (
                  <li key={r.id}>
                    <strong>{r.organization}</strong> — {r.status}
                    {r.decidedAt ? ` ${absoluteTime(r.decidedAt)}` : ""} · {r.contactName} &lt;{r.email}&gt;
                    {r.decisionMessage ? ` · “${r.decisionMessage}”` : ""}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>

        <section className="pubc-card" aria-labelledby="pubc-sigs">
          <h2 id="pubc-sigs">
            Signatories <span className="muted">({data.signatories.length})</span>
          </h2>
          {data.current && (
            <p>
              <a href={publicationApi.csvUrl(id)} download>
                Download the list (CSV)
              </a>
            </p>
          )}
          <ol className="pubc-list">
            {data.signatories.map((s) => (
              <SignatoryRow
                key={s.key}
                signatory={s}
                busy={busy}
                onRemove={(reason) => act(() => publicationApi.remove(id, s.key, reason))}
              />
            ))}
          </ol>
        </section>
      </div>
    </AppLayout>
  );
}

function RequestCard({
  currentHash,
  request: r,
  busy,
  onDecide,
}: {
  currentHash: string | null;
  request: SignOnRequestDto;
  busy: boolean;
  onDecide: (body: { decision: "approve" | "decline"; message?: string; sortKey?: string }) => void;
}) {
  const [message, setMessage] = useState("");
  const [sortKey, setSortKey] = useState("");
  return (
    <article
      className="pubc-request"
      data-testid={PublicationTestId.request}
      data-organization={r.organization}
      aria-label={`Request from ${r.organization}`}
    >
      <h3>{r.organization}</h3>
      <p>
        {StakeholderGroupLabel[r.stakeholderGroup]} · {r.country} · <span className="pubc-site">{r.website}</span>
      </p>
      <p>
        {r.contactName}, {r.contactTitle} · {r.email} · confirmed {r.confirmedAt ? absoluteTime(r.confirmedAt) : "—"}
      </p>
      <ul className="pubc-hints">
        {currentHash && r.hash !== currentHash && (
          <li className="warn">
            Asked to sign an earlier final version: once approved, it is asked to confirm the current text.
          </li>
        )}
        <li className={r.emailDomainMatches ? "ok" : "warn"}>
          {r.emailDomainMatches
            ? "The email's domain matches the website."
            : "The email's domain does not match the website's domain."}
        </li>
        {r.similar.length === 0 ? (
          <li className="ok">No organization with a similar name is listed or known.</li>
        ) : (
          r.similar.map((s) => (
            <li key={`${s.where}:${s.name}`} className="warn">
              {s.same ? "Same name as" : "Similar to"}{" "}
              {s.where === "signatory" ? "the signatory" : "the known organization"} “{s.name}”.
            </li>
          ))
        )}
      </ul>
      <div className="field">
        <label htmlFor={`msg-${r.id}`}>Message to the requester (optional)</label>
        <textarea
          id={`msg-${r.id}`}
          rows={2}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          maxLength={2000}
        />
      </div>
      <div className="field">
        <label htmlFor={`key-${r.id}`}>Sort key (optional, e.g. “Internet Society” for “The Internet Society”)</label>
        <input id={`key-${r.id}`} value={sortKey} onChange={(e) => setSortKey(e.target.value)} maxLength={200} />
      </div>
      <p className="pubc-actions">
        <button
          type="button"
          className="btn btn-primary btn-sm"
          disabled={busy}
          data-testid={PublicationTestId.approve}
          onClick={() =>
            onDecide({ decision: "approve", message: message || undefined, sortKey: sortKey || undefined })
          }
        >
          Approve
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={busy}
          data-testid={PublicationTestId.decline}
          onClick={() => onDecide({ decision: "decline", message: message || undefined })}
        >
          Decline
        </button>
      </p>
    </article>
  );
}

function SignatoryRow({
  signatory: s,
  busy,
  onRemove,
}: {
  signatory: PublicSignatory;
  busy: boolean;
  onRemove: (reason: string) => void;
}) {
  const [removing, setRemoving] = useState(false);
  const [reason, setReason] = useState("");
  const status =
    s.status === "original"
      ? "signed before the lock"
      : s.status === "joined"
        ? `joined ${absoluteTime(s.signedAt)}`
        : "signed an earlier version";
  return (
    <li data-testid={PublicationTestId.signatory} data-status={s.status}>
      <strong>{s.name}</strong>{" "}
      <span className="muted">
        {s.stakeholderGroup ? StakeholderGroupLabel[s.stakeholderGroup] : ""} · {status}
      </span>{" "}
      {removing ? (
        <span className="pubc-remove">
          <label htmlFor={`reason-${s.key}`}>Reason</label>{" "}
          <input id={`reason-${s.key}`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />{" "}
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={busy || reason.trim() === ""}
            onClick={() => onRemove(reason.trim())}
          >
            Remove
          </button>{" "}
          <button type="button" className="btn btn-sm" onClick={() => setRemoving(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="btn btn-sm btn-secondary"
          onClick={() => setRemoving(true)}
          aria-label={`Remove ${s.name}`}
        >
          Remove…
        </button>
      )}
    </li>
  );
}
