/** The floor: round trip of a 50-byte message through a bare `ws` echo server. */
import path from "node:path";
import WebSocket from "ws";
import { freePort, spawnServer } from "../lib/proc";
import { percentile } from "../lib/stats";
import { within } from "./common";

export interface EchoResult {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

export async function runEcho(rounds: number): Promise<EchoResult> {
  const port = await freePort();
  const proc = await spawnServer({
    args: [path.resolve(import.meta.dirname, "../servers/echo.ts")],
    env: { PORT: String(port), HOST: "127.0.0.1" },
    port,
    ready: /READY/,
  });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on("error", () => {});
    await within(new Promise((r) => ws.once("open", r)), 10_000, "echo open");
    const payload = Buffer.alloc(50, 7);
    const rtts: number[] = [];
    const warmup = Math.min(200, rounds);
    for (let i = 0; i < warmup + rounds; i++) {
      const t0 = performance.now();
      await within(
        new Promise<void>((resolve) => {
          ws.once("message", () => resolve());
          ws.send(payload);
        }),
        5_000,
        "echo round trip",
      );
      if (i >= warmup) rtts.push(performance.now() - t0);
    }
    ws.close();
    return { p50Ms: percentile(rtts, 50), p99Ms: percentile(rtts, 99), samples: rtts.length };
  } finally {
    await proc.stop();
  }
}
