/**
 * Who may do what on a statement. Routes and the sync layer both call these predicates; nobody re-derives them.
 *
 * Rules:
 * - convener: edits text, comments, invites and manages members, locks; signs if representing an organization.
 * - drafter:  edits text, comments, resolves threads; signs if representing an organization.
 * - reviewer: comments only; never signs (not even when representing an organization).
 * - observer: reads only.
 * - Once a statement is `final`, nobody edits the text (not even the convener); comments may continue.
 * - Signing (clause positions and document signatures) is for conveners and drafters who represent that very
 *   organization (a representative of A never signs for B), and is frozen once final.
 */

export const Roles = ["convener", "drafter", "reviewer", "observer"] as const;
export type Role = (typeof Roles)[number];

export const Phases = ["drafting", "final"] as const;
export type Phase = (typeof Phases)[number];

export const StakeholderGroups = [
  "technical-community",
  "private-sector",
  "civil-society",
  "academia",
  "government",
  "intergovernmental",
] as const;
export type StakeholderGroup = (typeof StakeholderGroups)[number];

/** Human labels for stakeholder groups. */
export const StakeholderGroupLabel: Record<StakeholderGroup, string> = {
  "technical-community": "Technical community",
  "private-sector": "Private sector",
  "civil-society": "Civil society",
  academia: "Academia",
  government: "Government",
  intergovernmental: "Intergovernmental",
};

/** May this role change the document text in this phase? */
export function canEditText(role: Role, phase: Phase): boolean {
  return phase === "drafting" && (role === "convener" || role === "drafter");
}

/** May this role write comments (new threads, replies)? */
export function canComment(role: Role): boolean {
  return role !== "observer";
}

/** May this role resolve or reopen a thread it did not start? */
export function canResolveAnyThread(role: Role): boolean {
  return role === "convener" || role === "drafter";
}

/** May this role invite members, change roles and remove members? */
export function canManageMembers(role: Role): boolean {
  return role === "convener";
}

/** May this role hide someone else's comment (leaving a visible trace)? */
export function canModerateComments(role: Role): boolean {
  return role === "convener";
}

/** May this member sign (positions, document signature) for `organizationId` in this phase? */
export function canSignFor(
  member: { role: Role; organizationId: string | null },
  organizationId: string,
  phase: Phase,
): boolean {
  return (
    phase === "drafting" &&
    (member.role === "convener" || member.role === "drafter") &&
    member.organizationId !== null &&
    member.organizationId === organizationId
  );
}

/** May this role lock the statement? */
export function canLock(role: Role): boolean {
  return role === "convener";
}

/** Type guard for roles arriving from outside. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (Roles as readonly string[]).includes(value);
}
