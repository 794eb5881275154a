/**
 * The Comments tab: threads in document order, grouped by clause with a count per clause, filters (open,
 * resolved, mine, mentions me, by organization), the new-thread composer, and threads whose clause was
 * deleted under "On removed text". Comment bodies are rendered as text, links and mention chips only:
 * never as HTML.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { FormEvent, ReactNode } from "react";
import * as Y from "yjs";
import type { MemberDto, OrganizationDto } from "../../shared/api";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD } from "../../shared/canonical";
import { CommentLimits } from "../../shared/comments/schemas";
import { CommentPolicy } from "../../shared/comments/policy";
import { clauseText, resolvePlacement } from "../../shared/comments/anchors";
import { sortThreads, threadMatches } from "../../shared/comments/lists";
import { tokenizeCommentBody } from "../../shared/comments/mentions";
import type { CommentDto, ThreadDto } from "../../shared/comments/schemas";
import type { ThreadFilter } from "../../shared/comments/lists";
import type { Role } from "../../shared/roles";
import { errorMessage } from "../api";
import type { EditorPageContext } from "../editor/plugins";
import { absoluteTime, relativeTime } from "../ui/format";
import { Avatar } from "../ui/Avatar";
import { colorForUser } from "../../shared/colors";
import { commentStoreFor } from "./store";
import type { CommentStore } from "./store";
import { MentionTextarea } from "./MentionTextarea";
import { toBody, toEditable } from "./mentions";
import { CommentLabel, CommentTestId } from "./testids";

/** Clause order and a short label per clause, kept live from the Y.Doc. */
function useClauses(ydoc: Y.Doc): { order: Map<string, number>; snippet: Map<string, string>; version: number } {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let t: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (t) return;
      t = setTimeout(() => {
        t = null;
        setVersion((v) => v + 1);
      }, 100);
    };
    ydoc.on("update", onUpdate);
    return () => {
      ydoc.off("update", onUpdate);
      if (t) clearTimeout(t);
    };
  }, [ydoc]);
  return useMemo(() => {
    const order = new Map<string, number>();
    const snippet = new Map<string, string>();
    ydoc
      .getXmlFragment(DOCUMENT_FIELD)
      .toArray()
      .forEach((n, i) => {
        if (!(n instanceof Y.XmlElement)) return;
        const id = n.getAttribute(CLAUSE_ID_ATTR);
        if (typeof id !== "string" || order.has(id)) return;
        order.set(id, i);
        const text = clauseText(n).text.replace(/\s+/g, " ").trim();
        snippet.set(id, text.length > 60 ? `${text.slice(0, 57)}…` : text);
      });
    return { order, snippet, version };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ydoc, version]);
}

function filterValue(f: ThreadFilter): string {
  return f.kind === "organization" ? `org:${f.organizationId}` : f.kind;
}

function parseFilter(v: string): ThreadFilter {
  if (v.startsWith("org:")) return { kind: "organization", organizationId: v.slice(4) };
  if (v === "resolved" || v === "mine" || v === "mentions") return { kind: v };
  return { kind: "open" };
}

