/** The app: session, routes, and the guard that sends logged-out visitors to `/login?next=…`. */
import { Suspense, lazy, useEffect } from "react";
import type { ReactNode } from "react";
import { Router, matchPath, navigate, useLocation } from "./router";
import type { Route } from "./router";
import { SessionProvider, useSession } from "./session";
import { ErrorBoundary } from "./ErrorBoundary";
import { LoginPage } from "../auth/LoginPage";
import { SignupPage } from "../auth/SignupPage";
import { InvitePage } from "../auth/InvitePage";
import { DashboardPage } from "../statements/DashboardPage";
import { PublicPage } from "../publication/PublicPage";
import { PublicationPage } from "../publication/PublicationPage";
import { OutboxPage } from "../publication/OutboxPage";
import { LoadingBlock } from "../ui/Spinner";

/** Renders `children` for a signed-in user; otherwise redirects to the login page. */
function RequireUser({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const { pathname, search } = useLocation();
  const loggedOut = state.status === "ready" && !state.user;
  useEffect(() => {
    if (loggedOut) {
      const here = pathname + (search.toString() ? `?${search}` : "");
      navigate(here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [loggedOut, pathname, search]);
  if (state.status === "loading" || loggedOut) return <LoadingBlock />;
  return <>{children}</>;
}

/** Renders `children` for visitors; a signed-in user goes to `?next=` or the dashboard. */
function GuestOnly({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const { search } = useLocation();
  const loggedIn = state.status === "ready" && !!state.user;
  useEffect(() => {
    if (!loggedIn) return;
    const next = search.get("next");
    navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
  }, [loggedIn, search]);
  if (state.status === "loading" || loggedIn) return <LoadingBlock />;
  return <>{children}</>;
}

// The editor (Tiptap, Yjs) is the heavy part of the bundle; pages without it load without it.
type EditorModule = typeof import("../editor/EditorPage");
let editorModule: EditorModule | null = null;
let editorLoading: Promise<EditorModule> | null = null;
const loadEditorPage = () => (editorLoading ??= import("../editor/EditorPage").then((m) => (editorModule = m)));
const LazyEditorPage = lazy(() => loadEditorPage().then((m) => ({ default: m.EditorPage })));
// Opening a statement directly: its chunks load while the session is checked, not after.
if (matchPath("/s/:id", window.location.pathname)) void loadEditorPage();

/**
 * The editor page, without suspending once its chunk is there (issue 13): React reveals a Suspense boundary's
 * content no sooner than 300 ms after its fallback appeared, which held a directly opened statement back by that
 * much although its chunks had arrived while the session was checked.
 */
function EditorPage({ id }: { id: string }) {
  if (editorModule) return <editorModule.EditorPage id={id} />;
  return (
    <Suspense fallback={<LoadingBlock label="Opening the editor…" />}>
      <LazyEditorPage id={id} />
    </Suspense>
  );
}

const routes: Route[] = [
  {
    pattern: "/login",
    render: () => (
      <GuestOnly>
        <LoginPage />
      </GuestOnly>
    ),
  },
  {
    pattern: "/signup",
    render: () => (
      <GuestOnly>
        <SignupPage />
      </GuestOnly>
    ),
  },
  { pattern: "/invite/:token", render: ({ token }) => <InvitePage token={token} /> },
  { pattern: "/p/:slug", render: ({ slug }) => <PublicPage slug={slug} /> },
  {
    pattern: "/s/:id/publication",
    render: ({ id }) => (
      <RequireUser>
        <PublicationPage key={id} id={id} />
      </RequireUser>
    ),
  },
  {
    pattern: "/admin/outbox",
    render: () => (
      <RequireUser>
        <OutboxPage />
      </RequireUser>
    ),
  },
  {
    pattern: "/s/:id",
    render: ({ id }) => (
      <RequireUser>
        <EditorPage key={id} id={id} />
      </RequireUser>
    ),
  },
  {
    pattern: "/",
    render: () => (
      <RequireUser>
        <DashboardPage />
      </RequireUser>
    ),
  },
];

function NotFound() {
  return (
    <div className="empty">
      <p className="empty-title">Page not found</p>
      <a href="/" className="btn btn-secondary">
        Go to your statements
      </a>
    </div>
  );
}

/** The whole client app. */
export function App() {
  return (
    <ErrorBoundary>
      <SessionProvider>
        <Router routes={routes} fallback={<NotFound />} />
      </SessionProvider>
    </ErrorBoundary>
  );
}
