/**
 * Feature registrations for the editor page. Each feature module (comments, sign-off, history…) calls
 * `registerEditorExtension` / `registerSidePanelTab` from `editor/plugins.ts` when imported; import it here.
 */
import "./comments/register";
import "./signoff/register";
// import "./history/register";
export {};
