/**
 * The comments extension of the statement editor:
 * - highlights of commented ranges (inline decorations, from the threads' relative positions), lit up
 *   together with their thread card on hover or focus;
 * - a gutter mark beside every clause with its number of open threads: a real button (its accessible name says
 *   how many threads are open) drawn as a widget decoration before the clause and placed by CSS, kept per
 *   clause by clause-widgets.ts, so a keystroke (local or remote) redraws only the marks of the clauses it
 *   changed and nothing is ever measured; clicking it opens the clause's threads, or a new comment on a clause
 *   without any;
 * - a floating "Comment" button over a selection, and Ctrl/⌘+Alt+M to comment on the selection
 *   (Escape closes the composer or the open thread). Both work in read-only editors: reviewers comment.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { EditorView } from "@tiptap/pm/view";
import type * as Y from "yjs";
import { CommentPolicy } from "../../shared/comments/policy";
import type { EditorExtensionContext } from "../editor/plugins";
import { commentStoreFor } from "./store";
import type { CommentStore } from "./store";
import { draftFromSelection, rangeOfAnchor } from "./anchors";
import { CommentTestId } from "./testids";
import { plural } from "../../shared/plural";
import { clauseWidgetsPlugin } from "../editor/extensions/clause-widgets";
import "./gutter.css";

const key = new PluginKey<DecorationSet>("comments");
const gutterKey = new PluginKey<DecorationSet>("commentGutter");

/** Brings the Comments tab of the side panel forward (the panel owns its tab state; its tab is a button). */
function showCommentsTab(): void {
  document.querySelector<HTMLButtonElement>('[data-testid="side-tab-comments"]:not([aria-selected="true"])')?.click();
}

function isShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && e.altKey && e.code === "KeyM";
}

const BUBBLE_ICON =
  '<svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true"><path d="M4 4h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>';

/** The DOM parts of the extension besides the gutter: highlights, the selection button, listeners. */
class CommentsView {
  private readonly button: HTMLButtonElement;
  private readonly unsubscribe: Array<() => void> = [];
  private frame = 0;
  private decorationKey = "";
  private lastSelected: string | null = null;

  constructor(
    private view: EditorView,
    private readonly store: CommentStore,
    private readonly ydoc: Y.Doc,
    private readonly canComment: boolean,
  ) {
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "comment-selection-button";
    this.button.setAttribute("data-testid", CommentTestId.selectionButton);
    this.button.innerHTML = `${BUBBLE_ICON}<span>Comment</span>`;
    this.button.title = "Comment on the selection (Ctrl+Alt+M)";
    this.button.hidden = true;
    // Keep the text selection when the button is pressed.
    this.button.addEventListener("mousedown", (e) => e.preventDefault());
    this.button.addEventListener("click", () => this.commentOnSelection());

    this.unsubscribe.push(store.subscribe(() => this.schedule()));
    this.unsubscribe.push(store.onPanelRequest(showCommentsTab));
    document.addEventListener("keydown", this.onKeyDown, true);
    this.unsubscribe.push(() => document.removeEventListener("keydown", this.onKeyDown, true));
    this.schedule();
  }

  update(view: EditorView, prev: EditorState): void {
    this.view = view;
    if (!view.state.doc.eq(prev.doc) || !view.state.selection.eq(prev.selection)) this.schedule();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    for (const u of this.unsubscribe.splice(0)) u();
    this.button.remove();
  }

  /**
   * The element around the editor's content, which the button is positioned in. Looked up at each render:
   * Tiptap mounts the view in a temporary element and moves it into the page later.
   */
  private get host(): HTMLElement {
    const host = this.view.dom.parentElement!;
    if (!host.classList.contains("comments-host")) host.classList.add("comments-host");
    if (this.button.parentElement !== host) host.append(this.button);
    return host;
  }

  /** A selection inside the editor that "Comment" applies to. */
  private selectionInEditor(): boolean {
    const sel = this.view.state.selection;
    if (sel.empty) return false;
    const dom = document.getSelection();
    return !!dom && !dom.isCollapsed && !!dom.anchorNode && this.view.dom.contains(dom.anchorNode);
  }

