/**
 * The lock, and the admin's unlock.
 *
 * A lock is one serialized decision per statement, taken on the text the convener confirmed:
 * 1. Lock requests for a statement run one after the other (a per-statement queue in this process); the
 *    database's conditional phase change (`drafting` → `final`) backs it, so a second request finds the
 *    statement final and gets 409 `statement_final`: one final version, whoever clicked first.
 * 2. A first look, freezing nobody: the current text must be the one confirmed (else 409 `text_changed` with
 *    the diff) and, when locking anyway, the unsigned organizations and standing objections must be the ones
 *    the convener was shown (else 409 `lock_list_changed`; without override, 409 `lock_needs_confirmation`).
 * 3. The decision: on the loaded room, the text is read and compared with the confirmed hash and the room is
 *    frozen (every connection loses write rights) in one synchronous step. In one Node process no frame is
 *    handled in between, so an update applied before the step is in the text that was checked, and every
 *    update after it is refused, never applied, stored or relayed.
 * 4. The room commits what it applied before the freeze (`settle`), so the final text is on disk too; then one
 *    transaction re-checks the lists, stores the final version and sets the phase. If anything fails after
 *    the freeze, the room gets back the phase that storage holds.
 */
import type { Services, CurrentUser } from "../context";
import type { Membership } from "../statements/access";
import type { SettledDocument } from "../sync/live-documents";
import { AppError, conflict, forbidden, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { canLock } from "../../shared/roles";
import { sameLockLists, signoffText, sortSignatories } from "../../shared/signoff";
import type { FinalVersionDto, LockReadiness, LockRefusedDetails, LockRequest, Signatory } from "../../shared/signoff";
import { liveText, phaseOf, textChanged } from "./decisions";
import { textCacheOf } from "../text-cache";
import type { LiveText, ShownText } from "./decisions";
import { signoffState } from "./matrix";
import { versionById } from "./versions";
import { lockDocumentHead } from "../storage/documents";
import { recordAutomaticVersion } from "../history/versions";

/** Runs tasks one after the other per key. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** One queue per server (keyed by its rooms), so that servers sharing a process in tests stay apart. */
const queues = new WeakMap<object, KeyedQueue>();
function lockQueue(services: Services): KeyedQueue {
  let q = queues.get(services.rooms);
  if (!q) queues.set(services.rooms, (q = new KeyedQueue()));
  return q;
}

/** Refuses a lock whose lists are not the ones the convener confirmed (see the header, step 2). */
function assertLockable(readiness: LockReadiness, documentHash: string, override: LockRequest["override"]): void {
  const details: LockRefusedDetails = { documentHash, unsigned: readiness.unsigned, objections: readiness.objections };
  if (override) {
    if (!sameLockLists(override, readiness)) {
      throw new AppError(
        "lock_list_changed",
        "Who has not signed, or which objections stand, changed since you looked. Check the list again before locking anyway.",
        details,
      );
    }
  } else if (!readiness.ready) {
    throw new AppError(
      "lock_needs_confirmation",
      "Not every organization has signed the current text, or objections stand. Confirm to lock anyway; the list is recorded with the final version.",
      details,
    );
  }
}

/**
 * The statement's room, loaded and with every applied update committed. Loading it (rather than reading the
 * stored document) puts every connection, including one that joins during the lock, under the freeze.
 */
async function settledRoom(services: Services, statementId: string): Promise<SettledDocument> {
  try {
    return await services.rooms.openSettled(statementId);
  } catch {
    throw new AppError("internal", "The document could not be loaded; nothing was locked. Try again.");
  }
}

/** `POST /lock`: stores the final version of the text the convener confirmed and makes the statement final. */
export async function lock(
  services: Services,
  me: Membership,
  user: CurrentUser,
  body: LockRequest,
): Promise<FinalVersionDto> {
  if (!canLock(me.role)) throw forbidden("Only a convener can lock the statement.");
  if (me.phase === "final") throw statementFinal();
  try {
    return await lockQueue(services).run(me.statementId, () => decideLock(services, me.statementId, user, body));
  } finally {
    // The lock loads the room to freeze it; a room nobody is connected to goes again afterwards.
    services.rooms.release(me.statementId);
  }
}

async function decideLock(
  services: Services,
  id: string,
  user: CurrentUser,
  body: LockRequest,
): Promise<FinalVersionDto> {
  if ((await phaseOf(services.db, id)) === "final") throw statementFinal();
  const shown: ShownText = {
    scope: "document",
    clauseId: null,
    shownHash: body.documentHash,
    shownText: body.documentText ?? null,
  };

  // Step 2: the first look.
  await settledRoom(services, id);
  const first = await liveText(services, id);
  if (first.hash !== body.documentHash) throw textChanged(shown, first);
  assertLockable((await signoffState(services.db, id, first)).readiness, first.hash, body.override);

  // Step 3: check and freeze, with no await in between.
  const room = await settledRoom(services, id);
  // The cached text when it is for exactly this state (server/text-cache.ts), else computed here, synchronously.
  const cached = textCacheOf(services).peek(id);
  const frozenAt = room.seq;
  const text: LiveText = cached && cached.seq === frozenAt ? cached : signoffText(room.doc);
  if (text.hash !== body.documentHash) throw textChanged(shown, text);
  services.rooms.setPhase(id, "final");

  let versionId: number;
  try {
    // Step 4: what was applied before the freeze is committed; nothing can be applied after it.
    await room.settle();
    if (room.destroyed || (room.seq !== frozenAt && signoffText(room.doc).hash !== text.hash)) {
      throw new AppError("internal", "The text could not be stored; nothing was locked. Try again.");
    }
    versionId = await services.db.transaction().execute(async (trx) => {
      // Several instances: another one may have stored an update since the text was frozen here. The row stays
      // locked until this commits, so no instance stores anything in between (its append then finds "final").
      if ((await lockDocumentHead(trx, id)) !== frozenAt) {
        throw conflict("The text changed on another server while it was being locked; nothing was locked. Look again.");
      }
      if ((await phaseOf(trx, id)) === "final") throw statementFinal();
      const { organizations, signatures, readiness } = await signoffState(trx, id, text);
      assertLockable(readiness, text.hash, body.override);
      const holding = new Map(
        signatures.filter((s) => s.voidReason === null && s.hash === text.hash).map((s) => [s.organizationId, s]),
      );
      const signatories: Signatory[] = organizations
        .filter((o) => holding.has(o.id))
        .map((o) => ({
          organizationId: o.id,
          name: o.name,
          shortName: o.shortName,
          sortKey: o.sortKey,
          signedBy: holding.get(o.id)!.userName,
          signedAt: holding.get(o.id)!.at,
        }));
      const now = Date.now();
      const overridden = !readiness.ready;
      const row = await trx
        .insertInto("statement_versions")
        .values({
          statement_id: id,
          kind: "final",
          markdown: text.markdown,
          hash: text.hash,
          signatories: JSON.stringify(sortSignatories(signatories)),
          unsigned: JSON.stringify(overridden ? readiness.unsigned : []),
          objections: JSON.stringify(overridden ? readiness.objections : []),
          override: overridden ? 1 : 0,
          created_by: user.id,
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const changed = await trx
        .updateTable("statements")
        .set({ phase: "final", updated_at: now })
        .where("id", "=", id)
        .where("phase", "=", "drafting")
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw statementFinal();
      await recordAudit(trx, {
        statementId: id,
        actorId: user.id,
        action: "statement.locked",
        detail: {
          versionId: Number(row.id),
          signatories: signatories.map((s) => s.name),
          override: overridden,
          unsigned: overridden ? readiness.unsigned.map((u) => u.organizationName) : [],
          objections: overridden ? readiness.objections : [],
        },
        hash: text.hash,
      });
      return Number(row.id);
    });
  } catch (err) {
    // Give the room back the phase that storage holds (another server may have locked meanwhile).
    const phase = await phaseOf(services.db, id).catch(() => "drafting" as const);
    services.rooms.setPhase(id, phase);
    throw err;
  }
  services.events.emit({ kind: "statement.phase", statementId: id });
  services.events.app(id, { type: "locked", statementId: id, hash: text.hash });
  await recordAutomaticVersion(services, id, { kind: "lock", userId: user.id });
  return (await versionById(services.db, id, versionId)) as FinalVersionDto;
}

/**
 * `POST /unlock`: the instance admin reopens a final statement, with a reason. Every signature is voided (the
 * organizations sign again), the final version stays on record, marked unlocked.
 */
export async function unlock(
  services: Services,
  statementId: string,
  user: CurrentUser,
  reason: string,
): Promise<{ voidedSignatures: number }> {
  if (!user.isAdmin) throw forbidden("Only the instance admin can unlock a final statement.");
  // In the lock's queue: an unlock must not hand write rights back in the middle of a lock's decision.
  return lockQueue(services).run(statementId, () => reopen(services, statementId, user, reason));
}

async function reopen(
  services: Services,
  statementId: string,
  user: CurrentUser,
  reason: string,
): Promise<{ voidedSignatures: number }> {
  const now = Date.now();
  const voided = await services.db.transaction().execute(async (trx) => {
    if ((await phaseOf(trx, statementId)) !== "final") throw conflict("This statement is not locked.");
    const final = await trx
      .selectFrom("statement_versions")
      .select(["id", "hash"])
      .where("statement_id", "=", statementId)
      .where("kind", "=", "final")
      .where("unlocked_at", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirst();
    await trx
      .updateTable("statements")
      .set({ phase: "drafting", updated_at: now })
      .where("id", "=", statementId)
      .execute();
    if (final) {
      await trx
        .updateTable("statement_versions")
        .set({ unlocked_at: now, unlocked_by: user.id, unlock_reason: reason })
        .where("id", "=", final.id)
        .execute();
    }
    const res = await trx
      .updateTable("document_signatures")
      .set({ voided_at: now, void_reason: "unlocked" })
      .where("statement_id", "=", statementId)
      .where("voided_at", "is", null)
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    await recordAudit(trx, {
      statementId,
      actorId: user.id,
      action: "statement.unlocked",
      detail: { reason, versionId: final ? Number(final.id) : null, voidedSignatures: n },
      hash: final?.hash ?? null,
    });
    return n;
  });
  services.rooms.setPhase(statementId, "drafting");
  services.events.emit({ kind: "statement.phase", statementId });
  services.events.app(statementId, { type: "unlocked", statementId });
  services.events.app(statementId, { type: "signoffs.changed", statementId });
  await recordAutomaticVersion(services, statementId, { kind: "unlock", userId: user.id });
  return { voidedSignatures: voided };
}
