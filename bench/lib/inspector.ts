/**
 * The V8 sampling profiler of a server process, driven over its inspector (`node --inspect`), so that a profile
 * covers exactly a measured window and not the process's start-up (module loading dominates a whole-process
 * `--cpu-prof` of a short run).
 */
import WebSocket from "ws";

export interface CpuProfiler {
  start(samplingIntervalUs: number): Promise<void>;
  /** Stops sampling and returns the profile (Chrome DevTools `.cpuprofile` JSON). */
  stop(): Promise<unknown>;
  close(): void;
}

export async function connectProfiler(inspectPort: number): Promise<CpuProfiler> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const ws = new WebSocket(list[0].webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (data: Buffer) => {
    const msg = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  return {
    async start(samplingIntervalUs) {
      await call("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
      await call("Profiler.start");
    },
    async stop() {
      const result = (await call("Profiler.stop")) as { profile: unknown };
      return result.profile;
    },
    close: () => ws.close(),
  };
}
