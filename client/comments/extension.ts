/**
 * The comments extension of the statement editor:
 * - highlights of commented ranges (inline decorations, from the threads' relative positions), lit up
 *   together with their thread card on hover or focus;
 * - a gutter mark beside every clause with its number of open threads (an overlay positioned next to each
 *   top-level block, outside the document, so it never touches the text); clicking it opens the clause's
 *   threads, or a new comment on a clause without any;
 * - a floating "Comment" button over a selection, and Ctrl/⌘+Alt+M to comment on the selection
 *   (Escape closes the composer or the open thread). Both work in read-only editors: reviewers comment.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { EditorView } from "@tiptap/pm/view";
import type * as Y from "yjs";
import { CLAUSE_ID_ATTR } from "../../shared/canonical";
import { CommentPolicy } from "../../shared/comments/policy";
import type { EditorExtensionContext } from "../editor/plugins";
import { commentStoreFor } from "./store";
import type { CommentStore } from "./store";
import { draftFromSelection, rangeOfAnchor } from "./anchors";
import { CommentTestId } from "./testids";
import { plural } from "../../shared/plural";

const key = new PluginKey<DecorationSet>("comments");

/** Brings the Comments tab of the side panel forward (the panel owns its tab state; its tab is a button). */
function showCommentsTab(): void {
  document.querySelector<HTMLButtonElement>('[data-testid="side-tab-comments"]:not([aria-selected="true"])')?.click();
}

function isShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && e.altKey && e.code === "KeyM";
}

const BUBBLE_ICON =
  '<svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true"><path d="M4 4h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>';

/** The DOM parts of the extension: gutter, selection button, listeners. */
class CommentsView {
  private readonly gutter: HTMLDivElement;
  private readonly button: HTMLButtonElement;
  private readonly marks = new Map<string, HTMLButtonElement>();
  private readonly unsubscribe: Array<() => void> = [];
  private frame = 0;
  private decorationKey = "";
  private lastSelected: string | null = null;
  private readonly resize: ResizeObserver | null;

  constructor(
    private view: EditorView,
    private readonly store: CommentStore,
    private readonly ydoc: Y.Doc,
    private readonly canComment: boolean,
  ) {
    this.gutter = document.createElement("div");
    this.gutter.className = "comment-gutter";
    this.gutter.setAttribute("aria-label", "Comments by clause");
    this.gutter.setAttribute("role", "group");

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
    this.resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => this.schedule());
    this.resize?.observe(view.dom);
    this.schedule();
  }

  update(view: EditorView, prev: EditorState): void {
    this.view = view;
    if (!view.state.doc.eq(prev.doc) || !view.state.selection.eq(prev.selection)) this.schedule();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    for (const u of this.unsubscribe.splice(0)) u();
    this.resize?.disconnect();
    this.gutter.remove();
    this.button.remove();
  }

  /**
   * The element around the editor's content, which the gutter and the button are positioned in. Looked up
   * at each render: Tiptap mounts the view in a temporary element and moves it into the page later.
   */
  private get host(): HTMLElement {
    const host = this.view.dom.parentElement!;
    host.classList.add("comments-host");
    if (this.gutter.parentElement !== host) host.append(this.gutter);
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

    this.layoutGutter(snap.threads);
    this.placeButton();
  }

  private layoutGutter(threads: ReturnType<CommentStore["getSnapshot"]>["threads"]): void {
    const open = new Map<string, number>();
    const all = new Map<string, number>();
    for (const t of threads) {
      all.set(t.clauseId, (all.get(t.clauseId) ?? 0) + 1);
      if (t.status === "open") open.set(t.clauseId, (open.get(t.clauseId) ?? 0) + 1);
    }
    const hostTop = this.host.getBoundingClientRect().top;
    const seen = new Set<string>();
    this.view.state.doc.forEach((node, offset) => {
      const id = node.attrs[CLAUSE_ID_ATTR] as unknown;
      if (typeof id !== "string" || id === "" || seen.has(id)) return;
      const count = open.get(id) ?? 0;
      // Observers cannot start a thread: a mark is useful to them only where threads exist.
      if (!this.canComment && (all.get(id) ?? 0) === 0) return;
      const dom = this.view.nodeDOM(offset);
      if (!(dom instanceof HTMLElement)) return;
      seen.add(id);
      let mark = this.marks.get(id);
      if (!mark) {
        mark = document.createElement("button");
        mark.type = "button";
        mark.className = "comment-gutter-mark";
        mark.setAttribute("data-testid", CommentTestId.gutterMark);
        mark.setAttribute("data-clause-id", id);
        mark.addEventListener("mousedown", (e) => e.preventDefault());
        mark.addEventListener("click", () => this.openClause(id));
        this.marks.set(id, mark);
        this.gutter.append(mark);
      }
      const total = all.get(id) ?? 0;
      mark.style.top = `${Math.round(dom.getBoundingClientRect().top - hostTop)}px`;
      mark.dataset.count = String(count);
      mark.classList.toggle("comment-gutter-mark-empty", total === 0);
      const label =
        total === 0
          ? "Comment on this clause"
          : `${plural(count, "open thread")}${total > count ? `, ${total - count} resolved` : ""} on this clause`;
      mark.setAttribute("aria-label", label);
      mark.title = label;
      const html = `${BUBBLE_ICON}${count > 0 ? `<span class="comment-gutter-count">${count}</span>` : ""}`;
      if (mark.innerHTML !== html) mark.innerHTML = html;
    });
    for (const [id, mark] of this.marks) {
      if (!seen.has(id)) {
        mark.remove();
        this.marks.delete(id);
      }
    }
  }

  private openClause(clauseId: string): void {
    const snap = this.store.getSnapshot();
    const has = snap.threads.some((t) => t.clauseId === clauseId);
    if (!has && this.canComment) {
      this.store.focusClause(clauseId);
      this.store.startDraft({ clauseId, anchor: null });
      return;
    }
    this.store.focusClause(clauseId);
    this.store.requestPanel();
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
      ];
    },
  });
}
