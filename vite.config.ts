/**
 * Vite config for the Concord client.
 * - `index.html` sits at the repo root and loads `client/main.tsx`.
 * - The build goes to `dist/client`, which the server serves (with SPA fallback to index.html).
 * - No source maps in the build: they would publish the client's whole source (the server refuses `.map`
 *   requests as well). `vite` in development still has them.
 * - `npm run dev`: `/api` and `/ws` (WebSocket) are proxied to the server on 127.0.0.1:8787.
 */
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const SERVER = "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: SERVER, changeOrigin: false },
      "/ws": { target: SERVER, ws: true, changeOrigin: false },
    },
  },
});
