/** Plugs comments into the editor page: the editor extension and the Comments side panel tab. */
import { createElement } from "react";
import { SidePanelSlot, registerEditorExtension, registerSidePanelTab } from "../editor/plugins";
import { commentsExtension } from "./extension";
import { amendmentPreview } from "../amendments/preview";
import { commentStoreFor } from "./store";
import { CommentsPanel } from "./CommentsPanel";
import "./comments.css";

registerEditorExtension((ctx) => commentsExtension(ctx));
// Suggested wording is shown in the text (a preview, never an edit) and in the Comments tab.
registerEditorExtension((ctx) => amendmentPreview(ctx));

registerSidePanelTab({
  ...SidePanelSlot.comments,
  badge: (ctx) => {
    const n = commentStoreFor(ctx)
      .getSnapshot()
      .threads.filter((t) => t.status === "open").length;
    return n > 0 ? n : null;
  },
  subscribeBadge: (ctx, onChange) => commentStoreFor(ctx).subscribe(onChange),
  render: (ctx) => createElement(CommentsPanel, { ctx }),
});
