/**
 * Entry point: mounts the app into `#root`. The editor's features (comments, sign-off…) are not imported here:
 * they are part of the editor's chunk (see client/features.ts), so pages without the editor load without them.
 * A statement opened directly has its detail requested here, before anything renders: it loads in parallel
 * with the session check and the editor's chunks (client/statements/prefetch.ts).
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { matchPath } from "./app/router";
import { prefetchStatementDetail } from "./statements/prefetch";
import "./styles.css";

const opening = matchPath("/s/:id", window.location.pathname);
if (opening) prefetchStatementDetail(opening.id);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
