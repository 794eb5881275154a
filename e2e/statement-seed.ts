/**
 * A statement in drafting with organizations, one representative each (a drafter who may sign for it) and
 * clauses, built through the API and a real y-websocket client: the starting point of the accessibility,
 * keyboard-only and phone scenarios.
 */
import { expect } from "vitest";
import { appendParagraph } from "../server/testing/docs";
import { connectProvider, signUp, synced } from "../server/testing/harness";
import type { ApiClient } from "../server/testing/harness";

/** Every test user's password (server/testing/harness.ts `signUp`). */
export const TEST_PASSWORD = "correct horse battery";

/** A representative of one organization. */
export interface Representative {
  user: ApiClient & { userId: string; email: string };
  organizationId: string;
  organizationName: string;
}

/** What {@link seedStatement} made. */
export interface SeededStatement {
  convener: ApiClient & { userId: string; email: string };
  statementId: string;
  slug: string;
  reps: Representative[];
  /** The clause ids, in document order. */
  clauseIds: string[];
}

const GROUPS = ["technical-community", "private-sector", "civil-society", "academia", "government"] as const;

/**
 * Creates a statement owned by a new convener, `orgs` organizations (named `orgNames[i]` or "Organization i")
 * with one representative each (`repNames[i]` or "Rep i"), and `clauses` paragraphs; waits until the server
 * has stored them.
 */
export async function seedStatement(
  baseUrl: string,
  opts: { title: string; clauses: string[]; orgNames: string[]; repNames?: string[]; convenerName?: string },
): Promise<SeededStatement> {
  const convener = await signUp(baseUrl, opts.convenerName ?? "Carla Convener");
  const { statement } = await convener.api.createStatement({ title: opts.title });
  const reps: Representative[] = [];
  for (const [i, name] of opts.orgNames.entries()) {
    const org = await convener.post("/api/organizations", {
      name,
      shortName: name.split(/\s+/)[0].slice(0, 20),
      stakeholderGroup: GROUPS[i % GROUPS.length],
    });
    expect(org.status, org.text).toBe(201);
    const user = await signUp(baseUrl, opts.repNames?.[i] ?? `Rep ${i + 1}`);
    await convener.api.addMember(statement.id, {
      email: user.email,
      role: "drafter",
      organizationId: org.json.organization.id,
    });
    reps.push({ user, organizationId: org.json.organization.id, organizationName: name });
  }
  const editor = connectProvider(baseUrl, statement.id, convener);
  await synced(editor.provider);
  const clauseIds = opts.clauses.map((text) => appendParagraph(editor.doc, text).getAttribute("clauseId") as string);
  await expect
    .poll(async () => (await convener.get(`/api/statements/${statement.id}/export.md`)).text, { timeout: 10_000 })
    .toContain(opts.clauses[opts.clauses.length - 1]);
  editor.destroy();
  return { convener, statementId: statement.id, slug: statement.slug, reps, clauseIds };
}

/** Clause texts of a readable statement: `n` sentences, each naming its number. */
export function statementClauses(n: number): string[] {
  const topics = [
    "open standards developed in the open and free to implement",
    "multistakeholder governance in which every group has a voice",
    "a single, interoperable Internet without fragmentation",
    "transparency of decisions and of the reasons behind them",
    "accountability of every body that shapes the Internet",
    "the protection of human rights online as offline",
  ];
  return Array.from(
    { length: n },
    (_, i) =>
      `Clause ${i + 1}. The signatories support ${topics[i % topics.length]}, and will report on it every year.`,
  );
}
