/**
 * Expected signatories: the organizations a statement invites to sign, managed by its convener. The lock gate
 * and the matrix count them together with every organization a member represents (./matrix.ts
 * `participatingOrganizations`), so an invited organization nobody represents yet is named as "not signed".
 *
 * Rules: conveners add (an existing organization, or one by name: an organization whose name is the same in
 * the shared collation is reused, else one is created — a convener may create organizations, see
 * server/organizations/policy.ts) and remove; an organization that a member still represents stays
 * participating (its representative can sign), so removing it is refused until nobody represents it.
 * Nothing changes once the statement is final. Each change is audited and pushed as `signoffs.changed`, on
 * which every open matrix refetches.
 */
import type { Services } from "../context";
import type { Membership } from "../statements/access";
import { badRequest, conflict, forbidden, notFound, statementFinal } from "../errors";
import { recordAudit } from "../audit/log";
import { newId } from "../ids";
import { canManageMembers } from "../../shared/roles";
import { sameName } from "../../shared/collation";
import type { ExpectedAddRequest, ExpectedOrganizationDto } from "../../shared/signoff";
import { lockedPhaseOf } from "./decisions";
import type { Db } from "./decisions";
import { participatingOrganizations } from "./matrix";

/** The participating organizations, each marked expected or not, in signatory order. */
export async function listExpected(db: Db, statementId: string): Promise<ExpectedOrganizationDto[]> {
  const [orgs, expected] = await Promise.all([
    participatingOrganizations(db, statementId),
    expectedIds(db, statementId),
  ]);
  return orgs.map((o) => ({ ...o, representatives: o.representatives ?? 0, expected: expected.has(o.id) }));
}

/**
 * Keeps an organization a member represents among the expected signatories (inside the member change's
 * transaction), so that it stays in the lock gate if that member later leaves.
 */
export async function keepExpected(
  db: Db,
  statementId: string,
  organizationId: string,
  actorId: string,
): Promise<void> {
  await db
    .insertInto("expected_organizations")
    .values({ statement_id: statementId, organization_id: organizationId, added_by: actorId, added_at: Date.now() })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function expectedIds(db: Db, statementId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("expected_organizations")
    .select("organization_id")
    .where("statement_id", "=", statementId)
    .execute();
  return new Set(rows.map((r) => r.organization_id));
}

function assertConvener(me: Membership): void {
  if (!canManageMembers(me.role)) throw forbidden("Only a convener can change who is expected to sign.");
}

/** The organization a request names: by id, or by name (reused when one reads the same, else created). */
async function resolveOrganization(
  trx: Db,
  me: Membership,
  body: ExpectedAddRequest,
): Promise<{ id: string; name: string; created: boolean }> {
  if (body.organizationId !== undefined) {
    const row = await trx
      .selectFrom("organizations")
      .select(["id", "name"])
      .where("id", "=", body.organizationId)
      .executeTakeFirst();
    if (!row) throw notFound("Organization");
    return { ...row, created: false };
  }
  const name = body.name!.trim();
  // The same name in the collation every list uses ("afnic" is "Afnic"): the existing organization, not a twin.
  const all = await trx.selectFrom("organizations").select(["id", "name"]).execute();
  const same = all.find((o) => sameName(o.name, name));
  if (same) return { ...same, created: false };
  if (!body.stakeholderGroup) throw badRequest("Choose the new organization's stakeholder group.");
  const row = {
    id: newId(),
    name,
    short_name: (body.shortName ?? name).slice(0, 40),
    stakeholder_group: body.stakeholderGroup,
    sort_key: null,
    created_by: me.userId,
    created_at: Date.now(),
  };
  await trx.insertInto("organizations").values(row).execute();
  await recordAudit(trx, {
    statementId: null,
    actorId: me.userId,
    action: "organization.created",
    detail: {
      organization: {
        id: row.id,
        name: row.name,
        shortName: row.short_name,
        stakeholderGroup: row.stakeholder_group,
        sortKey: null,
      },
    },
  });
  return { id: row.id, name: row.name, created: true };
}

/** Adds an organization to the expected signatories (idempotent); returns the list. */
export async function addExpected(
  services: Services,
  me: Membership,
  body: ExpectedAddRequest,
): Promise<{ organizationId: string; created: boolean; organizations: ExpectedOrganizationDto[] }> {
  assertConvener(me);
  const { organizationId, created, changed } = await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const org = await resolveOrganization(trx, me, body);
    if ((await expectedIds(trx, me.statementId)).has(org.id)) {
      return { organizationId: org.id, created: org.created, changed: false };
    }
    await trx
      .insertInto("expected_organizations")
      .values({ statement_id: me.statementId, organization_id: org.id, added_by: me.userId, added_at: Date.now() })
      .execute();
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "signatory.expected",
      detail: { organizationId: org.id, organizationName: org.name, created: org.created },
    });
    return { organizationId: org.id, created: org.created, changed: true };
  });
  if (changed) services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  return { organizationId, created, organizations: await listExpected(services.db, me.statementId) };
}

/** Removes an organization from the expected signatories; refused while a member represents it. */
export async function removeExpected(
  services: Services,
  me: Membership,
  organizationId: string,
): Promise<{ organizations: ExpectedOrganizationDto[] }> {
  assertConvener(me);
  const changed = await services.db.transaction().execute(async (trx) => {
    if ((await lockedPhaseOf(trx, me.statementId)) === "final") throw statementFinal();
    const org = await trx
      .selectFrom("organizations")
      .select(["id", "name"])
      .where("id", "=", organizationId)
      .executeTakeFirst();
    if (!org) throw notFound("Organization");
    const represented = await trx
      .selectFrom("members")
      .select("user_id")
      .where("statement_id", "=", me.statementId)
      .where("organization_id", "=", organizationId)
      .executeTakeFirst();
    if (represented) {
      throw conflict(
        `${org.name} is represented by a member of this statement, so it takes part in sign-off. Remove that member or change their organization first.`,
      );
    }
    const deleted = await trx
      .deleteFrom("expected_organizations")
      .where("statement_id", "=", me.statementId)
      .where("organization_id", "=", organizationId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return false;
    await recordAudit(trx, {
      statementId: me.statementId,
      actorId: me.userId,
      action: "signatory.unexpected",
      detail: { organizationId, organizationName: org.name },
    });
    return true;
  });
  if (changed) services.events.app(me.statementId, { type: "signoffs.changed", statementId: me.statementId });
  return { organizations: await listExpected(services.db, me.statementId) };
}
