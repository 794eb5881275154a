/** Plugs comments into the editor page: the editor extension and the Comments side panel tab. */
import { Suspense, createElement, lazy } from "react";
import { LoadingBlock } from "../ui/Spinner";
import { SidePanelSlot, registerEditorExtension, registerSidePanelTab } from "../editor/plugins";
import { commentsExtension } from "./extension";
import { amendmentPreview } from "../amendments/preview";
import { amendmentStoreFor } from "../amendments/store";
import { commentStoreFor } from "./store";
import "./comments.css";

// The panel is loaded when its tab is first shown: the editor is editable without it (issue 13).
const CommentsPanel = lazy(() => import("./CommentsPanel").then((m) => ({ default: m.CommentsPanel })));

registerEditorExtension((ctx) => commentsExtension(ctx));
// Suggested wording is shown in the text (a preview, never an edit) and in the Comments tab.
registerEditorExtension((ctx) => amendmentPreview(ctx));

registerSidePanelTab({
  ...SidePanelSlot.comments,
  // Open threads and open suggestions: what waits for someone in this tab.
  badge: (ctx) => {
    const threads = commentStoreFor(ctx)
      .getSnapshot()
      .threads.filter((t) => t.status === "open").length;
    const suggestions = amendmentStoreFor(ctx)
      .getSnapshot()
      .amendments.filter((a) => a.status === "open").length;
    const n = threads + suggestions;
    return n > 0 ? n : null;
  },
  subscribeBadge: (ctx, onChange) => {
    const off = [commentStoreFor(ctx).subscribe(onChange), amendmentStoreFor(ctx).subscribe(onChange)];
    return () => off.forEach((f) => f());
  },
  render: (ctx) =>
    createElement(
      Suspense,
      { fallback: createElement(LoadingBlock, { label: "Loading comments…" }) },
      createElement(CommentsPanel, { ctx }),
    ),
});
