/** Small, pure formatting helpers for the UI. */

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "just now", "5 minutes ago", "yesterday"… for a past timestamp in milliseconds. */
export function relativeTime(at: number, now: number = Date.now()): string {
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** A full, locale-formatted date and time, for `title` tooltips and `<time>`. */
export function absoluteTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * One or two initials from a display name, from letters only ("Ada Lovelace" → "AL", "ada" → "A",
 * "Chen Li (CIRA)" → "CL": brackets, digits and punctuation are never initials, so an organization in
 * parentheses does not end up as "C(").
 */
export function initials(name: string): string {
  const words = name
    .replace(/\([^)]*\)|\[[^\]]*\]/g, " ")
    .split(/[^\p{L}\p{M}'’-]+/u)
    .map((w) => w.match(/\p{L}/u)?.[0] ?? "")
    .filter(Boolean);
  // A name that is only a bracketed part ("(CIRA)") still gets its letters.
  const letters = words.length > 0 ? words : (name.match(/\p{L}/gu) ?? []);
  if (letters.length === 0) return "?";
  const first = letters[0];
  const last = letters.length > 1 ? letters[letters.length - 1] : "";
  return (first + last).toUpperCase();
}
