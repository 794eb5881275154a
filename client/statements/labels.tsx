/** Human labels for roles and phases, and the badges that show them. */
import type { Phase, Role } from "../../shared/roles";
import { Badge } from "../ui/Badge";
import { TestId } from "../testids";

const ROLE_LABEL: Record<Role, string> = {
  convener: "Convener",
  drafter: "Drafter",
  reviewer: "Reviewer",
  observer: "Observer",
};

const ROLE_DESCRIPTION: Record<Role, string> = {
  convener: "edits the text, manages members and locks the final version",
  drafter: "edits the text and comments",
  reviewer: "reads and comments, but does not edit the text",
  observer: "reads the statement",
};

/** "Convener", "Drafter"… */
export function roleLabel(role: Role): string {
  return ROLE_LABEL[role];
}

/** What a role may do, as a short phrase. */
export function roleDescription(role: Role): string {
  return ROLE_DESCRIPTION[role];
}

/** "Drafting" or "Final". */
export function phaseLabel(phase: Phase): string {
  return phase === "final" ? "Final" : "Drafting";
}

/** The phase as a coloured badge. */
export function PhaseBadge({ phase }: { phase: Phase }) {
  return (
    <Badge
      tone={phase === "final" ? "success" : "info"}
      testId={TestId.phaseBadge}
      title={phase === "final" ? "Locked: the text can no longer change" : "The text is being drafted"}
    >
      {phaseLabel(phase)}
    </Badge>
  );
}

/** The role as a neutral badge. */
export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={role === "convener" ? "warning" : "neutral"}>{roleLabel(role)}</Badge>;
}
