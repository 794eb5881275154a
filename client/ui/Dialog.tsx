/**
 * The one modal dialog of the app, on the native `<dialog>` element: `showModal()` makes the rest of the page
 * inert (screen readers see only the dialog), Escape closes it. On top of that:
 * - Tab and Shift+Tab cycle inside the dialog (the platform would let focus leave it for the browser's own UI);
 * - focus goes to the first field of the body, or to an element marked `data-autofocus` (else the close button);
 * - on close, focus goes back to what had it before (the button that opened it), so keyboard users keep their place.
 */
import { useEffect, useId, useRef } from "react";
import type { KeyboardEvent, ReactNode } from "react";

/** Props of {@link Dialog}. */
export interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** A wider dialog (tables, the shortcut list). */
  wide?: boolean;
}

/** Where focus goes when the dialog opens: a marked element, else the first field, else the close button. */
function initialFocus(dialog: HTMLDialogElement): HTMLElement | null {
  return (
    dialog.querySelector<HTMLElement>("[data-autofocus]") ??
    dialog.querySelector<HTMLElement>(
      ".dialog-body > :not(header) :is(input:not([type=hidden]):not([disabled]):not([readonly]), textarea:not([readonly]), select)",
    )
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Keeps Tab inside the dialog: from the last control to the first, and back with Shift+Tab. */
function trapTab(e: KeyboardEvent<HTMLDialogElement>): void {
  if (e.key !== "Tab") return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.offsetParent !== null || el === document.activeElement,
  );
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !e.currentTarget.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

/** A modal dialog shown while `open`; Escape or the close button call `onClose`. */
export function Dialog({ open, title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      initialFocus(d)?.focus();
    }
    if (!open && d.open) {
      d.close();
      restoreFocus(returnTo.current);
    }
  }, [open]);
  // Unmounted while open (its owner went away): still give focus back.
  useEffect(() => {
    const d = ref.current;
    return () => {
      if (d?.open) restoreFocus(returnTo.current);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${wide ? "dialog-wide" : ""}`}
      aria-labelledby={titleId}
      onKeyDown={trapTab}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <div className="dialog-body">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

function restoreFocus(el: HTMLElement | null): void {
  if (el?.isConnected && document.activeElement !== el) el.focus();
}

/** Asks the platform confirm dialog; kept behind a function so it can be replaced by a styled one later. */
export function confirmAction(message: string): boolean {
  return window.confirm(message);
}
