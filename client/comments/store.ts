/**
 * The comment threads of one open statement, shared by the editor extension (gutter marks, highlights,
 * the selection button) and the side panel. Loaded from the API, kept live by `threads.changed` app events
 * pushed over the realtime socket (each one refetches just that thread), and fully refetched after a
 * reconnect, when events may have been missed.
 *
 * UI state lives here too so that the editor and the panel light up together: the thread under the
 * pointer (`hovered`), the thread the user opened (`selected`), the clause whose threads the gutter opened
 * (`focusedClause`), and the new-thread composer (`draft`).
 *
 * Why a small store and not TanStack Query (issue 12 asked; the same holds for signoff/store.ts):
 * - Most readers are not React: the Tiptap extension reads threads synchronously inside ProseMirror plugins
 *   (gutter marks, highlights). With Query they would need the QueryClient and a cache observer there: more
 *   wiring, not less.
 * - Half of this state is UI state shared by editor and panel (hovered, selected, focused clause, draft, filter),
 *   which Query does not hold; it would live in a store anyway, next to a second cache.
 * - Freshness comes from the socket, not from timers or focus: an app event names the one thread to refetch, and
 *   a reconnect refetches all. In Query that is `fetchQuery` + `setQueryData` on the list, the same few lines.
 *   Query's retries and focus refetches would only add traffic the events make unnecessary.
 * - The sign-off store's value is derived from the local Y.Doc (re-judged on every edit), which Query cannot
 *   observe either.
 * The fetching part is ~40 lines (`load`, `refreshThread`, the sequence counter that drops stale answers);
 * the calls themselves are the typed client of shared/api-client.ts.
 */
import type * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import type { AppEvent } from "../../shared/protocol";
import type { AnchorInput, ThreadDto, ThreadStatus } from "../../shared/comments/schemas";
import type { ThreadFilter } from "../../shared/comments/lists";
import { ErrorCode } from "../../shared/errors";
import { api, errorMessage, hasErrorCode } from "../api";
import { SnapshotStore, onReconnect, storePerDocument, upsertById } from "../ui/snapshot-store";

/** A thread being written: on a clause, optionally on a range in it. */
export interface Draft {
  clauseId: string;
  anchor: AnchorInput | null;
}

/** Everything the comments UI renders from. */
export interface CommentsSnapshot {
  status: "loading" | "ready" | "error";
  error: string | null;
  threads: ThreadDto[];
  hovered: string | null;
  selected: string | null;
  focusedClause: string | null;
  draft: Draft | null;
  filter: ThreadFilter;
}

type Listener = () => void;

/** See the module comment. One per Y.Doc (see {@link commentStoreFor}). */
export class CommentStore extends SnapshotStore<CommentsSnapshot> {
  private readonly panelListeners = new Set<Listener>();
  private readonly disposers: Array<() => void> = [];
  private loadSeq = 0;

  constructor(
    readonly statementId: string,
    onAppEvent: (listener: (event: AppEvent) => void) => () => void,
    provider: WebsocketProvider,
  ) {
    super({
      status: "loading",
      error: null,
      threads: [],
      hovered: null,
      selected: null,
      focusedClause: null,
      draft: null,
      filter: { kind: "open" },
    });
    this.disposers.push(
      onAppEvent((event) => {
        if (event.type === "threads.changed" && event.statementId === statementId)
          void this.refreshThread(event.threadId);
        // Membership changes can change names, organizations and mentions.
        if (event.type === "members.changed") void this.load();
      }),
    );
    this.disposers.push(onReconnect(provider, () => void this.load()));
    void this.load();
  }

  /** Asks whoever shows the panel to bring the Comments tab forward. */
  onPanelRequest(listener: Listener): () => void {
    this.panelListeners.add(listener);
    return () => this.panelListeners.delete(listener);
  }

  requestPanel(): void {
    for (const l of this.panelListeners) l();
  }

  /** Replaces (or adds) one thread as the server returned it. */
  private upsert(thread: ThreadDto): void {
    this.set({ threads: upsertById(this.snapshot.threads, thread) });
  }

