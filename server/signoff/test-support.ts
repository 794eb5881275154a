/**
 * Small helpers of the sign-off tests (expected signatories, bulk approval, withdrawal): organizations,
 * members, clauses written through a real provider, the matrix as the client expands it, app events seen on a
 * raw socket. Everything goes through the real server.
 */
import * as decoding from "lib0/decoding";
import type WebSocket from "ws";
import { connectProvider, eventually, receivedFrames, signUp, startTestServer, synced } from "../testing/harness";
import type { RunningServer } from "../server";
import { createTestDatabase, postgresForTests } from "../storage/test-targets";
import type { ApiClient } from "../testing/harness";
import { appendParagraph } from "../testing/docs";
import { sha256Hex } from "../../shared/canonical";
import { MessageType } from "../../shared/protocol";
import type { AppEvent } from "../../shared/protocol";
import { expandMatrix } from "../../shared/signoff";
import type { SignoffMatrixDto } from "../../shared/signoff";

export type Client = Awaited<ReturnType<typeof signUp>>;

/** Creates an organization with exactly this name. */
export async function createOrg(by: ApiClient, name: string): Promise<string> {
  const r = await by.post("/api/organizations", {
    name,
    shortName: name.slice(0, 20),
    stakeholderGroup: "technical-community",
  });
  if (r.status !== 201) throw new Error(`org: ${r.text}`);
  return r.json.organization.id as string;
}

/** Adds a new user with a role (and an organization they represent) to a statement. */
export async function addMember(
  baseUrl: string,
  convener: ApiClient,
  statementId: string,
  role: "convener" | "drafter" | "reviewer" | "observer",
  organizationId: string | null,
  name: string = role,
): Promise<Client> {
  const u = await signUp(baseUrl, name);
  const r = await convener.post(`/api/statements/${statementId}/members`, { email: u.email, role, organizationId });
  if (r.status !== 201) throw new Error(`member: ${r.text}`);
  return u;
}

/** Writes paragraph clauses through a real provider and waits until the server holds them; returns the provider. */
export async function writeClauses(
  baseUrl: string,
  statementId: string,
  editor: ApiClient,
  clauses: Array<[string, string]>,
) {
  const p = connectProvider(baseUrl, statementId, editor);
  await synced(p.provider);
  for (const [id, text] of clauses) appendParagraph(p.doc, text, id);
  const expected = clauses.map(([, t]) => `${t}\n`).join("\n");
  await eventually(
    async () => (await editor.get(`/api/statements/${statementId}/export.md`)).text === expected,
    5000,
    "clauses stored",
  );
  return p;
}

/** The matrix as the client uses it. */
export async function matrixOf(c: ApiClient, id: string): Promise<SignoffMatrixDto> {
  const r = await c.get(`/api/statements/${id}/signoffs`);
  if (r.status !== 200) throw new Error(`matrix: ${r.text}`);
  return expandMatrix(r.json);
}

/** The whole current text as a signer is shown it. */
export async function shownDocument(c: ApiClient, id: string): Promise<{ documentHash: string; documentText: string }> {
  const text = (await c.get(`/api/statements/${id}/export.md`)).text;
  return { documentHash: sha256Hex(text), documentText: text };
}

/** Signs the text as it is now. */
export async function signNow(c: ApiClient, id: string, organizationId: string) {
  return c.post(`/api/statements/${id}/signature`, { organizationId, ...(await shownDocument(c, id)) });
}

/** The app events a raw socket has received so far. */
export function appEvents(ws: WebSocket): AppEvent[] {
  return receivedFrames(ws)
    .map((f) => decoding.createDecoder(f))
    .filter((dec) => decoding.readVarUint(dec) === MessageType.appEvent)
    .map((dec) => JSON.parse(decoding.readVarString(dec)) as AppEvent);
}

/** Where the sign-off tests run: SQLite always, PostgreSQL too when one is reachable (a fresh database each). */
export async function storageTargets(): Promise<
  Array<{ name: string; start: () => Promise<RunningServer & { drop?: () => Promise<void> }> }>
> {
  const targets: Array<{ name: string; start: () => Promise<RunningServer & { drop?: () => Promise<void> }> }> = [
    { name: "SQLite", start: () => startTestServer({ clientDir: "" }) },
  ];
  const url = await postgresForTests();
  if (url) {
    targets.push({
      name: "PostgreSQL",
      start: async () => {
        const db = await createTestDatabase(url);
        const server = await startTestServer({ clientDir: "", databaseUrl: db.url });
        return Object.assign(server, { drop: db.drop });
      },
    });
  }
  return targets;
}
