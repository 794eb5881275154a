/** Plugs the drafting record into the editor page: the History side panel tab. */
import { createElement } from "react";
import { SidePanelSlot, registerSidePanelTab } from "../editor/plugins";
import { HistoryPanel } from "./HistoryPanel";

registerSidePanelTab({
  ...SidePanelSlot.history,
  render: (ctx) => createElement(HistoryPanel, { ctx }),
});
