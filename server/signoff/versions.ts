/**
 * Stored versions of a statement: the automatic one of each signed text and the final versions of each lock
 * (with signatories, and what stood in the way when the convener locked anyway), newest first.
 */
import type {
  Signatory,
  StandingObjection,
  UnsignedOrganization,
  FinalVersionDto,
  VersionDto,
  VersionSummaryDto,
} from "../../shared/signoff";
import { phaseOf } from "./decisions";
import type { Db } from "./decisions";

type VersionRow = Awaited<ReturnType<ReturnType<typeof versionRows>["execute"]>>[number];

function versionRows(db: Db, statementId: string) {
  return db
    .selectFrom("statement_versions")
    .leftJoin("users as creator", "creator.id", "statement_versions.created_by")
    .leftJoin("users as unlocker", "unlocker.id", "statement_versions.unlocked_by")
    .select([
      "statement_versions.id",
      "statement_versions.kind",
      "statement_versions.markdown",
      "statement_versions.hash",
      "statement_versions.signatories",
      "statement_versions.unsigned",
      "statement_versions.objections",
      "statement_versions.override",
      "statement_versions.created_by",
      "statement_versions.created_at",
      "statement_versions.unlocked_at",
      "statement_versions.unlock_reason",
      "creator.name as creator_name",
      "unlocker.name as unlocker_name",
    ])
    .where("statement_versions.statement_id", "=", statementId);
}

function summaryOf(r: VersionRow): VersionSummaryDto {
  return {
    id: Number(r.id),
    kind: r.kind === "final" ? "final" : "signature",
    hash: r.hash,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    createdByName: r.creator_name,
    unlockedAt: r.unlocked_at === null ? null : Number(r.unlocked_at),
  };
}

function versionOf(r: VersionRow): VersionDto {
  const summary = summaryOf(r);
  if (summary.kind === "signature") return { ...summary, kind: "signature", markdown: r.markdown };
  return {
    ...summary,
    kind: "final",
    markdown: r.markdown,
    signatories: JSON.parse(r.signatories) as Signatory[],
    unsigned: JSON.parse(r.unsigned) as UnsignedOrganization[],
    objections: JSON.parse(r.objections) as StandingObjection[],
    override: r.override === 1,
    unlockedByName: r.unlocker_name,
    unlockReason: r.unlock_reason,
  };
}

/** Every stored version of a statement, newest first (without texts). */
export async function listVersions(db: Db, statementId: string): Promise<VersionSummaryDto[]> {
  const rows = await versionRows(db, statementId).orderBy("statement_versions.id", "desc").execute();
  return rows.map(summaryOf);
}

/** One stored version with its text, or null. */
export async function versionById(db: Db, statementId: string, versionId: number): Promise<VersionDto | null> {
  const row = await versionRows(db, statementId).where("statement_versions.id", "=", versionId).executeTakeFirst();
  return row ? versionOf(row) : null;
}

/** The final version in force (null unless the statement is locked). */
export async function currentFinalVersion(db: Db, statementId: string): Promise<FinalVersionDto | null> {
  if ((await phaseOf(db, statementId)) !== "final") return null;
  const row = await versionRows(db, statementId)
    .where("statement_versions.kind", "=", "final")
    .where("statement_versions.unlocked_at", "is", null)
    .orderBy("statement_versions.id", "desc")
    .executeTakeFirst();
  return row ? (versionOf(row) as FinalVersionDto) : null;
}
