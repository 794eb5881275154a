/**
 * Form building blocks: labelled fields with inline errors, a form-level error, and a submit button with a
 * busy state. Presentational only; pages own the state and the calls.
 */
import { useId } from "react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { TestId } from "../testids";
import { Spinner } from "./Spinner";

/** Props of {@link TextField}. */
export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled text input; `error` is shown under it and linked with `aria-describedby`. */
export function TextField({ label, error, hint, className, ...input }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field ${error ? "field-invalid" : ""} ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {hint && !error && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Props of {@link SelectField}. */
export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  label: string;
  error?: string;
  /** Hide the visible label (it stays the accessible name). */
  hideLabel?: boolean;
  children: ReactNode;
}

/** A labelled `<select>` with an inline error. */
export function SelectField({ label, error, hideLabel, children, className, ...select }: SelectFieldProps) {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field ${error ? "field-invalid" : ""} ${className ?? ""}`}>
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : undefined}>
        {label}
      </label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...select}>
        {children}
      </select>
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A form-level error (not tied to one field), announced to screen readers. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" data-testid={TestId.formError}>
      {message}
    </div>
  );
}

/** A submit button that shows a spinner and disables itself while `busy`. */
export function SubmitButton({
  busy,
  children,
  variant = "primary",
  disabled,
  className,
}: {
  busy: boolean;
  children: ReactNode;
  variant?: "primary" | "secondary";
  disabled?: boolean;
  className?: string;
}) {
  return (
    <button
      type="submit"
      className={`btn btn-${variant} ${className ?? ""}`}
      disabled={busy || disabled}
      aria-busy={busy || undefined}
    >
      {busy && <Spinner label="Working" />}
      <span>{children}</span>
    </button>
  );
}
