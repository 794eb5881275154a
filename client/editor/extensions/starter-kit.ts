/**
 * The StarterKit configuration of every statement editor. Its schema (with ClauseId) is what the server
 * accepts in a statement's document (`shared/schema.ts`); `client/editor/schema.test.ts` keeps the two equal.
 */
import StarterKit from "@tiptap/starter-kit";

export const statementStarterKit = StarterKit.configure({
  undoRedo: false,
  // Underline has no canonical Markdown form (shared/canonical.ts), so it is not offered.
  underline: false,
  // TrailingNode appends a paragraph from appendTransaction on every client, remote changes included:
  // concurrent duplicates, and writes from read-only clients that the server refuses.
  trailingNode: false,
  link: { openOnClick: false, autolink: true },
});