  /** Loads every thread. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const { threads } = await api.threads(this.statementId);
      if (seq === this.loadSeq) this.set({ threads, status: "ready", error: null });
    } catch (err) {
      if (seq === this.loadSeq)
        this.set({ status: this.snapshot.threads.length ? "ready" : "error", error: errorMessage(err) });
    }
  }

  /** Refetches one thread after an app event. */
  async refreshThread(threadId: string): Promise<void> {
    try {
      const { thread } = await api.thread(threadId);
      this.upsert(thread);
    } catch (err) {
      if (hasErrorCode(err, ErrorCode.notFound)) {
        this.set({ threads: this.snapshot.threads.filter((t) => t.id !== threadId) });
      }
    }
  }

  setHovered(threadId: string | null): void {
    if (this.snapshot.hovered !== threadId) this.set({ hovered: threadId });
  }

  /** Opens a thread (null closes): it lights up in the text and is marked read. */
  select(threadId: string | null): void {
    if (this.snapshot.selected !== threadId) this.set({ selected: threadId });
    const t = threadId ? this.snapshot.threads.find((x) => x.id === threadId) : undefined;
    if (t?.unread) {
      this.upsert({ ...t, unread: false });
      api.markThreadRead(t.id).then(
        ({ thread }) => this.upsert(thread),
        () => undefined,
      );
    }
  }

  /** Shows the threads of one clause (null shows all). */
  focusClause(clauseId: string | null): void {
    this.set({ focusedClause: clauseId });
  }

  setFilter(filter: ThreadFilter): void {
    this.set({ filter });
  }

  startDraft(draft: Draft): void {
    this.set({ draft, selected: null });
    this.requestPanel();
  }

  cancelDraft(): void {
    if (this.snapshot.draft) this.set({ draft: null });
  }

  /** Escape: closes the composer, else the open thread, else the clause focus. */
  escape(): boolean {
    if (this.snapshot.draft) this.set({ draft: null });
    else if (this.snapshot.selected) this.set({ selected: null });
    else if (this.snapshot.focusedClause) this.set({ focusedClause: null });
    else return false;
    return true;
  }

  async submitDraft(body: string): Promise<ThreadDto> {
    const draft = this.snapshot.draft;
    if (!draft) throw new Error("No comment is being written.");
    const { thread } = await api.createThread(this.statementId, {
      clauseId: draft.clauseId,
      body,
      ...(draft.anchor ? { anchor: draft.anchor } : {}),
    });
    this.upsert(thread);
    // A new open thread must be visible whatever the filter was.
    const filter = this.snapshot.filter.kind === "resolved" ? { kind: "open" as const } : this.snapshot.filter;
    this.set({ draft: null, selected: thread.id, filter });
    return thread;
  }

  async reply(threadId: string, body: string): Promise<void> {
    const { thread } = await api.reply(threadId, { body });
    this.upsert(thread);
  }

  async setStatus(threadId: string, status: ThreadStatus): Promise<void> {
    const { thread } = await api.setThreadStatus(threadId, { status });
    this.upsert(thread);
  }

  async edit(commentId: string, body: string): Promise<void> {
    const { thread } = await api.editComment(commentId, { body });
    this.upsert(thread);
  }

  async remove(commentId: string): Promise<void> {
    const { thread } = await api.deleteComment(commentId);
    this.upsert(thread);
  }

  async hide(commentId: string, reason?: string): Promise<void> {
    const { thread } = await api.hideComment(commentId, reason ? { reason } : {});
    this.upsert(thread);
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.forgetSubscribers();
    this.panelListeners.clear();
  }
}

/** The store of the statement open in `ydoc`, created on first use and disposed with the document. */
export const commentStoreFor = storePerDocument(
  (ctx: {
    statementId: string;
    ydoc: Y.Doc;
    provider: WebsocketProvider;
    onAppEvent: (listener: (event: AppEvent) => void) => () => void;
  }) => new CommentStore(ctx.statementId, ctx.onAppEvent, ctx.provider),
);
