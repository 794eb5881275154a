/**
 * What every sign-off decision (a position, a signature, the lock) checks first: the live text, the text the
 * person was shown, the statement's phase and whether the caller may sign for an organization. Every rule about
 * *who* may act comes from shared/roles.ts.
 *
 * Sign what you saw: every decision carries the hash of the text the person was shown (and that text, which
 * the request schema checks against the hash). The decision is recorded only if that is still the current
 * text, and bound to that hash; otherwise it is refused with 409 `text_changed` and the diff from what was
 * shown, so the person looks again and confirms the new hash.
 *
 * Consistency: the text is read through the text cache (keyed by `rooms.documentSeq`, which waits for pending writes
 * to commit), and each change is one transaction that re-checks the phase, so that nothing is signed or
 * positioned after a lock commits.
 */
import type { Kysely, Transaction } from "kysely";
import type { Services } from "../context";
import type { Database } from "../storage/schema";
import type { Membership } from "../statements/access";
import { AppError, forbidden, notFound, statementFinal } from "../errors";
import { canSignFor } from "../../shared/roles";
import { diffWords } from "../../shared/diff";
import type { Phase } from "../../shared/roles";
import { currentText } from "../text-cache";
import { lockDocumentHead } from "../storage/documents";
import type { SignoffClause, TextChangedDetails } from "../../shared/signoff";

/** A database handle or an open transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

/** The live text of a statement: canonical Markdown, its hash, and its clauses. */
export interface LiveText {
  markdown: string;
  hash: string;
  clauses: SignoffClause[];
}

/** Reads the live text (see `signoffText` for which clauses can carry positions). */
export async function liveText(services: Services, statementId: string): Promise<LiveText> {
  // Once per document state, shared by every reader (server/text-cache.ts): the key waits for pending writes
  // as `rooms.withDocument` does, so a decision is judged against at least what its author was shown.
  return currentText(services, statementId);
}

/** What a person was shown before deciding: a clause or the whole text, and the hash of it they confirm. */
export interface ShownText {
  scope: "clause" | "document";
  clauseId: string | null;
  shownHash: string;
  /** Null when the request carried the hash alone (a large document): the refusal then has no diff. */
  shownText: string | null;
}

/**
 * The 409 `text_changed` refusal: the text the person was shown is not the current one (`current` is null when
 * the clause was removed). Carries the current hash and text, and the word diff from what was shown.
 */
export function textChanged(shown: ShownText, current: { hash: string; markdown: string } | null): AppError {
  const details: TextChangedDetails = {
    scope: shown.scope,
    clauseId: shown.clauseId,
    shownHash: shown.shownHash,
    currentHash: current?.hash ?? null,
    currentText: current?.markdown ?? null,
    diff: shown.shownText === null ? null : diffWords(shown.shownText, current?.markdown ?? ""),
  };
  const what = shown.scope === "clause" ? "clause" : "text";
  const message = current
    ? `The ${what} changed while you were reading it. Look at the changes, then confirm again.`
    : "The clause was removed from the text while you were reading it.";
  return new AppError("text_changed", message, details);
}

/** The statement's phase, read inside the transaction that depends on it. */
export async function phaseOf(db: Db, statementId: string): Promise<Phase> {
  const row = await db.selectFrom("statements").select("phase").where("id", "=", statementId).executeTakeFirst();
  if (!row) throw notFound("Statement");
  return row.phase === "final" ? "final" : "drafting";
}

/**
 * Inside a decision's transaction: the statement's phase, with the statement row locked until the transaction
 * ends on PostgreSQL (`for update`, as the lock's own transaction takes it: server/storage/documents.ts
 * `lockDocumentHead`). A position, signature or withdrawal then either commits before the lock reads the
 * signatures and positions (which it judges again), or waits and finds the statement final: never both.
 * (SQLite transactions exclude other writers anyway.)
 */
export async function lockedPhaseOf(trx: Transaction<Database>, statementId: string): Promise<Phase> {
  await lockDocumentHead(trx, statementId);
  return phaseOf(trx, statementId);
}

/** Refuses a signing action: 409 once final, 403 for anyone but a representative of that organization. */
export function assertMaySign(me: Membership, organizationId: string): void {
  if (me.phase === "final") throw statementFinal();
  if (!canSignFor(me, organizationId, me.phase)) {
    throw forbidden(
      me.organizationId === organizationId
        ? "Only a convener or drafter who represents this organization can sign for it."
        : "You can only sign for the organization you represent on this statement.",
    );
  }
}