  private commentOnSelection(): void {
    if (!this.canComment) return;
    const draft = draftFromSelection(this.view.state, this.ydoc);
    if (draft) this.store.startDraft(draft);
  }

  private onKeyDown = (e: KeyboardEvent) => {
    if (isShortcut(e) && this.canComment) {
      const dom = document.getSelection();
      const inEditor = !!dom?.anchorNode && this.view.dom.contains(dom.anchorNode);
      if (!inEditor) return;
      e.preventDefault();
      this.commentOnSelection();
      return;
    }
    if (e.key === "Escape" && !e.defaultPrevented) {
      const target = e.target as Node | null;
      // Escape inside the editor or the comments panel closes what comments opened.
      const inside =
        !!target &&
        (this.view.dom.contains(target) || !!(target as Element).closest?.(`[data-testid="${CommentTestId.panel}"]`));
      if (inside && this.store.escape()) e.preventDefault();
    }
  };

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    // Not in the page yet (or any more): nothing to draw next to.
    if (this.view.isDestroyed || !this.view.dom.parentElement) return;
    const snap = this.store.getSnapshot();
    const state = this.view.state;

    // Highlights of open threads' ranges.
    const decorations: Decoration[] = [];
    const keyParts: string[] = [];
    for (const t of snap.threads) {
      if (t.status !== "open" || !t.anchor) continue;
      const range = rangeOfAnchor(state, this.ydoc, t.anchor);
      if (!range) continue;
      const active = t.id === snap.hovered || t.id === snap.selected;
      keyParts.push(`${t.id}:${range.from}-${range.to}:${active ? 1 : 0}`);
      decorations.push(
        Decoration.inline(range.from, range.to, {
          class: `comment-highlight${active ? " comment-highlight-active" : ""}`,
          "data-thread-id": t.id,
          "data-testid": CommentTestId.highlight,
        }),
      );
    }
    const decoKey = keyParts.join("|");
    if (decoKey !== this.decorationKey) {
      this.decorationKey = decoKey;
      this.view.dispatch(
        state.tr.setMeta(key, DecorationSet.create(state.doc, decorations)).setMeta("addToHistory", false),
      );
    }

    // Bring the opened thread's words into view.
    if (snap.selected !== this.lastSelected) {
      this.lastSelected = snap.selected;
      const el = snap.selected ? this.view.dom.querySelector(`[data-thread-id="${CSS.escape(snap.selected)}"]`) : null;
      if (el && !isInView(el)) el.scrollIntoView({ block: "center" });
    }

    this.placeButton();
  }

  private placeButton(): void {
    if (!this.canComment || !this.selectionInEditor()) {
      this.button.hidden = true;
      return;
    }
    const { from, to } = this.view.state.selection;
    const $from = this.view.state.doc.resolve(from);
    const $to = this.view.state.doc.resolve(to);
    // One clause at a time: a selection across clauses offers nothing.
    if ($from.depth < 1 || $to.depth < 1 || $from.before(1) !== $to.before(1)) {
      this.button.hidden = true;
      return;
    }
    const hostRect = this.host.getBoundingClientRect();
    const end = this.view.coordsAtPos(to);
    this.button.hidden = false;
    this.button.style.top = `${Math.round(end.bottom - hostRect.top + 6)}px`;
    this.button.style.left = `${Math.round(Math.min(end.left - hostRect.left, hostRect.width - 110))}px`;
  }
}

function isInView(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}

type Threads = ReturnType<CommentStore["getSnapshot"]>["threads"];

/** Open and total threads per clause, counted once per list of threads (the store replaces it on each change). */
const countsByList = new WeakMap<Threads, Map<string, { open: number; total: number }>>();
function threadCounts(threads: Threads): Map<string, { open: number; total: number }> {
  let counts = countsByList.get(threads);
  if (counts) return counts;
  counts = new Map();
  for (const t of threads) {
    const c = counts.get(t.clauseId) ?? { open: 0, total: 0 };
    c.total++;
    if (t.status === "open") c.open++;
    counts.set(t.clauseId, c);
  }
  countsByList.set(threads, counts);
  return counts;
}

