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
export {};
