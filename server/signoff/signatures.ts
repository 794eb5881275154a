/**
 * Document signatures: an organization signs the whole text, bound to its canonical hash; a signature is void
 * once the text changes (or after an unlock). Each signed text is kept as an automatic `signature` version, so
 * that a void signature can still show what was signed. A representative may withdraw the signature before the
 * lock (the row is voided as `withdrawn`, audited); after the lock nothing changes.
 */
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { badRequest, conflict, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { signatureVoidReason } from "../../shared/signoff";
import type { SignatureDto, SignatureRequest, WithdrawSignatureRequest } from "../../shared/signoff";
import { assertMaySign, liveText, lockedPhaseOf, textChanged } from "./decisions";
import type { Db, LiveText } from "./decisions";
import { recordAutomaticVersion } from "../history/versions";

/** `void_reason` of a signature its organization withdrew. */
const WITHDRAWN = "withdrawn";

/** Latest signature per organization (none once withdrawn), judged against the current hash. */
export async function currentSignatures(db: Db, statementId: string, documentHash: string): Promise<SignatureDto[]> {
  const rows = await db
    .selectFrom("document_signatures")
    .innerJoin("statement_versions", "statement_versions.id", "document_signatures.version_id")
    .leftJoin("users", "users.id", "document_signatures.user_id")
    .select([
      "document_signatures.id",
      "document_signatures.organization_id",
      "document_signatures.hash",
      "document_signatures.version_id",
      "document_signatures.user_id",
      "document_signatures.at",
      "document_signatures.void_reason",
      "statement_versions.markdown",
      "users.name as user_name",
    ])
    .where("document_signatures.statement_id", "=", statementId)
    .orderBy("document_signatures.id", "asc")
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) latest.set(r.organization_id, r);
  // A withdrawn signature leaves its organization unsigned (its row stays, for the record).
  return [...latest.values()]
    .filter((r) => r.void_reason !== WITHDRAWN)
    .map((r) => {
      const voidReason = signatureVoidReason({ hash: r.hash, unlocked: r.void_reason === "unlocked" }, documentHash);
      return {
        id: Number(r.id),
        organizationId: r.organization_id,
        hash: r.hash,
        voidReason,
        signedText: voidReason === "text-changed" ? r.markdown : null,
        versionId: Number(r.version_id),
        userId: r.user_id,
        userName: r.user_name ?? "(former user)",
        at: Number(r.at),
      };
    });
}

/** Finds or stores the automatic version of a text (one per hash and kind `signature`). */
async function signatureVersion(
  trx: Db,
  statementId: string,
  text: LiveText,
  userId: string,
  now: number,
): Promise<number> {
  const existing = await trx
    .selectFrom("statement_versions")
    .select("id")
    .where("statement_id", "=", statementId)
    .where("kind", "=", "signature")
    .where("hash", "=", text.hash)
    .executeTakeFirst();
  if (existing) return Number(existing.id);
  const row = await trx
    .insertInto("statement_versions")
    .values({
      statement_id: statementId,
      kind: "signature",
      markdown: text.markdown,
      hash: text.hash,
      signatories: "[]",
      unsigned: "[]",
      objections: "[]",
      override: 0,
      created_by: userId,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * `POST /signature`: signs the whole text for an organization (idempotent while it holds) — only if the text
 * the signer was shown (`documentHash`) is still the current one; else 409 `text_changed` with the diff.
 */
export async function sign(services: Services, me: Membership, body: SignatureRequest): Promise<SignatureDto> {
  const { organizationId } = body;
  assertMaySign(me, organizationId);
  const text = await liveText(services, me.statementId);
  if (text.hash !== body.documentHash) {
    throw textChanged(
      { scope: "document", clauseId: null, shownHash: body.documentHash, shownText: body.documentText ?? null },
      text,
    );
  }
  if (text.markdown === "") throw badRequest("There is no text to sign yet.");
  const now = Date.now();
  const created = await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const current = (await currentSignatures(trx, me.statementId, text.hash)).find(
      (s) => s.organizationId === organizationId,
    );
    if (current && current.voidReason === null) return false;
    const versionId = await signatureVersion(trx, me.statementId, text, me.userId, now);
    await trx
      .insertInto("document_signatures")
      .values({
        statement_id: me.statementId,
        organization_id: organizationId,
        user_id: me.userId,
        hash: text.hash,
        version_id: versionId,
        at: now,
      })
      .execute();
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "signature.signed",
      detail: {
        organizationId,
        versionId,
        replaces: current ? { hash: current.hash, voidReason: current.voidReason } : null,
      },
      hash: text.hash,
    });
    return true;
  });
  if (created) services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  if (created)
    await recordAutomaticVersion(services, me.statementId, { kind: "signature", userId: me.userId, organizationId });
  const signature = (await currentSignatures(services.db, me.statementId, text.hash)).find(
    (s) => s.organizationId === organizationId,
  );
  // Someone of the same organization withdrew the signature right after it was confirmed.
  if (!signature) throw conflict("The signature was withdrawn at the same moment. Sign again if you meant to.");
  return signature;
}

/**
 * `POST /signature/withdraw`: withdraws an organization's signature before the lock (refused with 409
 * `statement_final` after it, and 409 `conflict` when it has no signature to withdraw). Checked and written in
 * one transaction that re-reads the phase, so a withdrawal and a lock never both win.
 */
export async function withdrawSignature(
  services: Services,
  me: Membership,
  body: WithdrawSignatureRequest,
): Promise<{ withdrawn: true }> {
  const { organizationId } = body;
  assertMaySign(me, organizationId);
  await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const latest = await trx
      .selectFrom("document_signatures")
      .select(["id", "hash", "voided_at"])
      .where("statement_id", "=", me.statementId)
      .where("organization_id", "=", organizationId)
      .orderBy("id", "desc")
      .executeTakeFirst();
    if (!latest || latest.voided_at !== null) throw conflict("This organization has no signature to withdraw.");
    const now = Date.now();
    const updated = await trx
      .updateTable("document_signatures")
      .set({ voided_at: now, void_reason: WITHDRAWN, voided_by: me.userId })
      .where("id", "=", latest.id)
      .where("voided_at", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw conflict("This organization has no signature to withdraw.");
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "signature.withdrawn",
      detail: { organizationId, signatureId: Number(latest.id) },
      hash: latest.hash,
    });
  });
  services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  return { withdrawn: true };
}
