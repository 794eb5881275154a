/**
 * CaretInView: spares ProseMirror's scroll-into-view when the caret's clause is known to be on screen.
 *
 * ProseMirror scrolls to the selection after every keystroke, and to know whether it must, it reads the caret's
 * rectangle right after changing the text: a forced layout of the page in the middle of the keystroke (about 5
 * ms a key in a 1,500-clause statement, issue 13). An IntersectionObserver on the clause that holds the caret
 * already knows, from the last frame and without reading layout, whether that clause is wholly inside the
 * viewport with a margin of `MARGIN_PX` above and below; typing a few characters into it cannot carry the
 * caret past that margin, so the scroll is skipped then. In every other case (a selection, a clause partly or
 * not at all in view or taller than the screen, a caret that just moved to another clause, a change of more
 * than `SMALL_CHANGE` characters such as a paste) ProseMirror scrolls as usual.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

const key = new PluginKey("caretInView");

/** Room kept above and below the clause: more than a line of text grows it by. */
const MARGIN_PX = 64;

/** The most a change may add or remove and still count as typing (which cannot outgrow the margin). */
const SMALL_CHANGE = 16;

/** The element of the top-level block holding an empty selection (a caret), read from the DOM only. */
function caretClause(view: EditorView): Element | null {
  const { empty, $head } = view.state.selection;
  if (!empty || $head.depth < 1) return null;
  const dom = view.nodeDOM($head.before(1));
  return dom instanceof Element ? dom : null;
}

/** The extension (see the module comment). */
export const CaretInView = Extension.create({
  name: "caretInView",

  addProseMirrorPlugins() {
    if (typeof IntersectionObserver === "undefined") return [];
    let watched: Element | null = null;
    let inView = false;
    let small = false;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) if (e.target === watched) inView = e.isIntersecting && e.intersectionRatio > 0.999;
      },
      { rootMargin: `-${MARGIN_PX}px 0px -${MARGIN_PX}px 0px`, threshold: 1 },
    );
    const watch = (el: Element | null) => {
      if (el === watched) return;
      if (watched) observer.unobserve(watched);
      watched = el;
      // Unknown until the observer reports (after the next frame): ProseMirror scrolls meanwhile.
      inView = false;
      if (el) observer.observe(el);
    };
    return [
      new Plugin({
        key,
        view(view) {
          watch(caretClause(view));
          return {
            // Runs before ProseMirror's scroll: a caret that moved to another clause is not known to be in view.
            update: (v, prev) => {
              small = Math.abs(v.state.doc.content.size - prev.doc.content.size) <= SMALL_CHANGE;
              watch(caretClause(v));
            },
            destroy: () => observer.disconnect(),
          };
        },
        props: {
          handleScrollToSelection(view) {
            return small && inView && watched !== null && caretClause(view) === watched;
          },
        },
      }),
    ];
  },
});
