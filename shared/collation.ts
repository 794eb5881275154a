/**
 * The one alphabetical order of organization lists, everywhere they appear (home page, people panel, comment
 * filter chips, sign-off matrix columns, the lock gate, the public page's signatories): by sort key (else name),
 * ignoring case, accents and punctuation, digits compared as numbers — so ".PT" sorts under P, "afnic" next to
 * "Afnic", "Éco" next to "Eco". Ties fall back to an exact comparison of names, then ids, so the order is total
 * and the same on every machine.
 */

const collator = new Intl.Collator("en", { sensitivity: "base", ignorePunctuation: true, numeric: true });
const tieBreak = new Intl.Collator("en", { sensitivity: "variant" });

/** What the order looks at. */
export interface Collatable {
  name: string;
  sortKey?: string | null;
  id?: string;
}

/** Compares two names alone (people, or any label) in the same collation. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || tieBreak.compare(a, b);
}

/** Whether two names read the same in this collation ("afnic" and "Afnic", ".PT" and "PT"). */
export function sameName(a: string, b: string): boolean {
  return collator.compare(a.trim(), b.trim()) === 0;
}

/** Compares organizations for alphabetical lists: by sort key (else name), ignoring case, accents and punctuation. */
export function compareOrganizations(a: Collatable, b: Collatable): number {
  const ka = a.sortKey && a.sortKey.trim() !== "" ? a.sortKey : a.name;
  const kb = b.sortKey && b.sortKey.trim() !== "" ? b.sortKey : b.name;
  return collator.compare(ka, kb) || tieBreak.compare(a.name, b.name) || (a.id ?? "").localeCompare(b.id ?? "");
}

/** Organizations (or signatories) in alphabetical order; returns a new array. */
export function sortOrganizations<T extends Collatable>(list: readonly T[]): T[] {
  return [...list].sort(compareOrganizations);
}
