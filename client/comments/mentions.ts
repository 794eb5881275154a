/**
 * Mentions while typing. The textarea shows `@Ana Ruiz`; the body sent to the server carries the token
 * `@[Ana Ruiz](user:ID)` (shared/comments/mentions.ts) for each member picked from the suggestions, so that a name
 * typed by hand is never mistaken for a mention.
 */
import { mentionToken } from "../../shared/comments/mentions";

/** Names picked from the suggestions while typing: display name → user id. */
export type PickedMentions = ReadonlyMap<string, string>;

/** The text to show when editing a stored body, and the mentions it contains. */
export function toEditable(body: string): { text: string; picked: Map<string, string> } {
  const picked = new Map<string, string>();
  const text = body.replace(/@\[([^\]\n]{1,120})\]\(user:([A-Za-z0-9_-]{1,64})\)/g, (_m, name: string, id: string) => {
    picked.set(name, id);
    return `@${name}`;
  });
  return { text, picked };
}

/** The body to send: every `@Name` of a picked member becomes its mention token. Longer names first. */
export function toBody(text: string, picked: PickedMentions): string {
  const names = [...picked.keys()].sort((a, b) => b.length - a.length);
  if (names.length === 0) return text;
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // An `@` inside a word (an email address) is not a mention.
  const re = new RegExp(`(^|[^\\p{L}\\p{N}_.])@(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "gu");
  return text.replace(re, (_m, before: string, name: string) => before + mentionToken(name, picked.get(name)!));
}
