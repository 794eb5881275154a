/**
 * What every export beyond the canonical Markdown is made from: the statement's canonical Markdown and its
 * SHA-256 (the same text `export.md` sends and the hash covers), the title, the date of the version, and the
 * organizations that signed it, in alphabetical order.
 *
 * - Final (locked): the final version in force — its text, its hash, its lock date and its signatories.
 * - Drafting: the live text, today's date, and the organizations whose signature still holds for this hash
 *   (a signature on an earlier text is void and not listed).
 */
import type { Services } from "../context";
import { currentText } from "../text-cache";
import { compareOrganizations } from "../../shared/signoff";
import { currentSignatures } from "../signoff/signatures";
import { currentFinalVersion } from "../signoff/versions";

/** One organization that signed the exported text. */
export interface ExportSignatory {
  name: string;
  signedBy: string;
  signedAt: number;
}

/** A statement as the exports render it. */
export interface ExportDocument {
  title: string;
  slug: string;
  phase: "drafting" | "final";
  /** Canonical Markdown: the exact bytes `hash` covers. */
  markdown: string;
  hash: string;
  /** When this version was fixed: the lock for a final text, the time of export for a draft. */
  versionAt: number;
  signatories: ExportSignatory[];
}

/** Gathers what the exports of statement `statementId` show (the caller has checked membership). */
export async function exportDocument(
  services: Services,
  statementId: string,
  now = Date.now(),
): Promise<ExportDocument> {
  const db = services.db;
  const st = await db
    .selectFrom("statements")
    .select(["title", "slug", "phase"])
    .where("id", "=", statementId)
    .executeTakeFirstOrThrow();
  const final = await currentFinalVersion(db, statementId);
  if (final) {
    return {
      title: st.title,
      slug: st.slug,
      phase: "final",
      markdown: final.markdown,
      hash: final.hash,
      versionAt: final.createdAt,
      signatories: [...final.signatories]
        .sort(compareOrganizations)
        .map((s) => ({ name: s.name, signedBy: s.signedBy, signedAt: s.signedAt })),
    };
  }
  const text = await currentText(services, statementId);
  const holding = (await currentSignatures(db, statementId, text.hash)).filter((s) => s.voidReason === null);
  const orgs =
    holding.length === 0
      ? []
      : await db
          .selectFrom("organizations")
          .select(["id", "name", "sort_key"])
          .where(
            "id",
            "in",
            holding.map((s) => s.organizationId),
          )
          .execute();
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const signatories = holding
    .map((s) => {
      const org = byId.get(s.organizationId);
      return { name: org?.name ?? "(removed organization)", sortKey: org?.sort_key ?? null, sig: s };
    })
    .sort(compareOrganizations)
    .map(({ name, sig }) => ({ name, signedBy: sig.userName, signedAt: sig.at }));
  return {
    title: st.title,
    slug: st.slug,
    phase: st.phase === "final" ? "final" : "drafting",
    markdown: text.markdown,
    hash: text.hash,
    versionAt: now,
    signatories,
  };
}
