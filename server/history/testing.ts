/** Helpers of the history tests: a statement with people of two organizations, the text as shown, the lock. */
import type { ApiClient } from "../testing/harness";
import { signUp } from "../testing/harness";
import { lockOverrideOf, expandMatrix } from "../../shared/signoff";
import { sha256Hex } from "../../shared/canonical";

type Person = Awaited<ReturnType<typeof signUp>>;

/**
 * A statement whose convener represents no organization, with a drafter of organization A and one of B (and
 * extra members of A). The convener creates both organizations (conveners may).
 */
export async function twoOrganizations(baseUrl: string, extra: Array<"reviewer" | "observer"> = []) {
  const convener = await signUp(baseUrl, "Convener");
  const { statement } = await convener.api.createStatement({ title: "Statement of Purpose" });
  const statementId = statement.id;
  const tag = Math.random().toString(36).slice(2, 6);
  const mk = async (name: string) =>
    (await convener.api.createOrganization({ name, shortName: name, stakeholderGroup: "civil-society" })).organization
      .id;
  const orgA = await mk(`Alpha ${tag}`);
  const orgB = await mk(`Beta ${tag}`);
  const add = async (name: string, role: "drafter" | "reviewer" | "observer", organizationId: string | null) => {
    const p = await signUp(baseUrl, name);
    await convener.api.addMember(statementId, { email: p.email, role, organizationId });
    return p;
  };
  const alice = await add("Alice", "drafter", orgA);
  const bob = await add("Bob", "drafter", orgB);
  const others: Person[] = [];
  for (const role of extra) others.push(await add(role, role, orgA));
  return { convener, statementId, orgA, orgB, alice, bob, others };
}

/** The canonical text as the export gives it. */
export async function exportText(c: ApiClient, statementId: string): Promise<string> {
  return (await c.get(`/api/statements/${statementId}/export.md`)).text;
}

/** Locks the text as it is now, over whatever stands in the way. */
export async function lockNow(convener: ApiClient, statementId: string) {
  const text = await exportText(convener, statementId);
  const matrix = expandMatrix(await convener.api.signoffs(statementId));
  return convener.post(`/api/statements/${statementId}/lock`, {
    documentHash: sha256Hex(text),
    documentText: text,
    override: lockOverrideOf(matrix.readiness),
  });
}

/** Signs the text as it is now for an organization. */
export async function signNow(c: ApiClient, statementId: string, organizationId: string) {
  const text = await exportText(c, statementId);
  return c.post(`/api/statements/${statementId}/signature`, {
    organizationId,
    documentHash: sha256Hex(text),
    documentText: text,
  });
}
