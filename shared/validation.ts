/**
 * Limits and request schemas shared by the client (form hints) and the server (enforcement).
 */
import { z } from "zod";
import { Roles, StakeholderGroups } from "./roles";

/** Default limits; the server's config may override the realtime ones. */
export const Limits = {
  /** Largest WebSocket frame the server accepts. */
  maxFrameBytes: 1024 * 1024,
  /** Largest encoded document the server keeps. */
  maxDocumentBytes: 16 * 1024 * 1024,
  /** Messages per second a connection may send, averaged over a short burst window. */
  maxMessagesPerSecond: 400,
  passwordMin: 8,
  passwordMax: 256,
  nameMax: 120,
  titleMax: 200,
  emailMax: 254,
} as const;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(Limits.emailMax)
  .pipe(z.email({ message: "Enter a valid email address." }));

export const passwordSchema = z
  .string()
  .min(Limits.passwordMin, `Use at least ${Limits.passwordMin} characters.`)
  .max(Limits.passwordMax, `Use at most ${Limits.passwordMax} characters.`);

export const displayNameSchema = z.string().trim().min(1, "Enter your name.").max(Limits.nameMax);

export const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: displayNameSchema,
  invite: z.string().max(200).optional(),
});

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(Limits.passwordMax),
});

export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(Limits.passwordMax),
  newPassword: passwordSchema,
});

export const organizationSchema = z.object({
  name: z.string().trim().min(1, "Enter the organization's name.").max(Limits.nameMax),
  shortName: z.string().trim().min(1, "Enter a short name.").max(40),
  stakeholderGroup: z.enum(StakeholderGroups),
  /** Optional key for alphabetical order, so that "The X Foundation" can sort under X. */
  sortKey: z.string().trim().max(Limits.nameMax).optional(),
});

/** `PATCH /api/organizations/:id`: any of the creation fields. */
export const organizationPatchSchema = organizationSchema.partial();

/** `POST /api/organizations/:id/merge`: the organization that remains. */
export const organizationMergeSchema = z.object({ intoId: z.string().min(1).max(64) });

export const statementCreateSchema = z.object({
  title: z.string().trim().min(1, "Enter a title.").max(Limits.titleMax),
});

export const memberAddSchema = z.object({
  email: emailSchema,
  role: z.enum(Roles),
  organizationId: z.string().min(1).max(64).nullable().optional(),
});

export const memberPatchSchema = z.object({
  userId: z.string().min(1).max(64),
  role: z.enum(Roles).optional(),
  organizationId: z.string().min(1).max(64).nullable().optional(),
});

export const memberRemoveSchema = z.object({
  userId: z.string().min(1).max(64),
});

export const inviteCreateSchema = z.object({
  role: z.enum(Roles),
  organizationId: z.string().min(1).max(64).nullable().optional(),
  /** Hours until the link expires. */
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .optional(),
});
