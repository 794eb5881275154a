/**
 * Where a test may stop an accept half-way, as a crash would: per running server (keyed by its services), set
 * only by tests through `injectAcceptFaults` (server/amendments/testing.ts). Production servers have none.
 */
import type { Services } from "../context";

export interface AcceptFaults {
  /** Awaited after the claim, before the edit (a promise that never settles: the process "dies" there). */
  afterClaim?: () => Promise<void>;
  /** Awaited after the edit is stored, before the proposal is marked accepted. */
  afterEdit?: () => Promise<void>;
  /** How old a claim must be before a read settles it (default: {@link RECOVER_CLAIMS_AFTER_MS}). */
  recoverAfterMs?: number;
}

/**
 * How long an accept may hold its claim before a read takes it as abandoned: far longer than an edit takes
 * (milliseconds), so that a live accept on another instance is never judged half-way.
 */
export const RECOVER_CLAIMS_AFTER_MS = 30_000;

const faults = new WeakMap<Services, AcceptFaults>();

export function setAcceptFaults(services: Services, f: AcceptFaults): void {
  faults.set(services, f);
}

export function acceptFaults(services: Services): AcceptFaults {
  return faults.get(services) ?? {};
}
