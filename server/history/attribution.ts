/**
 * Who wrote what, character by character. Every Yjs item keeps the id of the client that created it
 * (`item.id.client`), and `doc_clients` durably binds each client id to the user and the organization they
 * represented when their connection (or a server-side edit made for them, `LiveDocuments.editAs`) introduced
 * it. Compaction keeps item ids (`Y.encodeStateAsUpdate` merges neighbouring items of one client, never across
 * clients), so attribution reads the same after compaction and restarts.
 *
 * Deleted text: in the garbage-collected document a deleted run inside a live text is still an item (its
 * content reduced to a length), so its author still counts as having touched the clause; who deleted it is
 * not recorded by Yjs and is not claimed here.
 */
import * as Y from "yjs";
import type { Db } from "../signoff/decisions";
import type { ClientBinding } from "../storage/documents";
import { CLAUSE_ID_ATTR, DOCUMENT_FIELD } from "../../shared/canonical";
import { wordTokens } from "../../shared/diff";
import type { AttributedClause, AttributionAuthor, AttributionDto, OrganizationShare } from "../../shared/history";
import { textOfDoc } from "./versions";

/** The separator run between blocks of one clause (list items, quoted paragraphs): written by nobody. */
export const NOBODY = -1;

interface ClauseAccumulator {
  clauseId: string;
  runs: Array<{ text: string; author: number }>;
  /** Authors (indexes) of every item in the clause, deleted ones included. */
  touched: Set<number>;
}

/** Attribution of a document, given the client bindings of its statement and the names to show. */
export async function attribute(
  db: Db,
  doc: Y.Doc,
  bindings: readonly ClientBinding[],
): Promise<{ dto: Omit<AttributionDto, "versionId">; shares: OrganizationShare[] }> {
  const byClient = new Map(bindings.map((b) => [b.clientId, b]));
  const [users, organizations] = await Promise.all([
    namesOf(db, "users", [...new Set(bindings.map((b) => b.userId))]),
    namesOf(db, "organizations", [...new Set(bindings.flatMap((b) => (b.organizationId ? [b.organizationId] : [])))]),
  ]);
  const authors: AttributionAuthor[] = [];
  const authorIndex = new Map<string, number>();
  const authorOf = (client: number): number => {
    const b = byClient.get(client);
    const key = b ? `${b.userId}\u0000${b.organizationId ?? ""}` : "";
    let i = authorIndex.get(key);
    if (i === undefined) {
      i = authors.length;
      authors.push(
        b
          ? {
              userId: b.userId,
              userName: users.get(b.userId) ?? "(former user)",
              organizationId: b.organizationId,
              organizationName: b.organizationId ? (organizations.get(b.organizationId) ?? null) : null,
            }
          : { userId: null, userName: "Unknown", organizationId: null, organizationName: null },
      );
      authorIndex.set(key, i);
    }
    return i;
  };

  // Only the clauses sign-off and the diff know (an id, some text, the first of its id).
  const known = new Set(textOfDoc(doc).clauses.map((c) => c.clauseId));
  const clauses: ClauseAccumulator[] = [];
  const visit = (node: Y.XmlElement | Y.XmlText, owner: ClauseAccumulator | null): void => {
    if (node instanceof Y.XmlText) {
      if (owner) readText(node, owner, authorOf);
      return;
    }
    const id = node.getAttribute(CLAUSE_ID_ATTR);
    let acc = owner;
    // The nearest element with a clause id owns the text (top-level blocks, and list items that carry one).
    if (typeof id === "string" && known.has(id)) {
      known.delete(id);
      acc = { clauseId: id, runs: [], touched: new Set() };
      clauses.push(acc);
    }
    let first = true;
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement || child instanceof Y.XmlText)) continue;
      if (child instanceof Y.XmlElement && acc && !first && acc.runs.length > 0)
        acc.runs.push({ text: "\n", author: NOBODY });
      first = false;
      visit(child, acc);
    }
  };
  for (const node of doc.getXmlFragment(DOCUMENT_FIELD).toArray()) if (node instanceof Y.XmlElement) visit(node, null);

  return {
    dto: {
      authors,
      clauses: clauses.map((c): AttributedClause => ({
        clauseId: c.clauseId,
        runs: c.runs,
        contributors: [...new Set([...c.touched].map((a) => authors[a].organizationId))],
      })),
    },
    shares: sharesOf(authors, clauses),
  };
}

/** Appends a text's live runs to the clause, and records every item's author as having touched it. */
function readText(text: Y.XmlText, acc: ClauseAccumulator, authorOf: (client: number) => number): void {
  for (let item = (text as unknown as { _start: Y.Item | null })._start; item; item = item.right) {
    const isString = item.content instanceof Y.ContentString;
    if (!isString && !(item.content instanceof Y.ContentDeleted)) continue;
    const author = authorOf(item.id.client);
    acc.touched.add(author);
    if (item.deleted || !isString) continue;
    const str = (item.content as Y.ContentString).str;
    const last = acc.runs[acc.runs.length - 1];
    if (last && last.author === author) last.text += str;
    else acc.runs.push({ text: str, author });
  }
}

/** Per organization: clauses touched, words and characters of the current text written. */
function sharesOf(authors: AttributionAuthor[], clauses: ClauseAccumulator[]): OrganizationShare[] {
  const shares = new Map<string, OrganizationShare>();
  const shareOf = (a: AttributionAuthor): OrganizationShare => {
    const key = a.organizationId ?? "";
    let s = shares.get(key);
    if (!s) {
      s = {
        organizationId: a.organizationId,
        organizationName: a.organizationName,
        clausesTouched: 0,
        wordsWritten: 0,
        charactersWritten: 0,
      };
      shares.set(key, s);
    }
    return s;
  };
  for (const c of clauses) {
    for (const org of new Set([...c.touched].map((a) => shareOf(authors[a])))) org.clausesTouched++;
    const owners: number[] = [];
    let text = "";
    for (const r of c.runs) {
      text += r.text;
      for (let k = 0; k < r.text.length; k++) owners.push(r.author);
      if (r.author !== NOBODY) shareOf(authors[r.author]).charactersWritten += [...r.text].length;
    }
    let at = 0;
    for (const token of wordTokens(text)) {
      const author = owners[at];
      at += token.length;
      if (author !== NOBODY && /[\p{L}\p{N}]/u.test(token)) shareOf(authors[author]).wordsWritten++;
    }
  }
  return [...shares.values()].sort(
    (a, b) => b.wordsWritten - a.wordsWritten || (a.organizationName ?? "").localeCompare(b.organizationName ?? ""),
  );
}

async function namesOf(db: Db, table: "users" | "organizations", ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom(table).select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
