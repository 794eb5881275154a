/**
 * Page chrome: the top bar (brand, signed-in user's menu) around signed-in pages, and a centred card
 * layout for the auth pages. Both start with a "Skip to content" link; signed-in pages also mount the live
 * region of announcements and the `?` keyboard shortcut list.
 */
import { useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { Link, navigate } from "./router";
import { useSession } from "./session";
import { Avatar } from "../ui/Avatar";
import { colorForUser } from "../../shared/colors";
import { Label, TestId } from "../testids";
import { ChangePasswordDialog } from "../auth/ChangePasswordDialog";
import { SessionsDialog } from "../auth/SessionsDialog";
import { NotificationBell } from "../notifications/NotificationBell";
import { mountAnnouncer } from "../ui/announcer";
import { ShortcutsDialog, useShortcutsHelp } from "../ui/ShortcutsDialog";

/** The id of each page's main content, the target of the skip link. */
const MAIN_ID = "main";

/** The first stop of the Tab key: jumps over the top bar to the page's content. */
function SkipLink() {
  return (
    <a className="skip-link" href={`#${MAIN_ID}`}>
      Skip to content
    </a>
  );
}

/** The Concord wordmark, linking to the dashboard. */
export function Brand() {
  return (
    <Link to="/" className="brand" aria-label="Concord — your statements">
      <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="currentColor" />
        <circle cx="12.5" cy="16" r="6" fill="none" stroke="white" strokeWidth="2.5" />
        <circle cx="19.5" cy="16" r="6" fill="none" stroke="white" strokeWidth="2.5" />
      </svg>
      <span>Concord</span>
    </Link>
  );
}

/** Moves focus among a menu's items with the arrow keys, Home and End (the ARIA menu pattern). */
function moveInMenu(menu: HTMLElement, key: string): boolean {
  const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const i = items.indexOf(document.activeElement as HTMLElement);
  const next =
    key === "ArrowDown"
      ? (i + 1) % items.length
      : key === "ArrowUp"
        ? (i - 1 + items.length) % items.length
        : key === "Home"
          ? 0
          : key === "End"
            ? items.length - 1
            : -1;
  if (next < 0) return false;
  items[next]?.focus();
  return true;
}

/** The signed-in user's name with "Change password", "Your sessions", "Keyboard shortcuts" and "Log out". */
function UserMenu({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const { user, logout } = useSession();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const [listingSessions, setListingSessions] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The first item takes focus when the menu opens, as in any menu.
    if (open) menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    // Close on a click outside the menu.
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);
  if (!user) return null;
  return (
    <div className="user-menu" data-testid={TestId.userMenu} ref={ref}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Avatar name={user.name} color={colorForUser(user.id)} size="sm" />
        <span className="user-menu-name">{user.name}</span>
        <span aria-hidden="true" className="caret-down">
          ▾
        </span>
      </button>
      {open && (
        <div
          ref={menuRef}
          className="menu"
          role="menu"
          aria-label="Account"
          onKeyDown={(e) => {
            if (e.key === "Escape" || e.key === "Tab") {
              setOpen(false);
              if (e.key === "Escape") buttonRef.current?.focus();
            } else if (menuRef.current && moveInMenu(menuRef.current, e.key)) e.preventDefault();
          }}
        >
          <div className="menu-caption">{user.email}</div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              setChanging(true);
            }}
          >
            Change password
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              setListingSessions(true);
            }}
          >
            Your sessions
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              onShowShortcuts();
            }}
          >
            Keyboard shortcuts <kbd>?</kbd>
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={async () => {
              setOpen(false);
              await logout();
              navigate("/login");
            }}
          >
            {Label.logOut}
          </button>
        </div>
      )}
      <ChangePasswordDialog open={changing} onClose={() => setChanging(false)} />
      <SessionsDialog open={listingSessions} onClose={() => setListingSessions(false)} />
    </div>
  );
}

/** Top bar plus page content; `actions` go between the brand and the user menu. */
export function AppLayout({ children, actions, wide }: { children: ReactNode; actions?: ReactNode; wide?: boolean }) {
  const shortcuts = useShortcutsHelp();
  useEffect(() => {
    mountAnnouncer();
  }, []);
  return (
    <div className="app-shell">
      <SkipLink />
      <header className="topbar">
        <div className={`topbar-inner ${wide ? "wide" : ""}`}>
          <Brand />
          <div className="topbar-actions">{actions}</div>
          <NotificationBell />
          <UserMenu onShowShortcuts={() => shortcuts.setOpen(true)} />
        </div>
      </header>
      <main id={MAIN_ID} tabIndex={-1} className={`page ${wide ? "page-wide" : ""}`}>
        {children}
      </main>
      <ShortcutsDialog open={shortcuts.open} onClose={() => shortcuts.setOpen(false)} />
    </div>
  );
}

/** A centred card for log-in, sign-up and invitation pages. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="auth-shell">
      <SkipLink />
      <div className="auth-brand">
        <Brand />
      </div>
      <main id={MAIN_ID} tabIndex={-1} className="auth-card">
        <h1>{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </main>
      <p className="auth-footer">Concord — draft, sign off and publish joint statements together.</p>
    </div>
  );
}