/** Opens a clause's threads in the panel, or a new comment on a clause without any. */
function openClause(store: CommentStore, canComment: boolean, clauseId: string): void {
  const has = store.getSnapshot().threads.some((t) => t.clauseId === clauseId);
  store.focusClause(clauseId);
  if (!has && canComment) store.startDraft({ clauseId, anchor: null });
  else store.requestPanel();
}

function markLabel(open: number, total: number): string {
  if (total === 0) return "Comment on this clause";
  const resolved = total > open ? `, ${total - open} resolved` : "";
  return `${plural(open, "open thread")}${resolved} on this clause`;
}

/** The gutter mark of one clause: a button in a slot that CSS places in the right margin, level with the clause. */
function renderMark(clauseId: string, open: number, total: number, onClick: () => void): HTMLElement {
  const slot = document.createElement("span");
  slot.className = "comment-gutter-slot";
  slot.contentEditable = "false";
  const mark = document.createElement("button");
  mark.type = "button";
  mark.className = `comment-gutter-mark${total === 0 ? " comment-gutter-mark-empty" : ""}`;
  mark.setAttribute("data-testid", CommentTestId.gutterMark);
  mark.setAttribute("data-clause-id", clauseId);
  mark.dataset.count = String(open);
  const label = markLabel(open, total);
  mark.setAttribute("aria-label", label);
  mark.title = label;
  mark.innerHTML = `${BUBBLE_ICON}${open > 0 ? `<span class="comment-gutter-count">${open}</span>` : ""}`;
  // Keep the editor's selection.
  mark.addEventListener("mousedown", (e) => e.preventDefault());
  mark.addEventListener("click", onClick);
  slot.append(mark);
  return slot;
}

/** The extension for one editor (see the module comment). */
export function commentsExtension(ctx: EditorExtensionContext) {
  const store = commentStoreFor(ctx);
  const canComment = CommentPolicy.canCreateThread(ctx.detail.me.role);
  return Extension.create({
    name: "comments",
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key,
          state: {
            init: () => DecorationSet.empty,
            apply: (tr, old) => (tr.getMeta(key) as DecorationSet | undefined) ?? old.map(tr.mapping, tr.doc),
          },
          props: {
            decorations: (state) => key.getState(state),
            handleDOMEvents: {
              mouseover: (_view, event) => {
                const el = (event.target as Element | null)?.closest?.("[data-thread-id]");
                store.setHovered(el ? el.getAttribute("data-thread-id") : null);
                return false;
              },
              mouseleave: () => {
                store.setHovered(null);
                return false;
              },
              click: (_view, event) => {
                const el = (event.target as Element | null)?.closest?.("[data-thread-id]");
                const id = el?.getAttribute("data-thread-id");
                if (id) {
                  store.select(id);
                  store.requestPanel();
                }
                return false;
              },
            },
          },
          view: (view) => new CommentsView(view, store, ctx.ydoc, canComment),
        }),
        clauseWidgetsPlugin({
          key: gutterKey,
          widgetFor: (clauseId) => {
            const { open, total } = threadCounts(store.getSnapshot().threads).get(clauseId) ?? { open: 0, total: 0 };
            // Observers cannot start a thread: a mark is useful to them only where threads exist.
            if (!canComment && total === 0) return null;
            return {
              key: `comment:${clauseId}:${open}:${total}`,
              render: () => renderMark(clauseId, open, total, () => openClause(store, canComment, clauseId)),
            };
          },
          subscribe: (refresh) => {
            // Only a change of the threads (not hover or selection) can change a mark.
            let threads = store.getSnapshot().threads;
            return store.subscribe(() => {
              const next = store.getSnapshot().threads;
              if (next === threads) return;
              const before = threadCounts(threads);
              const after = threadCounts(next);
              threads = next;
              // Only the clauses whose counts differ.
              const changed = new Set<string>();
              for (const id of new Set([...before.keys(), ...after.keys()])) {
                const a = before.get(id);
                const b = after.get(id);
                if (a?.open !== b?.open || a?.total !== b?.total) changed.add(id);
              }
              refresh(changed);
            });
          },
        }),
      ];
    },
  });
}
