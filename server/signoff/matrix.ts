/**
 * The sign-off matrix (clauses × participating organizations) and the state every lock decision is judged on:
 * positions in force, signatures, and what stands in the way of a lock (shared/signoff.ts `lockReadiness`).
 */
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { canLock, canSignFor } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { lockReadiness, sortSignatories } from "../../shared/signoff";
import type { Position, PositionHistoryDto, SignoffMatrixDto, SignoffOrganization } from "../../shared/signoff";
import { liveText, phaseOf } from "./decisions";
import type { Db, LiveText } from "./decisions";
import { currentPositions, positionRows } from "./positions";
import { currentSignatures } from "./signatures";
import { currentFinalVersion } from "./versions";

/** The participating organizations: those that members represent, in signatory order. */
export async function participatingOrganizations(db: Db, statementId: string): Promise<SignoffOrganization[]> {
  const rows = await db
    .selectFrom("members")
    .innerJoin("organizations", "organizations.id", "members.organization_id")
    .select([
      "organizations.id",
      "organizations.name",
      "organizations.short_name",
      "organizations.stakeholder_group",
      "organizations.sort_key",
    ])
    .where("members.statement_id", "=", statementId)
    .distinct()
    .execute();
  return sortSignatories(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      shortName: r.short_name,
      stakeholderGroup: r.stakeholder_group as StakeholderGroup,
      sortKey: r.sort_key,
    })),
  );
}

/** Everything needed to judge sign-off against a given text. */
export async function signoffState(db: Db, statementId: string, text: LiveText) {
  const [organizations, rows, signatures] = await Promise.all([
    participatingOrganizations(db, statementId),
    positionRows(db, statementId),
    currentSignatures(db, statementId, text.hash),
  ]);
  const positions = currentPositions(rows, text.clauses);
  const readiness = lockReadiness({ documentHash: text.hash, clauses: text.clauses, organizations, positions, signatures });
  return { organizations, rows, positions, signatures, readiness };
}

/** `GET /signoffs`: the matrix as the caller sees it. */
export async function signoffMatrix(services: Services, me: Membership): Promise<SignoffMatrixDto> {
  const text = await liveText(services, me.statementId);
  const phase = await phaseOf(services.db, me.statementId);
  const { organizations, rows, positions, signatures, readiness } = await signoffState(services.db, me.statementId, text);
  const history: PositionHistoryDto[] = rows
    .slice()
    .reverse()
    .map((r) => ({
      id: r.id,
      clauseId: r.clause_id,
      organizationId: r.organization_id,
      position: r.position as Position,
      reason: r.reason,
      clauseHash: r.clause_hash,
      userName: r.user_name ?? "(former user)",
      at: r.at,
    }));
  return {
    statementId: me.statementId,
    phase,
    documentHash: text.hash,
    clauses: text.clauses,
    organizations,
    positions,
    signatures,
    history,
    readiness,
    final: phase === "final" ? await currentFinalVersion(services.db, me.statementId) : null,
    me: {
      organizationId: me.organizationId,
      canSign: me.organizationId !== null && canSignFor(me, me.organizationId, phase),
      canLock: canLock(me.role) && phase === "drafting",
    },
  };
}
