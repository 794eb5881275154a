/**
 * Vite config for the Concord client.
 * - `index.html` sits at the repo root and loads `client/main.tsx`.
 * - The build goes to `dist/client`, which the server serves (with SPA fallback to index.html).
 * - Every built asset also gets a brotli (`.br`) and a gzip (`.gz`) copy, compressed once at build time with
 *   node:zlib at their highest levels; the server picks one by the request's Accept-Encoding (server/app.ts).
 * - The editor's libraries are split by family (ProseMirror, Tiptap, Yjs) rather than bundled into one chunk
 *   with the editor page: each stays well under Vite's 500 kB warning, downloads in parallel with the others,
 *   and stays cached when only our own code changes. Pages without the editor load none of them
 *   (see client/features.ts and the lazy editor route in client/app/App.tsx).
 * - No source maps in the build: they would publish the client's whole source (the server refuses `.map`
 *   requests as well). `vite` in development still has them.
 * - `npm run dev`: `/api` and `/ws` (WebSocket) are proxied to the server on 127.0.0.1:8787.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { defineConfig } from "vite";
import type { Plugin } from "vite";
import react from "@vitejs/plugin-react";

const SERVER = "http://127.0.0.1:8787";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Writes `.br` and `.gz` next to every compressible asset of the build (smaller ones are not worth it). */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "concord:precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => /\.(js|css|svg|json|txt)$/.test(f));
      await Promise.all(
        files.map(async (file) => {
          const full = path.join(outDir, file);
          const raw = await fs.readFile(full);
          if (raw.length < 1024) return;
          const [br, gz] = await Promise.all([
            brotli(raw, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            }),
            gzip(raw, { level: zlib.constants.Z_BEST_COMPRESSION }),
          ]);
          await Promise.all([fs.writeFile(`${full}.br`, br), fs.writeFile(`${full}.gz`, gz)]);
        }),
      );
    },
  };
}

/** The editor's library families, each its own chunk. */
const VENDOR_GROUPS: Array<{ name: string; test: RegExp }> = [
  // The local copy is loaded by the editor and on logout; in a group of its own, the bundler's runtime helpers
  // (which every page needs) are not merged into its chunk, which imports Yjs.
  { name: "offline", test: /client[\\/]editor[\\/]offline\.ts$/ },
  {
    name: "prosemirror",
    test: /node_modules[\\/](prosemirror-[^\\/]+|@tiptap[\\/]pm|orderedmap|rope-sequence|w3c-keyname)[\\/]/,
  },
  {
    name: "tiptap",
    test: /node_modules[\\/](@tiptap[\\/](?!pm[\\/])[^\\/]+|linkifyjs|fast-equals|use-sync-external-store)[\\/]/,
  },
  { name: "yjs", test: /node_modules[\\/](yjs|lib0|y-protocols|y-websocket|y-indexeddb)[\\/]/ },
];

export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Only the libraries themselves: their own dependencies (React, shared by every page) stay where they are.
        codeSplitting: { groups: VENDOR_GROUPS, includeDependenciesRecursively: false },
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: SERVER, changeOrigin: false },
      "/ws": { target: SERVER, ws: true, changeOrigin: false },
    },
  },
});
