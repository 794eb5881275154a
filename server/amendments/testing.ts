/** Helpers of the amendment and list-clause tests: a statement with people in every role and two organizations. */
import { signUp } from "../testing/harness";
import type { RunningServer } from "../server";
import { setAcceptFaults } from "./seams";
import type { AcceptFaults } from "./seams";

/**
 * A statement whose convener created it and two organizations (A, B), with two drafters representing A and B, a
 * reviewer and an observer. Works on a server that already has accounts (the convener need not be the admin).
 */
export async function statementWithOrganizations(baseUrl: string) {
  const convener = await signUp(baseUrl, "Convener");
  const { statement } = await convener.api.createStatement({ title: "Statement of Purpose" });
  const statementId = statement.id;
  const org = async (name: string) =>
    (
      await convener.api.createOrganization({
        name: `${name} ${Math.random().toString(36).slice(2, 8)}`,
        shortName: name.slice(0, 8),
        stakeholderGroup: "civil-society",
      })
    ).organization.id;
  const orgA = await org("Alpha");
  const orgB = await org("Beta");
  const add = async (name: string, role: "drafter" | "reviewer" | "observer", organizationId: string | null) => {
    const p = await signUp(baseUrl, name);
    await convener.api.addMember(statementId, { email: p.email, role, organizationId });
    return p;
  };
  const alice = await add("Alice", "drafter", orgA);
  const bob = await add("Bob", "drafter", orgB);
  const reviewer = await add("Rita", "reviewer", orgB);
  const observer = await add("Otto", "observer", null);
  return { convener, statementId, orgA, orgB, alice, bob, reviewer, observer };
}

/** Stops or slows this server's accepts where a test says (server/amendments/seams.ts). */
export function injectAcceptFaults(server: RunningServer, faults: AcceptFaults): void {
  setAcceptFaults(server.services, faults);
}