/** The panel (see the module comment). */
export function CommentsPanel({ ctx }: { ctx: EditorPageContext }) {
  const store = commentStoreFor(ctx);
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { order, snippet } = useClauses(ctx.ydoc);
  const me = ctx.detail.me;
  const members = ctx.detail.members;
  const orgs = ctx.detail.organizations;
  const memberNames = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members]);
  // Until the document has arrived, the server's placement says which clauses exist.
  const docLoaded = order.size > 0;
  const exists = (t: ThreadDto) => (docLoaded ? order.has(t.clauseId) : t.clauseExists);

  const visible = snap.threads.filter((t) => threadMatches(t, snap.filter, me.userId) && (!snap.focusedClause || t.clauseId === snap.focusedClause));
  const placed = sortThreads(visible.filter(exists), docLoaded ? order : undefined);
  const removed = sortThreads(visible.filter((t) => !exists(t)));
  const groups: Array<{ clauseId: string; threads: ThreadDto[] }> = [];
  for (const t of placed) {
    const last = groups[groups.length - 1];
    if (last && last.clauseId === t.clauseId) last.threads.push(t);
    else groups.push({ clauseId: t.clauseId, threads: [t] });
  }
  const clauseLabel = (clauseId: string) => {
    const i = order.get(clauseId);
    return i === undefined ? "Clause" : `Clause ${i + 1}`;
  };
  const counts = {
    open: snap.threads.filter((t) => t.status === "open").length,
    resolved: snap.threads.filter((t) => t.status === "resolved").length,
  };

  return (
    <div className="comments-panel" data-testid={CommentTestId.panel}>
      <div className="comments-toolbar">
        <label className="comments-filter">
          <span>{CommentLabel.filter}</span>
          <select aria-label={CommentLabel.filter} value={filterValue(snap.filter)} onChange={(e) => store.setFilter(parseFilter(e.target.value))}>
            <option value="open">Open ({counts.open})</option>
            <option value="resolved">Resolved ({counts.resolved})</option>
            <option value="mine">Mine</option>
            <option value="mentions">Mentions me</option>
            {orgs.length > 0 && (
              <optgroup label="By organization">
                {orgs.map((o) => (
                  <option key={o.id} value={`org:${o.id}`}>
                    {o.shortName}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        {CommentPolicy.canCreateThread(me.role) && (
          <span className="muted comments-hint">Select text and press Ctrl+Alt+M to comment.</span>
        )}
      </div>
      {snap.focusedClause && (
        <div className="comments-focus">
          <span>
            Showing {clauseLabel(snap.focusedClause)}
            {snippet.get(snap.focusedClause) ? ` — “${snippet.get(snap.focusedClause)}”` : ""}
          </span>
          <button type="button" className="link-button" onClick={() => store.focusClause(null)}>
            Show all
          </button>
        </div>
      )}
      {snap.draft && (
        <DraftComposer
          store={store}
          members={members}
          clauseName={`${clauseLabel(snap.draft.clauseId)}${snippet.get(snap.draft.clauseId) ? ` — “${snippet.get(snap.draft.clauseId)}”` : ""}`}
          quote={snap.draft.anchor?.quote ?? null}
        />
      )}
      {snap.status === "loading" && <p className="muted">Loading comments…</p>}
      {snap.status === "error" && (
        <p className="field-error" role="alert">
          {snap.error}{" "}
          <button type="button" className="link-button" onClick={() => void store.load()}>
            Try again
          </button>
        </p>
      )}
      {snap.status === "ready" && visible.length === 0 && !snap.draft && (
        <div className="comments-empty">
          <p className="muted">
            {snap.threads.length === 0
              ? CommentPolicy.canCreateThread(me.role)
                ? "No comments yet. Select words in a clause and choose Comment, or click the bubble beside a clause."
                : "No comments yet."
              : "No threads match this filter."}
          </p>
        </div>
      )}
      {groups.map((g) => (
        <section key={g.clauseId} className="comments-clause" aria-label={clauseLabel(g.clauseId)} data-clause-id={g.clauseId}>
          <h3 className="comments-clause-title">
            <span>{clauseLabel(g.clauseId)}</span>
            <span className="comments-clause-snippet">{snippet.get(g.clauseId)}</span>
            <span className="tab-badge" title={`${g.threads.length} ${g.threads.length === 1 ? "thread" : "threads"} shown`}>
              {g.threads.length}
            </span>
          </h3>
          {g.threads.map((t) => (
            <ThreadCard key={t.id} thread={t} ctx={ctx} store={store} memberNames={memberNames} orgs={orgs} active={t.id === snap.hovered || t.id === snap.selected} selected={t.id === snap.selected} />
          ))}
        </section>
      ))}
      {removed.length > 0 && (
        <section className="comments-clause comments-removed" data-testid={CommentTestId.removed} aria-label="On removed text">
          <h3 className="comments-clause-title">
            <span>On removed text</span>
            <span className="tab-badge">{removed.length}</span>
          </h3>
          <p className="muted comments-removed-note">The clauses these threads were on have been deleted.</p>
          {removed.map((t) => (
            <ThreadCard key={t.id} thread={t} ctx={ctx} store={store} memberNames={memberNames} orgs={orgs} active={t.id === snap.hovered || t.id === snap.selected} selected={t.id === snap.selected} removedClause />
          ))}
        </section>
      )}
    </div>
  );
}

/** A composer with mentions: text, picked mentions, busy and error state. */
function useComposer(initial = "", initialPicked?: Map<string, string>) {
  const [text, setText] = useState(initial);
  const picked = useRef(initialPicked ?? new Map<string, string>());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(send: (body: string) => Promise<unknown>): Promise<boolean> {
    const body = toBody(text.trim(), picked.current);
    if (!body) {
      setError("Write something first.");
      return false;
    }
    if (body.length > CommentLimits.bodyMax) {
      setError(`A comment can have at most ${CommentLimits.bodyMax.toLocaleString()} characters.`);
      return false;
    }
    setBusy(true);
    setError(null);
    try {
      await send(body);
      setText("");
      picked.current = new Map();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { text, setText, pick: (name: string, id: string) => picked.current.set(name, id), busy, error, submit };
}

function DraftComposer({ store, members, clauseName, quote }: { store: CommentStore; members: readonly MemberDto[]; clauseName: string; quote: string | null }) {
  const c = useComposer();
  async function onSubmit(e?: FormEvent) {
    e?.preventDefault();
    await c.submit((body) => store.submitDraft(body));
  }
  return (
    <form className="comment-card comment-draft" data-testid={CommentTestId.draft} onSubmit={onSubmit} aria-label={CommentLabel.newComment}>
      <p className="comment-draft-where">
        New comment on <strong>{clauseName}</strong>
      </p>
      {quote && <blockquote className="comment-quote">{quote}</blockquote>}
      <MentionTextarea
        label={CommentLabel.newComment}
        value={c.text}
        onChange={c.setText}
        onPick={c.pick}
        members={members}
        onSubmit={() => void onSubmit()}
        onEscape={() => store.cancelDraft()}
        placeholder="Comment, or @mention a member…"
        autoFocus
        disabled={c.busy}
      />
      {c.error && (
        <p className="field-error" role="alert">
          {c.error}
        </p>
      )}
      <div className="comment-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={c.busy}>
          {CommentLabel.submitComment}
        </button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => store.cancelDraft()}>
          {CommentLabel.cancel}
        </button>
      </div>
    </form>
  );
}

function ThreadCard(props: {
  thread: ThreadDto;
  ctx: EditorPageContext;
  store: CommentStore;
  memberNames: ReadonlyMap<string, string>;
  orgs: readonly OrganizationDto[];
  active: boolean;
  selected: boolean;
  removedClause?: boolean;
}) {
  const { thread, ctx, store, memberNames, orgs, active, selected, removedClause } = props;
  const me = ctx.detail.me;
  const ref = useRef<HTMLElement>(null);
  const reply = useComposer();
  const [error, setError] = useState<string | null>(null);
  // The quote's state in the document as this client has it now (the server's view may lag behind).
  const live = thread.anchor && !removedClause ? resolvePlacement(ctx.ydoc, thread) : null;
  const quoteState = live && live.kind === "range" ? live.quote : thread.placement.kind === "range" ? thread.placement.quote : "removed";

  useEffect(() => {
    if (selected && ref.current && !ref.current.contains(document.activeElement)) {
      ref.current.scrollIntoView({ block: "nearest" });
    }
  }, [selected]);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const canResolve = CommentPolicy.canResolve(me.role, me.userId, { authorId: thread.author.id });
  const canReply = CommentPolicy.canReply(me.role, thread);

  return (
    <article
      ref={ref}
      className={`comment-card comment-thread${active ? " comment-thread-active" : ""}${thread.status === "resolved" ? " comment-thread-resolved" : ""}`}
      data-testid={CommentTestId.thread}
      data-thread-id={thread.id}
      data-status={thread.status}
      data-unread={thread.unread}
      data-active={active}
      data-placement={removedClause ? "removed" : thread.placement.kind}
      tabIndex={0}
      aria-label={`Thread by ${thread.author.name}${thread.unread ? ", new replies" : ""}${thread.status === "resolved" ? ", resolved" : ""}`}
      onMouseEnter={() => store.setHovered(thread.id)}
      onMouseLeave={() => store.setHovered(null)}
      onFocus={() => store.select(thread.id)}
      onClick={() => store.select(thread.id)}
    >
      <header className="comment-thread-head">
        {thread.unread && (
          <span className="comment-unread" title="New replies since you last opened this thread">
            New
          </span>
        )}
        {thread.status === "resolved" && thread.resolved && (
          <span className="badge badge-success" title={absoluteTime(thread.resolved.at)}>
            Resolved by {thread.resolved.by.name}
          </span>
        )}
      </header>
      {thread.anchor && (
        <blockquote className={`comment-quote comment-quote-${quoteState}`} data-testid={CommentTestId.quote} data-quote={quoteState}>
          {quoteState === "removed" ? (
            <>
              <del>{thread.anchor.quote}</del>
              <span className="comment-quote-note"> (text removed)</span>
            </>
          ) : (
            <>
              {thread.anchor.quote}
              {quoteState === "edited" && <span className="comment-quote-note"> (text changed since)</span>}
            </>
          )}
        </blockquote>
      )}
      <ol className="comment-list">
        {thread.comments.map((c) => (
          <CommentItem key={c.id} comment={c} role={me.role} userId={me.userId} store={store} memberNames={memberNames} orgs={orgs} members={ctx.detail.members} onError={setError} />
        ))}
      </ol>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="comment-thread-foot">
        {canReply && (
          <form
            className="comment-reply"
            onSubmit={(e) => {
              e.preventDefault();
              void reply.submit((body) => store.reply(thread.id, body));
            }}
          >
            <MentionTextarea
              label={`${CommentLabel.reply} to ${thread.author.name}`}
              value={reply.text}
              onChange={reply.setText}
              onPick={reply.pick}
              members={ctx.detail.members}
              onSubmit={() => void reply.submit((body) => store.reply(thread.id, body))}
              placeholder="Reply…"
              disabled={reply.busy}
            />
            {reply.text.trim() !== "" && (
              <button type="submit" className="btn btn-primary btn-sm" disabled={reply.busy}>
                {CommentLabel.submitReply}
              </button>
            )}
            {reply.error && (
              <p className="field-error" role="alert">
                {reply.error}
              </p>
            )}
          </form>
        )}
        {canResolve && (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={(e) => {
              e.stopPropagation();
              void run(() => store.setStatus(thread.id, thread.status === "open" ? "resolved" : "open"));
            }}
          >
            {thread.status === "open" ? CommentLabel.resolve : CommentLabel.reopen}
          </button>
        )}
      </div>
    </article>
  );
}

function CommentItem(props: {
  comment: CommentDto;
  role: Role;
  userId: string;
  store: CommentStore;
  memberNames: ReadonlyMap<string, string>;
  orgs: readonly OrganizationDto[];
  members: readonly MemberDto[];
  onError: (message: string | null) => void;
}) {
  const { comment: c, role, userId, store, memberNames, orgs, members, onError } = props;
  const [mode, setMode] = useState<"view" | "edit" | "confirmDelete" | "hide">("view");
  const editable = useMemo(() => (c.content.kind === "visible" ? toEditable(c.content.body) : null), [c.content]);
  const edit = useComposer(editable?.text ?? "", editable?.picked);
  const [reason, setReason] = useState("");
  const org = c.author.organizationId ? orgs.find((o) => o.id === c.author.organizationId) : undefined;
  const state = { authorId: c.author.id, state: c.content.kind };

  async function run(action: () => Promise<unknown>) {
    onError(null);
    try {
      await action();
      setMode("view");
    } catch (err) {
      onError(errorMessage(err));
    }
  }

  let body: ReactNode;
  if (c.content.kind === "deleted") {
    body = <p className="comment-trace">Comment deleted by its author.</p>;
  } else if (c.content.kind === "hidden") {
    body = (
      <p className="comment-trace">
        Hidden by convener {c.content.by.name}
        {c.content.reason ? `: ${c.content.reason}` : "."}
      </p>
    );
  } else if (mode === "edit") {
    body = (
      <form
        className="comment-edit"
        onSubmit={(e) => {
          e.preventDefault();
          void edit.submit((b) => store.edit(c.id, b)).then((ok) => ok && setMode("view"));
        }}
      >
        <MentionTextarea
          label="Edit comment"
          value={edit.text}
          onChange={edit.setText}
          onPick={edit.pick}
          members={members}
          onSubmit={() => void edit.submit((b) => store.edit(c.id, b)).then((ok) => ok && setMode("view"))}
          onEscape={() => setMode("view")}
          autoFocus
          disabled={edit.busy}
        />
        {edit.error && (
          <p className="field-error" role="alert">
            {edit.error}
          </p>
        )}
        <div className="comment-actions">
          <button type="submit" className="btn btn-primary btn-sm" disabled={edit.busy}>
            {CommentLabel.save}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode("view")}>
            {CommentLabel.cancel}
          </button>
        </div>
      </form>
    );
  } else {
    body = <CommentBody body={c.content.body} memberNames={memberNames} />;
  }

  return (
    <li className={`comment comment-${c.content.kind}`} data-testid={CommentTestId.comment} data-comment-id={c.id} data-state={c.content.kind}>
      <div className="comment-meta">
        <Avatar name={c.author.name} color={colorForUser(c.author.id)} size="sm" />
        <span className="comment-author">{c.author.name}</span>
        {org && (
          <span className="comment-org" title={org.name}>
            {org.shortName}
          </span>
        )}
        <time className="comment-time" dateTime={new Date(c.createdAt).toISOString()} title={absoluteTime(c.createdAt)}>
          {relativeTime(c.createdAt)}
        </time>
        {c.editedAt && c.content.kind === "visible" && (
          <span className="comment-edited" title={`Edited ${absoluteTime(c.editedAt)}`}>
            (edited)
          </span>
        )}
      </div>
      {body}
      {mode === "view" && (
        <div className="comment-tools">
          {CommentPolicy.canEdit(role, userId, state) && (
            <button type="button" className="link-button" onClick={() => setMode("edit")}>
              {CommentLabel.edit}
            </button>
          )}
          {CommentPolicy.canDelete(role, userId, state) && (
            <button type="button" className="link-button" onClick={() => setMode("confirmDelete")}>
              {CommentLabel.delete}
            </button>
          )}
          {CommentPolicy.canHide(role, state) && c.author.id !== userId && (
            <button type="button" className="link-button" onClick={() => setMode("hide")}>
              {CommentLabel.hide}
            </button>
          )}
        </div>
      )}
      {mode === "confirmDelete" && (
        <div className="comment-confirm" role="group" aria-label="Confirm deletion">
          <span>Delete this comment? Replies stay.</span>
          <button type="button" className="btn btn-danger btn-sm" onClick={() => void run(() => store.remove(c.id))}>
            {CommentLabel.delete}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode("view")}>
            {CommentLabel.cancel}
          </button>
        </div>
      )}
      {mode === "hide" && (
        <form
          className="comment-confirm"
          aria-label="Hide comment"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => store.hide(c.id, reason.trim() || undefined));
          }}
        >
          <input aria-label="Reason (optional)" placeholder="Reason (optional)" value={reason} maxLength={CommentLimits.reasonMax} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="btn btn-danger btn-sm">
            {CommentLabel.hide}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode("view")}>
            {CommentLabel.cancel}
          </button>
        </form>
      )}
    </li>
  );
}

/** A comment body as React text, links and mention chips: no HTML is ever rendered from it. */
export function CommentBody({ body, memberNames }: { body: string; memberNames: ReadonlyMap<string, string> }) {
  const tokens = tokenizeCommentBody(body, memberNames);
  return (
    <p className="comment-body">
      {tokens.map((t, i) =>
        t.kind === "text" ? (
          <span key={i}>{t.text}</span>
        ) : t.kind === "link" ? (
          <a key={i} href={t.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {t.text}
          </a>
        ) : (
          <span key={i} className="mention-chip" data-user-id={t.userId}>
            @{t.name}
          </span>
        ),
      )}
    </p>
  );
}
