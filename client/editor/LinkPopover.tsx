/**
 * The toolbar's link popover: add, change or remove the link on the selection (or the link the caret is in).
 * Only http(s) and mailto addresses are accepted — the public page and every export keep no other — and a bare
 * `example.org` or `name@example.org` is completed to `https://…` or `mailto:…`.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { FormEvent, RefObject } from "react";
import type { Editor } from "@tiptap/core";
import { useDismiss } from "../import/popover";
import { TextIoLabel, TextIoTestId } from "../import/testids";
import "./toolbar.css";

/** The address to store for what was typed, or a sentence saying why it cannot be a link. */
export function normalizeHref(input: string): { ok: true; href: string } | { ok: false; message: string } {
  const text = input.trim();
  if (text === "") return { ok: false, message: "Enter an address." };
  let candidate = text;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    candidate = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text) ? `mailto:${text}` : `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, message: "This is not a web or email address." };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "mailto:") {
    return { ok: false, message: "Only web (http, https) and email (mailto) links are allowed." };
  }
  if (url.protocol !== "mailto:" && !url.hostname.includes(".") && url.hostname !== "localhost") {
    return { ok: false, message: "This is not a web or email address." };
  }
  return { ok: true, href: candidate };
}

/** The popover; `trigger` is the toolbar button that opened it (focus returns there on Escape). */
export function LinkPopover({
  editor,
  trigger,
  onClose,
}: {
  editor: Editor;
  trigger: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
}) {
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const popover = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const close = useCallback(() => onClose(), [onClose]);
  useDismiss(true, close, popover, trigger);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  function apply(e: FormEvent) {
    e.preventDefault();
    const result = normalizeHref(value);
    if (!result.ok) {
      setError(result.message);
      input.current?.focus();
      return;
    }
    const chain = editor.chain().focus().extendMarkRange("link");
    if (editor.state.selection.empty && !editor.isActive("link")) {
      // Nothing selected: the address becomes the link's text.
      chain
        .insertContent({ type: "text", text: result.href, marks: [{ type: "link", attrs: { href: result.href } }] })
        .run();
    } else {
      chain.setLink({ href: result.href }).run();
    }
    onClose();
  }

  function remove() {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    onClose();
  }

  return (
    <form
      ref={popover}
      className="link-popover"
      role="dialog"
      aria-label={current ? "Edit link" : "Add link"}
      onSubmit={apply}
      noValidate
      data-testid={TextIoTestId.linkDialog}
    >
      <label htmlFor={`${id}-href`} className="small">
        {TextIoLabel.linkUrl}
      </label>
      <input
        ref={input}
        id={`${id}-href`}
        type="url"
        inputMode="url"
        placeholder="https://example.org"
        value={value}
        maxLength={2048}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          setValue(e.target.value);
          setError(null);
        }}
      />
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      <div className="link-popover-actions">
        <button type="submit" className="btn btn-primary btn-sm">
          {TextIoLabel.applyLink}
        </button>
        {current && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={remove}>
            {TextIoLabel.removeLink}
          </button>
        )}
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => {
            onClose();
            editor.commands.focus();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
