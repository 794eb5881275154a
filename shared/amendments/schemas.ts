/**
 * Amendments (suggested wording) on the wire: limits, statuses, request schemas, the response shape, and who may
 * do what. Only zod: importing from here never pulls in yjs (the anchoring code is in target.ts).
 *
 * Rules (pure predicates, called by the routes and the UI alike; roles come from shared/roles.ts):
 * - conveners, drafters and reviewers propose replacement wording for a clause or for words inside it, with a
 *   reason (`canComment`); observers only read;
 * - conveners and drafters — the people who may edit the text — accept (the words are replaced by a normal edit
 *   in their name) or decline with a reason (`canEditText`); reviewers cannot;
 * - the proposer may withdraw an open proposal (it is then `closed`);
 * - a proposal whose target words changed since it was made is `outdated` and cannot be accepted; the server
 *   checks the words again at the moment it applies them, in the same step;
 * - nothing is proposed or decided once the statement is final; open proposals are then `closed`.
 */
import { z } from "zod";
import type { Phase, Role } from "../roles";
import { canComment, canEditText } from "../roles";
import { anchorSchema } from "../comments/schemas";
import type { AnchorInput } from "../comments/schemas";

/** Limits of amendment requests. */
export const AmendmentLimits = {
  /** Characters of the proposed wording. */
  replacementMax: 5_000,
  /** Characters of a reason (for proposing or declining). */
  reasonMax: 2_000,
} as const;

export const AmendmentStatuses = ["open", "accepted", "declined", "outdated", "closed"] as const;
export type AmendmentStatus = (typeof AmendmentStatuses)[number];

/** `POST /api/statements/:id/amendments`: new wording for the clause, or for the words `anchor` names in it. */
export const amendmentCreateSchema = z.object({
  clauseId: z.string().min(1).max(128),
  /** The words to replace (Yjs relative positions and the quote, as for comments); none: the whole clause. */
  anchor: anchorSchema.optional(),
  /** The new wording (empty: delete the words). Plain text, on one line. */
  replacement: z
    .string({ message: "The new wording must be text." })
    .max(AmendmentLimits.replacementMax, `New wording can have at most ${AmendmentLimits.replacementMax} characters.`)
    .refine((s) => !/[\n\r]/.test(s), "New wording stays on one line (suggest one paragraph at a time)."),
  reason: z
    .string({ message: "Give a reason for the change." })
    .trim()
    .min(1, "Give a reason for the change.")
    .max(AmendmentLimits.reasonMax),
});
export type AmendmentCreateRequest = z.infer<typeof amendmentCreateSchema>;

/** `POST /api/amendments/:id/decision`: accept, decline (with a reason), or withdraw one's own proposal. */
export const amendmentDecisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("accept") }),
  z.object({
    decision: z.literal("decline"),
    reason: z
      .string({ message: "Give a reason for declining." })
      .trim()
      .min(1, "Give a reason for declining.")
      .max(AmendmentLimits.reasonMax),
  }),
  z.object({ decision: z.literal("withdraw") }),
]);
export type AmendmentDecisionRequest = z.infer<typeof amendmentDecisionSchema>;

/** Where a proposal applies: the words it replaces, as relative positions and as offsets in the clause's text. */
export interface AmendmentTarget extends AnchorInput {
  /** Offsets of the words in the clause's plain text (shared/comments/anchors.ts `clauseText`) when proposed. */
  start: number;
  end: number;
}

/** An organization's current position that references a proposal ("approve if amended as proposed"). */
export interface ConditionalPosition {
  organizationId: string;
  /** The organization's short name. */
  organization: string;
  /** approve | object | abstain */
  position: string;
}

/** A proposal as the API answers it and the realtime push carries it. */
export interface AmendmentDto {
  id: string;
  statementId: string;
  clauseId: string;
  target: AmendmentTarget;
  replacement: string;
  reason: string;
  status: AmendmentStatus;
  proposer: { id: string; name: string; organizationId: string | null };
  createdAt: number;
  /** Who accepted, declined, withdrew (or null: closed by the lock, or still open / outdated). */
  decision: { by: { id: string; name: string }; at: number; reason: string | null } | null;
  /** Organizations whose current position on the clause references this proposal. */
  positions: ConditionalPosition[];
}

/** The rules listed at the top of this file. */
export const AmendmentPolicy = {
  canPropose(role: Role, phase: Phase): boolean {
    return phase === "drafting" && canComment(role);
  },
  canDecide(role: Role, phase: Phase, amendment: { status: AmendmentStatus }): boolean {
    return canEditText(role, phase) && amendment.status === "open";
  },
  canWithdraw(userId: string, phase: Phase, amendment: { status: AmendmentStatus; proposer: { id: string } }): boolean {
    return phase === "drafting" && amendment.proposer.id === userId && amendment.status === "open";
  },
} as const;
