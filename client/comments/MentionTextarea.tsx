/**
 * A plain-text comment field with `@mention` autocomplete over the statement's members. Ctrl/⌘+Enter
 * submits; Escape closes the suggestions (or, with none open, is left to the caller: it closes the composer).
 *
 * Length: no `maxLength` on purpose — the browser would silently cut a long paste at the limit and the author
 * would send a truncated comment without knowing. The whole text is kept; a counter appears near the limit and
 * turns into an error past it, and the composer refuses to send (useComposer).
 */
import { flushSync } from "react-dom";
import { useId, useMemo, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import type { MemberDto } from "../../shared/api";
import { CommentLimits } from "../../shared/comments/schemas";
import { mentionQueryAt } from "../../shared/comments/mentions";
import { CommentTestId } from "./testids";

/** Props of {@link MentionTextarea}. */
export interface MentionTextareaProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Called when a member is picked, with the name inserted and their id. */
  onPick: (name: string, userId: string) => void;
  members: readonly MemberDto[];
  onSubmit: () => void;
  onEscape?: () => void;
  placeholder?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}

const MAX_SUGGESTIONS = 6;

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.8;

/** The length counter under a comment field, from {@link COUNTER_FROM} of the limit; an error past it. */
export function LengthCounter({ id, length, max }: { id: string; length: number; max: number }) {
  if (length < max * COUNTER_FROM) return null;
  const over = length - max;
  return (
    <p
      id={id}
      className={over > 0 ? "comment-counter comment-counter-over" : "comment-counter"}
      data-testid={CommentTestId.counter}
      aria-live="polite"
    >
      {length.toLocaleString("en")} / {max.toLocaleString("en")}
      {over > 0 && ` — ${over.toLocaleString("en")} too many: shorten it to send`}
    </p>
  );
}

/** See the module comment. */
export function MentionTextarea(props: MentionTextareaProps) {
  const { label, value, onChange, onPick, members, onSubmit, onEscape, placeholder, autoFocus, disabled } = props;
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<{ query: string; start: number } | null>(null);
  const [index, setIndex] = useState(0);
  const listId = useId();
  const counterId = useId();
  const nearLimit = value.length >= CommentLimits.bodyMax * COUNTER_FROM;

  const suggestions = useMemo(() => {
    if (!query) return [];
    const q = query.query.toLocaleLowerCase();
    return members
      .filter(
        (m) =>
          m.name
            .toLocaleLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)) ||
          m.name.toLocaleLowerCase().startsWith(q) ||
          m.email.toLocaleLowerCase().startsWith(q),
      )
      .slice(0, MAX_SUGGESTIONS);
  }, [query, members]);
  const open = suggestions.length > 0;

  function track(text: string, caret: number) {
    const next = mentionQueryAt(text, caret);
    setQuery(next);
    if (!next || next.query !== query?.query) setIndex(0);
  }

  function pick(m: MemberDto) {
    const el = ref.current;
    if (!el || !query) return;
    const caret = el.selectionStart;
    const insert = `@${m.name} `;
    const text = value.slice(0, query.start) + insert + value.slice(caret);
    // Commit the new value now and put the caret after the mention before the next keystroke is handled:
    // deferring it (to the next frame) let a fast typist's next character land elsewhere.
    flushSync(() => {
      onChange(text);
      onPick(m.name, m.userId);
      setQuery(null);
    });
    const at = query.start + insert.length;
    el.focus();
    el.setSelectionRange(at, at);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const d = e.key === "ArrowDown" ? 1 : -1;
        setIndex((i) => (i + d + suggestions.length) % suggestions.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(suggestions[Math.min(index, suggestions.length - 1)]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmit();
      return;
    }
    if (e.key === "Escape" && onEscape) {
      e.preventDefault();
      onEscape();
    }
  }

  return (
    <div className="mention-field">
      <textarea
        ref={ref}
        aria-label={label}
        className="comment-textarea"
        value={value}
        placeholder={placeholder}
        autoFocus={autoFocus}
        disabled={disabled}
        rows={2}
        aria-invalid={value.length > CommentLimits.bodyMax}
        aria-describedby={nearLimit ? counterId : undefined}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${Math.min(index, suggestions.length - 1)}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          track(e.target.value, e.target.selectionStart);
        }}
        onSelect={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
        onBlur={() => setTimeout(() => setQuery(null), 150)}
        onKeyDown={onKeyDown}
      />
      <LengthCounter id={counterId} length={value.length} max={CommentLimits.bodyMax} />
      {open && (
        <ul
          className="mention-suggestions"
          role="listbox"
          id={listId}
          data-testid={CommentTestId.mentionList}
          aria-label="Members"
        >
          {suggestions.map((m, i) => (
            <li
              key={m.userId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === index}
              className={i === index ? "mention-option mention-option-active" : "mention-option"}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m);
              }}
            >
              <span className="mention-dot" style={{ backgroundColor: m.color }} aria-hidden="true" />
              <span className="mention-name">{m.name}</span>
              <span className="mention-email">{m.email}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
