/**
 * The built client's static files through the real app: a hashed asset is served from its precompressed brotli
 * or gzip copy (as the build writes them, vite.config.ts) according to Accept-Encoding, brotli first, with
 * `Content-Encoding`, `Vary: Accept-Encoding` and a year-long immutable cache; without an accepted encoding the
 * plain file is served, still with `Vary`; the HTML fallback is never cached as immutable, and a missing asset
 * is a 404.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "./server";
import { startTestServer } from "./testing/harness";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "concord-static-"));
const PLAIN = "console.log('plain');\n".repeat(100);
// Each copy says which one it is, so the body shows which file was sent.
const BR = "console.log('from the brotli copy');\n".repeat(100);
const GZ = "console.log('from the gzip copy');\n".repeat(100);
let server: RunningServer;

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Concord</title><div id=root></div>");
  fs.writeFileSync(path.join(dir, "assets", "index-AbC123.js"), PLAIN);
  fs.writeFileSync(path.join(dir, "assets", "index-AbC123.js.br"), zlib.brotliCompressSync(BR));
  fs.writeFileSync(path.join(dir, "assets", "index-AbC123.js.gz"), zlib.gzipSync(GZ));
  fs.writeFileSync(path.join(dir, "assets", "only-plain-X1.css"), "body{}");
  server = await startTestServer({ clientDir: dir });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (node:http does not decompress), with the body decoded as the Content-Encoding says. */
function get(
  pathname: string,
  acceptEncoding?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url + pathname,
      { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const enc = res.headers["content-encoding"];
          const body =
            enc === "br"
              ? zlib.brotliDecompressSync(raw).toString()
              : enc === "gzip"
                ? zlib.gunzipSync(raw).toString()
                : raw.toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("static assets", () => {
  it("serves the brotli copy to a browser that accepts it, with Vary and an immutable cache", async () => {
    const res = await get("/assets/index-AbC123.js", "gzip, deflate, br, zstd");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.body).toBe(BR);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["vary"]).toMatch(/Accept-Encoding/i);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(Number(res.headers["content-length"])).toBe(fs.statSync(path.join(dir, "assets/index-AbC123.js.br")).size);
  });

  it("serves the gzip copy when brotli is not accepted, and the plain file when nothing is", async () => {
    const gz = await get("/assets/index-AbC123.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.body).toBe(GZ);
    expect(gz.headers["vary"]).toMatch(/Accept-Encoding/i);

    const plain = await get("/assets/index-AbC123.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(PLAIN);
    expect(plain.headers["vary"]).toMatch(/Accept-Encoding/i);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("serves a file without compressed copies as it is", async () => {
    const res = await get("/assets/only-plain-X1.css", "br, gzip");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body).toBe("body{}");
  });

  it("answers a missing asset with 404 and the app's pages with uncached-as-immutable HTML", async () => {
    expect((await get("/assets/missing-Z9.js", "br")).status).toBe(404);
    const page = await get("/s/some-statement", "br, gzip");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<div id=root>");
    expect(page.headers["cache-control"] ?? "").not.toMatch(/immutable/);
  });
});
