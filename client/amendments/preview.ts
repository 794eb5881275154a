/**
 * The preview of open proposals in the text, without changing it: the words a proposal replaces are struck
 * through and its new wording is shown right after them, as decorations only (nothing enters the document, the
 * canonical text or anyone's undo history). A proposal whose words have changed meanwhile is outdated and shows
 * no preview — its card in the Comments panel says so — using the same check the server makes before accepting
 * (shared/amendments/target.ts).
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { EditorView } from "@tiptap/pm/view";
import type * as Y from "yjs";
import { checkTarget, clausesById } from "../../shared/amendments/target";
import type { AmendmentDto } from "../../shared/amendments/schemas";
import type { EditorExtensionContext } from "../editor/plugins";
import { rangeOfAnchor } from "../comments/anchors";
import { amendmentStoreFor } from "./store";
import type { AmendmentStore } from "./store";
import { AmendmentTestId } from "./testids";

const key = new PluginKey<DecorationSet>("amendmentPreview");

/** The open proposals whose words are still exactly there in the local document, by id. */
export function currentAmendments(ydoc: Y.Doc, amendments: readonly AmendmentDto[]): Set<string> {
  const open = amendments.filter((a) => a.status === "open");
  if (open.length === 0) return new Set();
  const clauses = clausesById(ydoc);
  return new Set(open.filter((a) => checkTarget(ydoc, a, clauses).kind === "current").map((a) => a.id));
}

function insertion(a: AmendmentDto): HTMLElement {
  const ins = document.createElement("ins");
  ins.className = "amendment-insertion";
  ins.contentEditable = "false";
  ins.dataset.amendmentId = a.id;
  ins.dataset.testid = AmendmentTestId.insertion;
  ins.title = `Suggested by ${a.proposer.name}: ${a.reason}`;
  ins.textContent = a.replacement;
  return ins;
}

/** Redraws the decorations when the proposals or the document change (once per frame). */
class PreviewView {
  private frame = 0;
  private drawn = "";
  private readonly unsubscribe: () => void;
  private readonly onDocUpdate = () => this.schedule();

  constructor(
    private view: EditorView,
    private readonly store: AmendmentStore,
    private readonly ydoc: Y.Doc,
  ) {
    this.unsubscribe = store.subscribe(() => this.schedule());
    ydoc.on("update", this.onDocUpdate);
    this.schedule();
  }

  update(view: EditorView): void {
    this.view = view;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.unsubscribe();
    this.ydoc.off("update", this.onDocUpdate);
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    if (this.view.isDestroyed) return;
    const state = this.view.state;
    const decorations: Decoration[] = [];
    const parts: string[] = [];
    const amendments = this.store.getSnapshot().amendments;
    const current = currentAmendments(this.ydoc, amendments);
    for (const a of amendments) {
      if (!current.has(a.id)) continue;
      const range = rangeOfAnchor(state, this.ydoc, a.target);
      if (!range) continue;
      parts.push(`${a.id}:${range.from}-${range.to}`);
      decorations.push(
        Decoration.inline(range.from, range.to, {
          class: "amendment-deletion",
          "data-amendment-id": a.id,
          "data-testid": AmendmentTestId.deletion,
        }),
        Decoration.widget(range.to, () => insertion(a), { side: 1, key: `amendment-${a.id}`, ignoreSelection: true }),
      );
    }
    const drawn = parts.join("|");
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.view.dispatch(
      state.tr.setMeta(key, DecorationSet.create(state.doc, decorations)).setMeta("addToHistory", false),
    );
  }
}

/** The Tiptap extension for one editor (see the module comment). */
export function amendmentPreview(ctx: EditorExtensionContext) {
  return Extension.create({
    name: "amendmentPreview",
    addProseMirrorPlugins() {
      const store = amendmentStoreFor(ctx);
      return [
        new Plugin<DecorationSet>({
          key,
          state: {
            init: () => DecorationSet.empty,
            apply: (tr, old) => (tr.getMeta(key) as DecorationSet | undefined) ?? old.map(tr.mapping, tr.doc),
          },
          props: { decorations: (state) => key.getState(state) },
          view: (view) => new PreviewView(view, store, ctx.ydoc),
        }),
      ];
    },
  });
}
