/**
 * MarkdownPaste: plain text that reads as Markdown (`# `, `- `, `1. `, `> `, `**bold**`, links) is pasted as
 * structure — headings, lists, quotes, marks — instead of literal `#` and `-` that the canonical export would
 * then escape as `\#`.
 *
 * Only when the clipboard has no HTML (a copy from a text editor or a terminal), or HTML that is nothing but
 * styled text (a code editor's coloured copy of a `.md` file); ordinary text, and HTML with structure of its
 * own (a web page, a word processor), take ProseMirror's usual paths. Inside a code block nothing is converted.
 *
 * The Markdown becomes HTML (marked, loaded when an editable editor is first focused, in an idle moment: not
 * with the editor, which opens without it) cleaned by
 * `client/import/convert.ts`, parsed by the editor's schema and inserted as a paste transaction: ClauseId gives
 * the new blocks their ids and Yjs carries them like any edit, so the server validates them like every edit.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { DOMParser as PMDOMParser, Slice } from "@tiptap/pm/model";
import {
  looksLikeMarkdown,
  markdownToHtml,
  markdownToHtmlNow,
  preloadMarkdown,
  prepareHtml,
} from "../../import/convert";

const key = new PluginKey("markdownPaste");

/** The DOM event the editor element receives with the notices of a Markdown paste (`detail`: string[]). */
export const PASTE_NOTICES_EVENT = "concord:paste-notices";

/** Elements that give pasted HTML a structure of its own. */
const STRUCTURE = /<(h[1-6]|ul|ol|li|blockquote|strong|b|em|i|a|table|p)[\s>]/i;

/**
 * Inserts the converted Markdown at the selection as a paste. The slice is closed at its start unless the caret
 * stands in an empty line: pasted at the end of a sentence, `# Title` must stay a heading after it rather than
 * be merged into it. Its end stays open, so the text after the caret joins the pasted text's last line.
 */
function pasteMarkdown(view: EditorView, html: string): void {
  if (view.isDestroyed) return;
  // An inert document: nothing in it loads or runs (prepareHtml has dropped media and scripts anyway).
  const prepared = prepareHtml(html);
  const body = new DOMParser().parseFromString(prepared.html, "text/html").body;
  const parsed = PMDOMParser.fromSchema(view.state.schema).parseSlice(body);
  const open = Slice.maxOpen(parsed.content);
  const { $from } = view.state.selection;
  const intoEmptyLine = $from.parent.isTextblock && $from.parent.content.size === 0;
  const slice = intoEmptyLine ? open : new Slice(parsed.content, 0, open.openEnd);
  view.dispatch(
    view.state.tr.replaceSelection(slice).scrollIntoView().setMeta("paste", true).setMeta("uiEvent", "paste"),
  );
  // What was dropped (an image, a table made text) is said where imports say it (client/import/ImportButton.tsx).
  if (prepared.notices.length > 0) {
    view.dom.dispatchEvent(new CustomEvent(PASTE_NOTICES_EVENT, { bubbles: true, detail: prepared.notices }));
  }
}

/** The extension (see the module comment). */
export const MarkdownPaste = Extension.create({
  name: "markdownPaste",

  onFocus() {
    if (!this.editor.isEditable) return;
    // A paste follows a focus, seldom at once: marked is usually there when it comes (else the paste waits).
    if ("requestIdleCallback" in window) requestIdleCallback(() => void preloadMarkdown(), { timeout: 2000 });
    else setTimeout(() => void preloadMarkdown(), 200);
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key,
        props: {
          handlePaste(view, event) {
            const data = event.clipboardData;
            if (!data || !view.editable) return false;
            const text = data.getData("text/plain");
            if (!text || !looksLikeMarkdown(text)) return false;
            // HTML from a web page or a word processor carries its own structure and is pasted as such; a code
            // editor's HTML of Markdown source is only coloured text, and the Markdown is what was meant.
            const html = data.getData("text/html");
            if (html && STRUCTURE.test(html)) return false;
            if (view.state.selection.$from.parent.type.spec.code) return false;
            event.preventDefault();
            const now = markdownToHtmlNow(text);
            if (now !== null) pasteMarkdown(view, now);
            else void markdownToHtml(text).then((later) => pasteMarkdown(view, later));
            return true;
          },
        },
      }),
    ];
  },
});
