/**
 * Extension points of the editor page, so that features (comments, sign-off, history…) plug in without
 * editing EditorPage:
 * - {@link registerEditorExtension}: a factory returning Tiptap extensions (marks, decorations, a clause
 *   gutter drawn with widget decorations…), called once per editor with the page's {@link EditorPageContext};
 * - {@link registerSidePanelTab}: a tab of the side panel. Registering a tab whose id is one of
 *   {@link SidePanelSlot} fills that reserved slot (until then it shows a placeholder).
 *
 * Feature modules call these at import time; import them once from `client/features.ts`.
 */
import type { ReactNode } from "react";
import type { AnyExtension, Editor } from "@tiptap/core";
import type * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import type { StatementDetailDto } from "../../shared/api";
import type { AppEvent } from "../../shared/protocol";

/** What the editor page knows, handed to extensions and tabs. */
export interface EditorPageContext {
  statementId: string;
  /** The statement, my role and membership, members and organizations (refetched on app events). */
  detail: StatementDetailDto;
  /** Refetches {@link detail}. */
  reloadDetail: () => void;
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** The Tiptap editor once created (null during the first render). */
  editor: Editor | null;
  /** `canEditText(role, phase)`: whether this user may change the text now. */
  canEdit: boolean;
  /** Subscribes to app events pushed on the socket (threads.changed, signoffs.changed…); returns unsubscribe. */
  onAppEvent: (listener: (event: AppEvent) => void) => () => void;
}

/** Context given to an extension factory (the editor itself does not exist yet). */
export type EditorExtensionContext = Omit<EditorPageContext, "editor">;

/** Makes the Tiptap extensions of a feature for one editor instance. */
export type EditorExtensionFactory = (ctx: EditorExtensionContext) => AnyExtension | AnyExtension[];

/** A side panel tab. */
export interface SidePanelTab {
  /** Stable id (also the tab's `data-testid` suffix: `side-tab-<id>`). */
  id: string;
  label: string;
  /** Lower comes first; People is 0, the reserved slots 10, 20, 30. */
  order?: number;
  /** A small count shown next to the label (open threads…), if any. */
  badge?: (ctx: EditorPageContext) => number | null;
  /** Tells the tab bar when the badge may have changed (a feature store's subscribe), so it updates live. */
  subscribeBadge?: (ctx: EditorPageContext, onChange: () => void) => () => void;
  render: (ctx: EditorPageContext) => ReactNode;
}

/** Reserved side panel slots that other features fill by registering a tab with this id. */
export const SidePanelSlot = {
  comments: { id: "comments", label: "Comments", order: 10 },
  signoff: { id: "signoff", label: "Sign-off", order: 20 },
  history: { id: "history", label: "History", order: 30 },
} as const;

const extensionFactories: EditorExtensionFactory[] = [];
const tabs = new Map<string, SidePanelTab>();

/** Adds Tiptap extensions to every statement editor. */
export function registerEditorExtension(factory: EditorExtensionFactory): void {
  extensionFactories.push(factory);
}

/** Adds (or replaces, by id) a side panel tab. */
export function registerSidePanelTab(tab: SidePanelTab): void {
  tabs.set(tab.id, tab);
}

/** The registered extension factories, in registration order. */
export function editorExtensionFactories(): readonly EditorExtensionFactory[] {
  return extensionFactories;
}

/** The registered side panel tabs. */
export function registeredSidePanelTabs(): SidePanelTab[] {
  return [...tabs.values()];
}
