/**
 * Entry point: mounts the app into `#root`. The editor's features (comments, sign-off…) are not imported here:
 * they are part of the editor's chunk (see client/features.ts), so pages without the editor load without them.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
