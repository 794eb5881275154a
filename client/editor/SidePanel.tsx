/** The editor's side panel: an accessible tab list over a list of `{id, label, render}` tabs. */
import { useId, useRef, useState, useSyncExternalStore } from "react";
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

const noSubscription = () => () => {};

/** A tab's live count. */
function TabBadge({ tab }: { tab: PanelTab }) {
  const read = tab.badge ?? (() => null);
  const count = useSyncExternalStore(tab.subscribeBadge ?? noSubscription, read);
  return count ? <span className="tab-badge">{count}</span> : null;
}

/** Tabs (arrow keys move between them) and the selected tab's content. */
export function SidePanel({ tabs, initial }: { tabs: PanelTab[]; initial?: string }) {
  const [selected, setSelected] = useState(initial ?? tabs[0]?.id);
  const base = useId();
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];

  function onKeyDown(e: KeyboardEvent) {
    const i = tabs.findIndex((t) => t.id === current?.id);
    let next = -1;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    if (next === -1) return;
    e.preventDefault();
    setSelected(tabs[next].id);
    refs.current.get(tabs[next].id)?.focus();
  }

  return (
    <aside className="side-panel" data-testid={TestId.sidePanel} aria-label="Statement panel">
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
              aria-selected={active}
              aria-controls={`${base}-panel-${t.id}`}
              tabIndex={active ? 0 : -1}
              className={`tab ${active ? "tab-active" : ""}`}
              data-testid={`side-tab-${t.id}`}
              onClick={() => setSelected(t.id)}
            >
              {t.label}
              <TabBadge tab={t} />
            </button>
          );
        })}
      </div>
      {current && (
        <div
          className="tab-panel"
          role="tabpanel"
          id={`${base}-panel-${current.id}`}
          aria-labelledby={`${base}-tab-${current.id}`}
          tabIndex={0}
        >
          {current.render()}
        </div>
      )}
    </aside>
  );
}
