/**
 * Search in the statement: Ctrl+F (⌘F) opens a bar above the text that highlights every match (SearchHighlight),
 * says "3 of 12", moves with Enter / Shift+Enter (or the arrows), and lists the comment threads whose comments
 * mention the words — choosing one opens it in the Comments tab. Escape closes the bar and puts the focus back
 * where it was. Ctrl+F pressed again while the bar's field has the focus is left to the browser's own find.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { Editor } from "@tiptap/core";
import type { EditorPageContext } from "../editor/plugins";
import { commentStoreFor } from "../comments/store";
import type { ThreadDto } from "../../shared/comments/schemas";
import { TextIoLabel, TextIoTestId } from "../import/testids";
import { fold, searchState, setSearchCurrent, setSearchQuery } from "./extension";
import type { SearchState } from "./extension";
import "./search.css";

/** A comment that matches, with the words around the match. */
interface CommentHit {
  thread: ThreadDto;
  author: string;
  before: string;
  match: string;
  after: string;
}

const MAX_COMMENT_HITS = 20;

/** ⌘F on a Mac (where Ctrl+F moves the caret in text fields), Ctrl+F elsewhere. */
const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The comments whose text (or the quote they were made on) contains the query; one hit per thread. */
export function commentHits(threads: readonly ThreadDto[], query: string): CommentHit[] {
  const needle = fold(query.trim());
  if (needle === "") return [];
  const hits: CommentHit[] = [];
  for (const thread of threads) {
    const texts: Array<{ author: string; text: string }> = thread.comments.flatMap((c) =>
      c.content.kind === "visible" ? [{ author: c.author.name, text: c.content.body }] : [],
    );
    if (thread.anchor?.quote) texts.push({ author: "Quoted text", text: thread.anchor.quote });
    for (const { author, text } of texts) {
      const at = fold(text).indexOf(needle);
      if (at === -1) continue;
      const start = Math.max(0, at - 40);
      const end = Math.min(text.length, at + needle.length + 60);
      hits.push({
        thread,
        author,
        before: (start > 0 ? "…" : "") + text.slice(start, at),
        match: text.slice(at, at + needle.length),
        after: text.slice(at + needle.length, end) + (end < text.length ? "…" : ""),
      });
      break;
    }
    if (hits.length >= MAX_COMMENT_HITS) break;
  }
  return hits;
}

/** The search state of the editor, kept current. */
function useSearch(editor: Editor | null): SearchState {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!editor) return () => undefined;
      editor.on("transaction", onChange);
      return () => {
        editor.off("transaction", onChange);
      };
    },
    [editor],
  );
  return useSyncExternalStore(subscribe, () => (editor && !editor.isDestroyed ? searchState(editor.state) : EMPTY));
}
const EMPTY: SearchState = { query: "", matches: [], current: -1 };

function scrollToCurrent(editor: Editor) {
  // After the decoration is drawn: the marked element is the current match.
  requestAnimationFrame(() => {
    const el = editor.view.dom.querySelector("[data-search-current]");
    el?.scrollIntoView({ block: "center", inline: "nearest" });
  });
}

