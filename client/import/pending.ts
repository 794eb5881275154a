/**
 * An import chosen on the dashboard while creating a statement, waiting for the new statement's editor to open
 * and sync (the file is converted before the statement is created, so a refused file creates nothing).
 */
import type { Converted } from "./convert";

/** A converted file and its name. */
export interface PendingImport {
  fileName: string;
  converted: Converted;
}

const pending = new Map<string, PendingImport>();

/** Keeps an import for statement `statementId` until its editor takes it. */
export function setPendingImport(statementId: string, item: PendingImport): void {
  pending.set(statementId, item);
}

/** Hands over (and forgets) the import waiting for `statementId`, if any. */
export function takePendingImport(statementId: string): PendingImport | null {
  const item = pending.get(statementId) ?? null;
  pending.delete(statementId);
  return item;
}

/** Whether an import waits for `statementId` (without taking it). */
export function hasPendingImport(statementId: string): boolean {
  return pending.has(statementId);
}
