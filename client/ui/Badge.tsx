/** A small pill label. */
import type { ReactNode } from "react";

/** Colour families for {@link Badge}. */
export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger";

/** A small pill label in one of a few tones. */
export function Badge({
  tone = "neutral",
  children,
  testId,
  title,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  testId?: string;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
