/**
 * The sign-off and lock request schemas and their limits: what the API route table (shared/api-routes.ts) and
 * the server's routes validate. Kept apart from shared/signoff.ts (which re-exports them) so that the route
 * table, which every page of the client loads, does not pull in the canonical text and Yjs with the rest of
 * sign-off.
 */
import { z } from "zod";
import { StakeholderGroups } from "./roles";
import { sha256Hex } from "./sha256";
import { Limits } from "./validation";

export const Positions = ["approve", "object", "abstain"] as const;
export type Position = (typeof Positions)[number];

/** Longest objection reason or unlock reason. */
export const REASON_MAX = 2000;

/** A SHA-256 in lowercase hex, as `sha256Hex` writes it. */
export const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, "Expected a SHA-256 in lowercase hex.");

/** Longest shown text a request may carry (a whole document's canonical Markdown, or one clause). */
export const SHOWN_TEXT_MAX = Limits.maxDocumentBytes;

/**
 * A whole document's shown text is sent along with its hash only up to this many UTF-8 bytes, so that a request
 * stays far below the server's body limit. The hash alone decides; the text only lets the server answer a
 * refusal with the word diff from what was shown (without it, the refusal carries the current text, no diff).
 */
export const SHOWN_DOCUMENT_INLINE_MAX = 128 * 1024;

const shownTextSchema = z.string().max(SHOWN_TEXT_MAX);

/** The shown text must be the one its hash names: the server diffs against it when the text has changed since. */
const hashMatchesText = (hash: string, text: string | undefined) => text === undefined || sha256Hex(text) === hash;

const HASH_MISMATCH = "The text sent does not match its hash.";

/**
 * `PUT /api/statements/:id/signoffs`. `clauseHash` and `clauseText` are the clause as the person was shown it:
 * the position is recorded only if that is still the clause's current text (else 409 `text_changed`).
 */
export const positionSchema = z
  .object({
    clauseId: z.string().min(1).max(128),
    organizationId: z.string().min(1).max(64),
    position: z.enum(Positions),
    reason: z.string().trim().max(REASON_MAX).optional(),
    clauseHash: hashSchema,
    clauseText: shownTextSchema,
    /** An open amendment on the clause the position is conditional on ("approve if amended as proposed"). */
    amendmentId: z.string().min(1).max(64).optional(),
  })
  .refine((b) => b.position !== "object" || (b.reason ?? "") !== "", {
    message: "An objection needs a reason.",
    path: ["reason"],
  })
  .refine((b) => hashMatchesText(b.clauseHash, b.clauseText), { message: HASH_MISMATCH, path: ["clauseHash"] });
export type PositionRequest = z.infer<typeof positionSchema>;

/**
 * `POST /api/statements/:id/signature`: the hash of the whole text as the signer was shown it, and that text
 * (optional for a large document: see {@link SHOWN_DOCUMENT_INLINE_MAX}).
 */
export const signatureSchema = z
  .object({
    organizationId: z.string().min(1).max(64),
    documentHash: hashSchema,
    documentText: shownTextSchema.optional(),
  })
  .refine((b) => hashMatchesText(b.documentHash, b.documentText), { message: HASH_MISMATCH, path: ["documentHash"] });
export type SignatureRequest = z.infer<typeof signatureSchema>;

/** What a convener was shown before locking anyway: who had not signed and which objections stood. */
export const lockOverrideSchema = z.object({
  unsigned: z.array(z.string().min(1).max(64)).max(10_000),
  objections: z
    .array(
      z.object({
        clauseId: z.string().min(1).max(128),
        organizationId: z.string().min(1).max(64),
        reason: z.string().max(REASON_MAX),
      }),
    )
    .max(100_000),
});
export type LockOverride = z.infer<typeof lockOverrideSchema>;

/**
 * `POST /api/statements/:id/lock`: the hash of the text the convener confirmed (and that text, as for a
 * signature); with `override`, the lists the convener was shown and locks over (refused with 409
 * `lock_list_changed` when they are no longer current).
 */
export const lockSchema = z
  .object({
    documentHash: hashSchema,
    documentText: shownTextSchema.optional(),
    override: lockOverrideSchema.optional(),
  })
  .refine((b) => hashMatchesText(b.documentHash, b.documentText), { message: HASH_MISMATCH, path: ["documentHash"] });
export type LockRequest = z.infer<typeof lockSchema>;

/** `POST /api/statements/:id/unlock` */
export const unlockSchema = z.object({
  reason: z.string().trim().min(1, "Give a reason for unlocking.").max(REASON_MAX),
});

/** `POST /api/statements/:id/signature/withdraw`: withdraws the organization's signature (before the lock). */
export const withdrawSignatureSchema = z.object({ organizationId: z.string().min(1).max(64) });
export type WithdrawSignatureRequest = z.infer<typeof withdrawSignatureSchema>;

/** Most clauses one bulk approval names. */
export const BULK_APPROVE_MAX = 10_000;

/**
 * `POST /api/statements/:id/signoffs/approve-all`: approve, for one organization, the clauses the person was
 * shown (each at the hash they saw). The server approves them in one transaction, skipping every clause on
 * which the organization objects or abstains (stale or not), already approves, or whose text changed since.
 */
export const bulkApproveSchema = z.object({
  organizationId: z.string().min(1).max(64),
  clauses: z
    .array(z.object({ clauseId: z.string().min(1).max(128), clauseHash: hashSchema }))
    .min(1, "Name at least one clause.")
    .max(BULK_APPROVE_MAX),
});
export type BulkApproveRequest = z.infer<typeof bulkApproveSchema>;

/**
 * `POST /api/statements/:id/expected-organizations`: invite an existing organization to sign
 * (`organizationId`), or one by name (found among existing organizations with the same name in the
 * collation of shared/collation.ts, else created with `shortName` and `stakeholderGroup`).
 */
export const expectedAddSchema = z
  .object({
    organizationId: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1, "Enter the organization's name.").max(Limits.nameMax).optional(),
    shortName: z.string().trim().min(1).max(40).optional(),
    stakeholderGroup: z.enum(StakeholderGroups).optional(),
  })
  .refine((b) => (b.organizationId === undefined) !== (b.name === undefined), {
    message: "Pick an organization or enter a name.",
    path: ["organizationId"],
  });
export type ExpectedAddRequest = z.input<typeof expectedAddSchema>;

/** `DELETE /api/statements/:id/expected-organizations`: no longer expect an organization's signature. */
export const expectedRemoveSchema = z.object({ organizationId: z.string().min(1).max(64) });
