/** Running a benchmark script as the tests do: a child process in its own group, killed whole on a timeout. */
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `script` (relative to the repository) with tsx and `args`; its exit code and its whole output. */
export function runBenchScript(
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so a timeout can take the servers and browsers down with it
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
