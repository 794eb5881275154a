/**
 * The bell in the header: the unread count on it, and a popover listing my newest notifications, each a link to
 * the statement (at the clause or thread it concerns). Keyboard: the bell is a button (Enter/Space opens it,
 * focus moves to the list), ↑/↓ move between entries, Escape closes and gives focus back to the bell; a click
 * outside closes it too. Opening an entry marks it read; "Mark all read" marks the rest.
 */
import { useEffect, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { notificationLink, notificationText } from "../../shared/notifications";
import type { NotificationDto } from "../../shared/notifications";
import { plural } from "../../shared/plural";
import { Link, useLocation } from "../app/router";
import { relativeTime, absoluteTime } from "../ui/format";
import { notificationStore, useNotifications } from "./store";
import { useClauseFromQuery } from "./focus-clause";
import { NotificationTestId } from "./testids";
import "./notifications.css";

/** The bell with its popover (mounted once in the header). */
export function NotificationBell() {
  const state = useNotifications();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const { pathname } = useLocation();
  useClauseFromQuery();

  // A navigation (following an entry) closes the popover.
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    list.current?.querySelector<HTMLElement>("a")?.focus();
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = [...(list.current?.querySelectorAll<HTMLElement>("a") ?? [])];
    if (links.length === 0) return;
    e.preventDefault();
    const at = links.indexOf(document.activeElement as HTMLElement);
    const next = e.key === "ArrowDown" ? Math.min(links.length - 1, at + 1) : Math.max(0, at - 1);
    links[next].focus();
  };

  const label =
    state.unread > 0 ? `Notifications, ${plural(state.unread, "unread notification")}` : "Notifications, none unread";
  return (
    <div className="notif" ref={root} onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        className="notif-bell"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? "notif-panel" : undefined}
        data-testid={NotificationTestId.bell}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 20 20" width="19" height="19" aria-hidden="true">
          <path
            d="M10 3a4.5 4.5 0 0 0-4.5 4.5v2.7L4 13.5h12l-1.5-3.3V7.5A4.5 4.5 0 0 0 10 3Zm-1.8 12.5a1.9 1.9 0 0 0 3.6 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        </svg>
        {state.unread > 0 && (
          <span className="notif-count" data-testid={NotificationTestId.count} aria-hidden="true">
            {state.unread > 99 ? "99+" : state.unread}
          </span>
        )}
      </button>
      {open && (
        <div
          className="notif-panel"
          id="notif-panel"
          role="region"
          aria-label="Notifications"
          data-testid={NotificationTestId.panel}
        >
          <div className="notif-head">
            <h2>Notifications</h2>
            <button
              type="button"
              className="btn btn-sm btn-secondary"
              disabled={state.unread === 0}
              onClick={() => void notificationStore.markRead({ all: true })}
            >
              Mark all read
            </button>
          </div>
          {state.status === "loading" && <p className="muted small notif-empty">Loading…</p>}
          {state.status === "error" && (
            <p className="form-error small notif-empty" role="alert">
              Notifications could not be loaded.{" "}
              <button
                type="button"
                className="btn btn-sm btn-secondary"
                onClick={() => void notificationStore.reload()}
              >
                Try again
              </button>
            </p>
          )}
          {state.status === "ready" && state.notifications.length === 0 && (
            <p className="muted small notif-empty">Nothing yet. You will hear here when someone needs you.</p>
          )}
          {state.notifications.length > 0 && (
            <ul ref={list} className="notif-list">
              {state.notifications.map((n) => (
                <Entry key={n.id} n={n} />
              ))}
            </ul>
          )}
          {!state.live && state.status === "ready" && (
            <p className="muted small notif-foot" role="status">
              Reconnecting… new notifications appear when the connection is back.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Entry({ n }: { n: NotificationDto }) {
  const to = notificationLink(n) ?? "/";
  const unread = n.readAt === null;
  return (
    <li
      className={`notif-item ${unread ? "notif-unread" : ""}`}
      data-testid={NotificationTestId.item}
      data-kind={n.kind}
    >
      <Link to={to} onClick={() => unread && void notificationStore.markRead({ ids: [n.id] })}>
        <span className="notif-text">
          {unread && <span className="visually-hidden">Unread: </span>}
          {notificationText(n)}
        </span>
        <time
          className="notif-time muted"
          dateTime={new Date(n.createdAt).toISOString()}
          title={absoluteTime(n.createdAt)}
        >
          {relativeTime(n.createdAt)}
        </time>
      </Link>
    </li>
  );
}
