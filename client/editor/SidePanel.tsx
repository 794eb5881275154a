/**
 * The editor's side panel: an accessible tab list over a list of `{id, label, render}` tabs.
 *
 * On a narrow screen (a phone, a tablet in portrait) it is a bottom sheet: the tab bar stays at the bottom of the screen, the statement
 * fills the rest, and choosing a tab opens the sheet over the lower part of the text; "Close" or Escape folds it
 * back. A folded sheet has no selected tab, so code that brings a tab forward by clicking it when it is not
 * selected (the comment gutter does) opens the sheet too; {@link showSidePanelTab} does the same by id.
 */
import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import type { KeyboardEvent, ReactNode } from "react";
import { TestId } from "../testids";

/** One tab of {@link SidePanel}. */
export interface PanelTab {
  id: string;
  label: string;
  /** Reads the current count next to the label (null: none). */
  badge?: () => number | null;
  /** Subscribes to changes of the count, so that it updates without the page re-rendering. */
  subscribeBadge?: (onChange: () => void) => () => void;
  render: () => ReactNode;
}

/** At this width and below the panel is a bottom sheet (kept in step with the media query in styles.css). */
export const SHEET_QUERY = "(max-width: 900px)";

const SHOW_TAB_EVENT = "concord:show-side-panel-tab";

/** Brings the side panel's tab `id` forward (and opens the sheet on a phone), e.g. from a gutter button. */
export function showSidePanelTab(id: string): void {
  window.dispatchEvent(new CustomEvent<string>(SHOW_TAB_EVENT, { detail: id }));
}

const noSubscription = () => () => {};

function subscribeSheet(onChange: () => void): () => void {
  const mq = window.matchMedia(SHEET_QUERY);
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
}

/** Whether the panel is shown as a bottom sheet (narrow screens). */
function useSheetLayout(): boolean {
  return useSyncExternalStore(subscribeSheet, () => window.matchMedia(SHEET_QUERY).matches);
}

/** A tab's live count: shown as a small badge, read as ", 3" after the label. */
function TabBadge({ tab }: { tab: PanelTab }) {
  const read = tab.badge ?? (() => null);
  const count = useSyncExternalStore(tab.subscribeBadge ?? noSubscription, read);
  if (!count) return null;
  return (
    <>
      <span className="tab-badge" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden">, {count}</span>
    </>
  );
}

/** Tabs (arrow keys move between them) and the selected tab's content. */
export function SidePanel({ tabs, initial }: { tabs: PanelTab[]; initial?: string }) {
  const [selected, setSelected] = useState(initial ?? tabs[0]?.id);
  const sheet = useSheetLayout();
  // Only meaningful as a sheet: a folded sheet shows the tab bar alone.
  const [sheetOpen, setSheetOpen] = useState(false);
  const expanded = !sheet || sheetOpen;
  const base = useId();
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];

  const panelRef = useRef<HTMLDivElement>(null);
  // Set when the sheet is opened from outside the panel (a gutter mark): focus then follows into the sheet,
  // which covers the place it was opened from.
  const focusPanel = useRef(false);

  const choose = useCallback((id: string) => {
    setSelected(id);
    setSheetOpen(true);
    focusPanel.current = !document.activeElement?.closest(`[data-testid="${TestId.sidePanel}"]`);
  }, []);

  useEffect(() => {
    if (!sheet || !sheetOpen || !focusPanel.current) return;
    focusPanel.current = false;
    panelRef.current?.focus();
  }, [sheet, sheetOpen, selected]);

  useEffect(() => {
    const onShow = (e: Event) => {
      const id = (e as CustomEvent<string>).detail;
      if (tabs.some((t) => t.id === id)) choose(id);
    };
    window.addEventListener(SHOW_TAB_EVENT, onShow);
    return () => window.removeEventListener(SHOW_TAB_EVENT, onShow);
  }, [tabs, choose]);

  function fold() {
    setSheetOpen(false);
    if (current) refs.current.get(current.id)?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    const i = tabs.findIndex((t) => t.id === current?.id);
    let next = -1;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    if (next === -1) return;
    e.preventDefault();
    // Moving along a folded sheet's tabs does not open it; Enter or Space does.
    setSelected(tabs[next].id);
    refs.current.get(tabs[next].id)?.focus();
  }

  function onPanelKeyDown(e: KeyboardEvent) {
    // Escape folds the sheet unless something inside (a composer, a popover) used it already.
    if (sheet && e.key === "Escape" && !e.defaultPrevented) {
      e.preventDefault();
      fold();
    }
  }

  return (
    <aside
      className={`side-panel ${sheet ? "side-panel-sheet" : ""} ${expanded ? "side-panel-open" : ""}`}
      data-testid={TestId.sidePanel}
      aria-label="Statement panel"
    >
      <div className="tabs" role="tablist" aria-label="Panels" onKeyDown={onKeyDown}>
        {tabs.map((t) => {
          const active = t.id === current?.id;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${t.id}`}
              aria-selected={active && expanded}
              aria-controls={active && expanded ? `${base}-panel-${t.id}` : undefined}
              tabIndex={active ? 0 : -1}
              className={`tab ${active && expanded ? "tab-active" : ""}`}
              data-testid={`side-tab-${t.id}`}
              onClick={() => (sheet && sheetOpen && active ? fold() : choose(t.id))}
            >
              {t.label}
              <TabBadge tab={t} />
            </button>
          );
        })}
      </div>
      {current && expanded && (
        <div
          ref={panelRef}
          className="tab-panel"
          role="tabpanel"
          id={`${base}-panel-${current.id}`}
          aria-labelledby={`${base}-tab-${current.id}`}
          tabIndex={0}
          onKeyDown={onPanelKeyDown}
        >
          {sheet && (
            <div className="sheet-head">
              <button type="button" className="btn btn-secondary btn-sm" onClick={fold}>
                Close panel
              </button>
            </div>
          )}
          {current.render()}
        </div>
      )}
    </aside>
  );
}
