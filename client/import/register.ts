/** Plugs Markdown paste into every statement editor. */
import { registerEditorExtension } from "../editor/plugins";
import { MarkdownPaste } from "../editor/extensions/markdown-paste";

registerEditorExtension(() => MarkdownPaste);
