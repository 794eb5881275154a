/**
 * Counts with nouns, in English: "1 second", "2 seconds", "1 organization", "0 organizations". One helper for
 * the client and the server, so that no message reads "Try again in 1 seconds".
 */

/** The noun for `count`: `one` for exactly 1, else `many` (default: `one` + "s"). */
export function pluralNoun(count: number, one: string, many: string = `${one}s`): string {
  return count === 1 ? one : many;
}

/** `count` followed by its noun: `plural(1, "second")` → "1 second", `plural(3, "reply", "replies")` → "3 replies". */
export function plural(count: number, one: string, many?: string): string {
  return `${count.toLocaleString("en")} ${pluralNoun(count, one, many)}`;
}
