/**
 * Following a notification to a clause: `/s/<id>?clause=<clauseId>[&thread=<threadId>]`. Once the editor has
 * rendered it, the thread's card (`data-thread-id`, when the comments tab shows it) or else the clause is
 * scrolled into view and outlined until the next click or key press; the query stays, so a reload lands there
 * again.
 */
import { useEffect } from "react";
import { useLocation } from "../app/router";

/** How long to wait for the editor (and its comments) to render the target. */
const WAIT_MS = 10_000;

/** Scrolls to the clause or thread the location names, once it exists. */
export function useClauseFromQuery(): void {
  const { pathname, search } = useLocation();
  const clause = search.get("clause");
  const thread = search.get("thread");
  useEffect(() => {
    if (!pathname.startsWith("/s/") || (!clause && !thread)) return;
    const selectors = [
      thread && `[data-thread-id="${CSS.escape(thread)}"]`,
      // The clause's block itself, not a gutter button that carries its id too.
      clause && `.ProseMirror [data-clause-id="${CSS.escape(clause)}"]:not(button)`,
    ].filter((s): s is string => !!s);
    const started = Date.now();
    let timer = 0;
    let unmark = () => {};
    const look = () => {
      const found = selectors.find((s) => document.querySelector(s) !== null);
      if (found) {
        document.querySelector(found)!.scrollIntoView({ block: "center" });
        // Outlined by a style rule rather than a class: ProseMirror redraws a node whose DOM someone changed.
        const style = document.createElement("style");
        style.textContent = `${found} { outline: 3px solid var(--focus); outline-offset: 3px; border-radius: 2px; }`;
        document.head.append(style);
        unmark = () => {
          style.remove();
          document.removeEventListener("pointerdown", unmark, true);
          document.removeEventListener("keydown", unmark, true);
        };
        document.addEventListener("pointerdown", unmark, true);
        document.addEventListener("keydown", unmark, true);
        return;
      }
      if (Date.now() - started < WAIT_MS) timer = window.setTimeout(look, 200);
    };
    look();
    return () => {
      clearTimeout(timer);
      unmark();
    };
  }, [pathname, clause, thread]);
}
