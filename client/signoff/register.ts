/** Plugs sign-off into the editor page: the gutter chips and the Sign-off side panel tab. */
import { Suspense, createElement, lazy } from "react";
import { LoadingBlock } from "../ui/Spinner";
import { SidePanelSlot, registerEditorExtension, registerSidePanelTab } from "../editor/plugins";
import { signoffGutter } from "./gutter";
import { signoffStoreFor } from "./store";

// The panel is loaded when its tab is first shown: the editor is editable without it (issue 13).
const SignoffPanel = lazy(() => import("./SignoffPanel").then((m) => ({ default: m.SignoffPanel })));

registerEditorExtension((ctx) => signoffGutter(signoffStoreFor(ctx)));

registerSidePanelTab({
  ...SidePanelSlot.signoff,
  badge: (ctx) => {
    const m = signoffStoreFor(ctx).getSnapshot().matrix;
    if (!m) return null;
    const n = m.readiness.objections.length + m.positions.filter((p) => p.stale && !p.removed).length;
    return n > 0 ? n : null;
  },
  subscribeBadge: (ctx, onChange) => signoffStoreFor(ctx).subscribe(onChange),
  render: (ctx) =>
    createElement(
      Suspense,
      { fallback: createElement(LoadingBlock, { label: "Loading sign-off…" }) },
      createElement(SignoffPanel, { ctx }),
    ),
});
