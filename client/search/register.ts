/** Plugs the statement search's highlights into every statement editor (the bar is in the editor page). */
import { registerEditorExtension } from "../editor/plugins";
import { SearchHighlight } from "./extension";

registerEditorExtension(() => SearchHighlight);