/** The search bar (rendered above the editor; hidden until Ctrl/⌘+F). */
export function SearchBar({ ctx }: { ctx: EditorPageContext }) {
  const { editor } = ctx;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const id = useId();
  const search = useSearch(editor);
  const store = useMemo(() => commentStoreFor(ctx), [ctx.ydoc]); // eslint-disable-line react-hooks/exhaustive-deps
  const comments = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const hits = useMemo(() => (open ? commentHits(comments.threads, query) : []), [open, comments.threads, query]);

  const run = useCallback(
    (q: string) => {
      if (!editor || editor.isDestroyed) return;
      editor.view.dispatch(setSearchQuery(editor.state.tr, q));
      if (q.trim() !== "") scrollToCurrent(editor);
    },
    [editor],
  );

  const close = useCallback(() => {
    setOpen(false);
    run("");
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back && back.isConnected) back.focus();
    else editor?.commands.focus();
  }, [run, editor]);

  // Ctrl/⌘+F anywhere on the page opens the bar; again from inside the bar, the browser's find takes over.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(IS_MAC ? e.metaKey : e.ctrlKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== "f") return;
      if (open && document.activeElement === input.current) return;
      e.preventDefault();
      if (!open) {
        returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        const selected =
          editor && !editor.state.selection.empty
            ? editor.state.doc.textBetween(editor.state.selection.from, editor.state.selection.to, " ").slice(0, 200)
            : "";
        const q = selected || query;
        setQuery(q);
        setOpen(true);
        run(q);
      }
      requestAnimationFrame(() => {
        input.current?.focus();
        input.current?.select();
      });
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [open, editor, query, run]);

  function step(delta: number) {
    if (!editor || search.matches.length === 0) return;
    const n = search.matches.length;
    editor.view.dispatch(setSearchCurrent(editor.state.tr, (search.current + delta + n) % n));
    scrollToCurrent(editor);
  }

  function openThread(thread: ThreadDto) {
    store.setFilter(thread.status === "resolved" ? { kind: "resolved" } : { kind: "open" });
    store.focusClause(null);
    store.select(thread.id);
    store.requestPanel();
  }

  if (!open) return null;
  const total = search.matches.length;
  const count = query.trim() === "" ? "" : total === 0 ? "No matches" : `${search.current + 1} of ${total}`;
  return (
    <div
      className="search-bar"
      role="search"
      aria-label={TextIoLabel.search}
      data-testid={TextIoTestId.searchBar}
      onKeyDown={(e) => {
        // Escape from anywhere in the bar (its buttons, a listed comment), not only from the field.
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          close();
        }
      }}
    >
      <div className="search-row">
        <label htmlFor={`${id}-q`} className="visually-hidden">
          {TextIoLabel.search}
        </label>
        <input
          ref={input}
          id={`${id}-q`}
          type="search"
          value={query}
          placeholder="Search the text and comments"
          autoComplete="off"
          aria-describedby={`${id}-count`}
          onChange={(e) => {
            setQuery(e.target.value);
            run(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            } else if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        />
        <span
          className="search-count muted small"
          id={`${id}-count`}
          aria-live="polite"
          data-testid={TextIoTestId.searchCount}
        >
          {count}
        </span>
        <button
          type="button"
          className="btn-icon"
          aria-label={TextIoLabel.previousMatch}
          title={`${TextIoLabel.previousMatch} (Shift+Enter)`}
          disabled={total === 0}
          onClick={() => step(-1)}
        >
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="m5 12 5-5 5 5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
        <button
          type="button"
          className="btn-icon"
          aria-label={TextIoLabel.nextMatch}
          title={`${TextIoLabel.nextMatch} (Enter)`}
          disabled={total === 0}
          onClick={() => step(1)}
        >
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="m5 8 5 5 5-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
        <button
          type="button"
          className="btn-icon"
          aria-label={TextIoLabel.closeSearch}
          title="Close (Escape)"
          onClick={close}
        >
          ×
        </button>
      </div>
      {hits.length > 0 && (
        <div className="search-comments">
          <p className="small muted" id={`${id}-comments`}>
            In comments ({hits.length === MAX_COMMENT_HITS ? `first ${MAX_COMMENT_HITS}` : hits.length})
          </p>
          <ul aria-labelledby={`${id}-comments`}>
            {hits.map((h) => (
              <li key={h.thread.id}>
                <button
                  type="button"
                  className="search-comment"
                  data-testid={TextIoTestId.searchComment}
                  data-thread-id={h.thread.id}
                  onClick={() => openThread(h.thread)}
                >
                  <span className="search-comment-author">{h.author}</span>{" "}
                  <span className="search-comment-text">
                    {h.before}
                    <mark>{h.match}</mark>
                    {h.after}
                  </span>
                  {h.thread.status === "resolved" && <span className="muted small"> (resolved)</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
