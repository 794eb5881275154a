/**
 * Fan-out: N real providers on one document, one of them inserts a marker every `intervalMs`; every other
 * client's latency from the local change to observing it. Also the server's CPU over the window.
 */
import { markerCount, pushMarker } from "../lib/workload";
import type { Instance } from "../lib/targets";
import { percentile, sleep, waitFor } from "../lib/stats";
import { connectProviders, destroyAll, observeMarkers } from "./common";

export interface FanoutResult {
  n: number;
  updates: number;
  expected: number;
  observed: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server CPU (all threads) from the first insert until every client had everything. */
  serverCpuMs: number;
  windowMs: number;
  cpuUsPerDelivered: number;
  cpuUsPerInbound: number;
}

export async function runFanout(inst: Instance, n: number, updates: number, intervalMs = 20): Promise<FanoutResult> {
  const [room] = await inst.newDocs(1);
  const clients = await connectProviders(inst, room, n);
  const stops: Array<() => void> = [];
  try {
    // Warm-up, not measured: JIT-compiles the server's hot path and lets connection-setup garbage be collected.
    // Warm-up markers are numbered after the measured ones, so the observers below never count them.
    const warmCount = Math.min(50, updates);
    for (let i = 0; i < warmCount; i++) {
      pushMarker(clients[0].doc, updates + i);
      await sleep(intervalMs / 2);
    }
    await waitFor(() => clients.every((c) => markerCount(c.doc) === warmCount), 10_000);
    await sleep(300);
    const sentAt = new Float64Array(updates);
    const latencies: number[] = [];
    const writer = clients[0];
    for (const c of clients.slice(1)) stops.push(observeMarkers(c.doc, sentAt, (ms) => latencies.push(ms)));
    const expected = updates * (n - 1);
    const cpu0 = inst.proc.cpuNs();
    const t0 = performance.now();
    for (let i = 0; i < updates; i++) {
      const due = t0 + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt[i] = performance.now();
      pushMarker(writer.doc, i);
    }
    await waitFor(() => latencies.length >= expected, 10_000);
    const t1 = performance.now();
    const cpuNs = inst.proc.cpuNs() - cpu0;
    const observed = latencies.length;
    return {
      n,
      updates,
      expected,
      observed,
      lost: Math.max(0, expected - observed),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      serverCpuMs: cpuNs / 1e6,
      windowMs: t1 - t0,
      cpuUsPerDelivered: cpuNs / 1e3 / (updates * (n - 1)),
      cpuUsPerInbound: cpuNs / 1e3 / updates,
    };
  } finally {
    for (const s of stops) s();
    destroyAll(clients);
    await sleep(200);
  }
}
