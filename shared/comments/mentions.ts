/**
 * Mentions and body tokens: the mention syntax written into comment bodies, parsing it (the server records who
 * is mentioned), tokenizing a body for display (text, links, mention chips; never HTML) and the autocomplete
 * query being typed.
 */

/**
 * A mention is written into the body as `@[Display Name](user:USER_ID)`: plain text that reads fine even
 * unrendered. Only ids of members of the statement count as mentions (the server checks).
 */
const MENTION_RE = /@\[([^\]\n]{1,120})\]\(user:([A-Za-z0-9_-]{1,64})\)/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;

/** The mention token for a member. */
export function mentionToken(name: string, userId: string): string {
  return `@[${name.replace(/[\]\n]/g, " ").trim()}](user:${userId})`;
}

/** The distinct user ids mentioned in a body, in order of first mention. */
export function parseMentions(body: string): string[] {
  const ids: string[] = [];
  for (const m of body.matchAll(MENTION_RE)) if (!ids.includes(m[2])) ids.push(m[2]);
  return ids;
}

/** A piece of a comment body as the client renders it: never HTML, only text, links and mention chips. */
export type BodyToken =
  | { kind: "text"; text: string }
  | { kind: "link"; href: string; text: string }
  | { kind: "mention"; userId: string; name: string };

function linkTokens(text: string): BodyToken[] {
  const out: BodyToken[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    const href = m[0].replace(/[.,;:!?)\]]+$/, "");
    const start = m.index ?? 0;
    if (start > last) out.push({ kind: "text", text: text.slice(last, start) });
    out.push({ kind: "link", href, text: href });
    last = start + href.length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/**
 * Splits a body into text, http(s) links and mentions. `members` (id → current name) turns mentions of
 * members into chips with their current name; a token naming anyone else stays plain text.
 */
export function tokenizeCommentBody(body: string, members?: ReadonlyMap<string, string>): BodyToken[] {
  const out: BodyToken[] = [];
  let last = 0;
  for (const m of body.matchAll(MENTION_RE)) {
    const start = m.index ?? 0;
    const known = members ? members.get(m[2]) : m[1];
    if (known === undefined) continue;
    if (start > last) out.push(...linkTokens(body.slice(last, start)));
    out.push({ kind: "mention", userId: m[2], name: known });
    last = start + m[0].length;
  }
  if (last < body.length) out.push(...linkTokens(body.slice(last)));
  return out;
}

/**
 * For mention autocomplete: when the caret sits right after `@word` (at the start or after whitespace),
 * the typed query and where the `@` is; otherwise null.
 */
export function mentionQueryAt(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { query: m[2], start: caret - m[2].length - 1 };
}
