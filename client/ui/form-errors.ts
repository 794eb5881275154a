/**
 * Turns validation problems (from a local zod check or from the server's 400 `details.fields`) into a map
 * `field → message` for inline display, plus one form-level message for everything else.
 */
import type { z } from "zod";
import { ApiRequestError, errorMessage } from "../api";

/** Field errors keyed by field name, and a message for the form as a whole. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

/** No errors. */
export const noErrors: FormErrors = { fields: {}, form: null };

/** Validates `value` with a shared zod schema; returns the parsed value or the errors to show. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FormErrors } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join(".");
    if (!(key in fields)) fields[key] = issue.message;
  }
  return { ok: false, errors: { fields, form: Object.keys(fields).length ? null : "Check the form." } };
}

/**
 * Errors to show for a failed request. `fieldFor` may route a known error code to a field
 * (e.g. a 409 "email taken" to `email`).
 */
export function errorsFromRequest(error: unknown, fieldFor?: (e: ApiRequestError) => string | null): FormErrors {
  if (error instanceof ApiRequestError) {
    const fields = error.fieldErrors();
    if (Object.keys(fields).length > 0) return { fields, form: null };
    const field = fieldFor?.(error) ?? null;
    if (field) return { fields: { [field]: error.message }, form: null };
  }
  return { fields: {}, form: errorMessage(error) };
}
