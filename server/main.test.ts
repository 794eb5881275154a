/**
 * The built server: `npm run build:server` (the exact command of package.json, into a scratch folder) bundles
 * server/ and shared/ into one ES module that plain `node` runs — migrations, the WAL checkpointer's worker and
 * every package import work from the bundle — and that stops cleanly on SIGTERM.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
// Inside the repository, so that the bundle's package imports resolve from node_modules as they do in dist/.
fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
const OUT_DIR = fs.mkdtempSync(path.join(ROOT, "dist", ".test-build-"));
const DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "concord-built-"));

afterAll(() => {
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
});

/** The arguments of package.json's `build:server`, writing to `outfile` instead of dist/server/main.js. */
function buildServerArgs(outfile: string): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["build:server"];
  const [tool, ...args] = script.split(/\s+/);
  expect(tool).toBe("esbuild");
  expect(args).toContain("--outfile=dist/server/main.js");
  return args.map((a) => (a.startsWith("--outfile=") ? `--outfile=${outfile}` : a));
}

describe("the built server", () => {
  it("runs from compiled JavaScript with plain node: migrates, answers the API and stops on SIGTERM", async () => {
    const outfile = path.join(OUT_DIR, "main.js");
    execFileSync(path.join(ROOT, "node_modules/.bin/esbuild"), buildServerArgs(outfile), { cwd: ROOT, stdio: "pipe" });

    const child = spawn(process.execPath, [outfile], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR, CLIENT_DIR: "", LOG: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the built server did not start: ${output}`)), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
        const m = output.match(/listening on (http:\/\/[^\s]+)/);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      void exited.then((code) => reject(new Error(`the built server exited (${code}): ${output}`)));
    });

    const me = await fetch(`${url}/api/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect(fs.existsSync(path.join(DATA_DIR, "concord.db"))).toBe(true);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/checkpointer stopped|unhandled/i);
  });
});
