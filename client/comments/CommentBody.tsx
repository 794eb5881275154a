/** Renders a comment body: never HTML, only text, links and mention chips (shared/comments/mentions.ts). */
import { tokenizeCommentBody } from "../../shared/comments/mentions";

/** A comment body as React text, links and mention chips: no HTML is ever rendered from it. */
export function CommentBody({ body, memberNames }: { body: string; memberNames: ReadonlyMap<string, string> }) {
  const tokens = tokenizeCommentBody(body, memberNames);
  return (
    <p className="comment-body">
      {tokens.map((t, i) =>
        t.kind === "text" ? (
          <span key={i}>{t.text}</span>
        ) : t.kind === "link" ? (
          <a key={i} href={t.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {t.text}
          </a>
        ) : (
          <span key={i} className="mention-chip" data-user-id={t.userId}>
            @{t.name}
          </span>
        ),
      )}
    </p>
  );
}
