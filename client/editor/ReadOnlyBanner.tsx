/** The banner that explains why the text cannot be edited (role or final phase). */
import type { Phase, Role } from "../../shared/roles";
import { canEditText } from "../../shared/roles";
import { TestId } from "../testids";

/** Why this user cannot edit, or null when they can. */
export function readOnlyReason(role: Role, phase: Phase): string | null {
  if (canEditText(role, phase)) return null;
  if (phase === "final") return "This statement is final: its text is locked and can no longer change.";
  if (role === "reviewer") return "You are a reviewer: you can read and comment but not edit the text.";
  if (role === "observer") return "You are an observer: you can read the statement but not edit or comment.";
  return "You cannot edit this text.";
}

/** Renders nothing when the user may edit. */
export function ReadOnlyBanner({ role, phase }: { role: Role; phase: Phase }) {
  const reason = readOnlyReason(role, phase);
  if (!reason) return null;
  return (
    <div
      className={`banner ${phase === "final" ? "banner-final" : "banner-info"}`}
      role="status"
      data-testid={TestId.readonlyBanner}
    >
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <rect x="4" y="9" width="12" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M7 9V6.5a3 3 0 0 1 6 0V9" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span>{reason}</span>
    </div>
  );
}
