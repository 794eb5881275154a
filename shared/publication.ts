/**
 * Publication and sign-on, the parts both sides need: request schemas (the public sign-on form, the convener's
 * decision and removal), the shapes of the public JSON and of the convener's inbox, and the name folding used to
 * recognise one organization under different spellings.
 *
 * Vocabulary:
 * - an **original** signatory signed the text in the app before the lock (it is in the final version's list);
 * - a signatory that **joined** was approved by the convener after a sign-on request, bound to the hash it saw;
 * - a signatory listed as **earlier-version** signed an earlier final version (before an unlock and a new lock)
 *   and has not confirmed the current text yet.
 */
import { z } from "zod";
import { StakeholderGroups } from "./roles";
import type { StakeholderGroup } from "./roles";

/** Longest decision message or removal reason. */
export const MESSAGE_MAX = 2000;

/** Folds a name for comparison: case, accents, punctuation and spacing do not count. */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** One line of text: no control characters (a line break in a name would also end up in mail headers). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "Required.")
    .max(max)
    .refine((v) => !/[\p{Cc}\u2028\u2029]/u.test(v), "Use a single line of text.");

/** The public sign-on form (`POST /p/:slug/sign-on`, form-encoded or JSON). `website_url` is the honeypot. */
export const signOnSchema = z.object({
  organization: text(200),
  website: text(300).refine(
    (v) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v) || /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(v),
    "Give the organization's website (e.g. https://example.org).",
  ),
  country: text(100),
  stakeholderGroup: z.enum(StakeholderGroups),
  contactName: text(200),
  contactTitle: text(200),
  email: z.string().trim().max(254).email("Give a valid email address."),
  authorized: z.union([z.literal(true), z.literal("on"), z.literal("true"), z.literal("yes")], {
    message: "Confirm that you are authorized to sign on behalf of this organization.",
  }),
  /** Honeypot: people never see it; bots fill it in. */
  website_url: z.string().max(500).optional(),
});
export type SignOnRequestBody = z.infer<typeof signOnSchema>;

/** `POST /api/statements/:id/sign-on-requests/:rid/decision` */
export const decisionSchema = z.object({
  decision: z.enum(["approve", "decline"]),
  message: z.string().trim().max(MESSAGE_MAX).optional(),
  /** Optional sort key for the alphabetical list ("Internet Society" for "The Internet Society"). */
  sortKey: z.string().trim().max(200).optional(),
});
export type DecisionBody = z.infer<typeof decisionSchema>;

/** `POST /api/statements/:id/signatories/remove` */
export const removeSignatorySchema = z.object({
  key: z.string().min(1).max(100),
  reason: z.string().trim().min(1, "Give a reason.").max(MESSAGE_MAX),
});

/** `PUT /api/statements/:id/publication` */
export const publishSchema = z.object({ published: z.boolean() });

/** `POST /api/statements/:id/invites/email` */
export const inviteEmailSchema = z.object({
  email: z.string().trim().max(254).email(),
  role: z.enum(["convener", "drafter", "reviewer", "observer"]),
  organizationId: z.string().min(1).max(64).nullable().optional(),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
});

export type SignatoryStatus = "original" | "joined" | "earlier-version";

/** One organization on a public list. */
export interface PublicSignatory {
  /** `org:<organization id>` for an original, else the signatory's id (the convener removes by it). */
  key: string;
  name: string;
  sortKey: string | null;
  stakeholderGroup: StakeholderGroup | null;
  website: string | null;
  country: string | null;
  status: SignatoryStatus;
  /** The hash this organization signed: the version's own, or an earlier one. */
  hash: string;
  /** When it signed (originals), joined or confirmed this version; for earlier-version, when it signed that one. */
  signedAt: number;
}

/** A final version as the public sees it. */
export interface PublicVersion {
  versionId: number;
  hash: string;
  lockedAt: number;
  /** Set when an admin reopened the statement after this version. */
  unlockedAt: number | null;
}

/** `GET /p/:slug.json` */
export interface PublicStatementJson {
  title: string;
  slug: string;
  url: string;
  text: string;
  hash: string;
  lockedAt: string;
  versionId: number;
  current: boolean;
  signatories: Array<Omit<PublicSignatory, "key" | "signedAt"> & { signedAt: string }>;
  versions: Array<{ versionId: number; hash: string; lockedAt: string; url: string }>;
}

/** A sign-on request in the convener's inbox. */
export interface SignOnRequestDto {
  id: string;
  organization: string;
  website: string;
  country: string;
  stakeholderGroup: StakeholderGroup;
  contactName: string;
  contactTitle: string;
  email: string;
  status: "unconfirmed" | "pending" | "approved" | "declined" | "expired";
  hash: string;
  createdAt: number;
  confirmedAt: number | null;
  decidedAt: number | null;
  decisionMessage: string | null;
  /** The email's domain is the website's domain (or a subdomain of it, or the other way round). */
  emailDomainMatches: boolean;
  /** Organizations already on the list, or known to the instance, with the same or a similar name. */
  similar: Array<{ name: string; where: "signatory" | "organization"; same: boolean }>;
}

/** `GET /api/statements/:id/publication` */
export interface PublicationDto {
  statementId: string;
  slug: string;
  published: boolean;
  /** Null until the statement has been locked once. */
  current: PublicVersion | null;
  versions: PublicVersion[];
  requests: SignOnRequestDto[];
  signatories: PublicSignatory[];
  /** How mail leaves this instance. */
  mail: "smtp" | "outbox";
}
