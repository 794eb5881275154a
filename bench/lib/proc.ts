/**
 * Child processes for the servers under test, and what the kernel says they cost.
 *
 * CPU is the sum of `/proc/<pid>/task/<tid>/schedstat` (first field: ns on CPU) over every thread of the process,
 * so the V8 GC helpers and libuv threads count too, at nanosecond resolution (utime+stime in
 * `/proc/<pid>/stat` only has clock-tick resolution). RSS is `VmRSS` from `/proc/<pid>/status`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

/** Every child this process started and has not yet seen exit; killed on exit and on signals. */
const live = new Set<ChildProcess>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const c of live) {
      try {
        c.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface ServerProcess {
  pid: number;
  port: number;
  /** ns of CPU used by all threads of the process so far. */
  cpuNs(): number;
  /** Resident set size in bytes. */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Lines the child wrote to stderr (last few KB), for error messages. */
  stderrTail(): string;
}

export interface SpawnOptions {
  args: string[];
  env?: Record<string, string>;
  port: number;
  /** Matched against each stdout line; resolves the start once seen. */
  ready: RegExp;
  cwd?: string;
  timeoutMs?: number;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Load TypeScript through tsx (default); false runs plain JavaScript with nothing but node. */
  tsx?: boolean;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function readCpuNs(pid: number): number {
  let total = 0;
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return Number.NaN;
  }
  for (const tid of tids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8");
      total += Number(s.split(" ")[0]);
    } catch {
      /* thread exited between readdir and read */
    }
  }
  return total;
}

export function readRssBytes(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Starts `node <nodeFlags> [--import tsx] <args>` and waits for its ready line. */
export async function spawnServer(opts: SpawnOptions): Promise<ServerProcess> {
  installHooks();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const loader = opts.tsx === false ? [] : ["--import", "tsx"];
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...loader, ...opts.args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, ...opts.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      live.delete(child);
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server ${opts.args.join(" ")} not ready after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      buf += d;
      if (opts.ready.test(buf)) {
        clearTimeout(timer);
        buf = "";
        resolve();
      } else if (buf.length > 10_000) buf = buf.slice(-2000);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${opts.args.join(" ")} exited with ${code} before ready: ${stderr}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout!.removeAllListeners("data");
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    pid,
    port: opts.port,
    cpuNs: () => readCpuNs(pid),
    rssBytes: () => readRssBytes(pid),
    stderrTail: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
