/**
 * Feature registrations for the editor page. Each feature module (comments, sign-off, history…) calls
 * `registerEditorExtension` / `registerSidePanelTab` from `editor/plugins.ts` when imported; import it here.
 *
 * Imported by the editor page only (client/editor/EditorPage.tsx), so the features — and Tiptap, ProseMirror
 * and Yjs under them — live in the lazily loaded editor chunk, never in the initial one. Heavy code a feature
 * needs only on demand (import and export of Word or Markdown files…) is loaded with a dynamic `import()`
 * where it is used.
 */
import "./comments/register";
import "./signoff/register";
import "./history/register";
import "./import/register";
import "./search/register";
import "./editor/caret-colors";
import { registerEditorExtension } from "./editor/plugins";
import { CaretInView } from "./editor/extensions/caret-in-view";

// Not a feature but the editor's own keystroke cost (issue 13): registered here with what every editor gets.
registerEditorExtension(() => CaretInView);
