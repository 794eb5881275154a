/** Plugs the drafting record into the editor page: the History side panel tab. */
import { Suspense, createElement, lazy } from "react";
import { LoadingBlock } from "../ui/Spinner";
import { SidePanelSlot, registerSidePanelTab } from "../editor/plugins";

// The panel is loaded when its tab is first shown: the editor is editable without it (issue 13).
const HistoryPanel = lazy(() => import("./HistoryPanel").then((m) => ({ default: m.HistoryPanel })));

registerSidePanelTab({
  ...SidePanelSlot.history,
  render: (ctx) =>
    createElement(
      Suspense,
      { fallback: createElement(LoadingBlock, { label: "Loading history…" }) },
      createElement(HistoryPanel, { ctx }),
    ),
});
