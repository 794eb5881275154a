/**
 * A tiny router on the History API: a route table of path patterns, `navigate()` for programmatic moves,
 * `<Link>` for anchors that navigate without reloading, and `useLocation()` for the current path.
 */
import { useSyncExternalStore } from "react";
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from "react";

const NAV_EVENT = "concord:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAV_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAV_EVENT, onChange);
  };
}

/** Calls `onChange` after every navigation (in-app or back/forward) until the returned function is called. */
export function onNavigate(onChange: () => void): () => void {
  return subscribe(onChange);
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** Moves to `to` (a same-origin path); `replace` swaps the current history entry instead of adding one. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAV_EVENT));
  window.scrollTo(0, 0);
}

/** The current location: pathname and query string. Re-renders on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const loc = useSyncExternalStore(subscribe, snapshot, () => "/");
  const q = loc.indexOf("?");
  return {
    pathname: q === -1 ? loc : loc.slice(0, q),
    search: new URLSearchParams(q === -1 ? "" : loc.slice(q)),
  };
}

/** A route: a pattern such as `/s/:id` and what to render with its decoded params. */
export interface Route {
  pattern: string;
  render: (params: Record<string, string>) => ReactNode;
}

/** Params of `pathname` if it matches `pattern` (segments starting with `:` capture), else null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

/** Renders the first route matching the current path, or `fallback`. */
export function Router({ routes, fallback }: { routes: Route[]; fallback: ReactNode }) {
  const { pathname } = useLocation();
  for (const route of routes) {
    const params = matchPath(route.pattern, pathname);
    if (params) return <>{route.render(params)}</>;
  }
  return <>{fallback}</>;
}

/** An anchor that navigates in-app on a plain left click and behaves normally otherwise (new tab…). */
export function Link({
  to,
  children,
  ...rest
}: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}
