/** Plugs sign-off into the editor page: the gutter chips and the Sign-off side panel tab. */
import { createElement } from "react";
import { SidePanelSlot, registerEditorExtension, registerSidePanelTab } from "../editor/plugins";
import { signoffGutter } from "./gutter";
import { signoffStoreFor } from "./store";
import { SignoffPanel } from "./SignoffPanel";

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
  render: (ctx) => createElement(SignoffPanel, { ctx }),
});
