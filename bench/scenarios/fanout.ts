/**
 * Fan-out: N real providers on one document, one of them inserts a marker every `intervalMs`; every other
 * client's latency from the local change to observing it. Also the server's CPU over the window, per inbound
 * update and per delivered message, where a delivered message is one update arriving at one client, the writer
 * included when the server sends its own update back to it: N − 1 per update from a server that does not echo
 * (ours), N from one that does (both references). Whether a server echoes is seen, not assumed: the writer's
 * received update frames are counted.
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
  /** Whether the server sent the writer's updates back to it. */
  echoes: boolean;
  /** Updates × the clients that received them (the writer included when the server echoes). */
  delivered: number;
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
    const echoes0 = writer.updatesIn();
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
    // An echo to the writer is sent in the same pass as the other deliveries: give it a moment to be read.
    await sleep(100);
    // (Several updates merged into one frame still count one each, so only "some or none" is read here.)
    const echoes = writer.updatesIn() - echoes0 >= updates / 2;
    const delivered = updates * (n - 1 + (echoes ? 1 : 0));
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
      echoes,
      delivered,
      cpuUsPerDelivered: cpuNs / 1e3 / delivered,
      cpuUsPerInbound: cpuNs / 1e3 / updates,
    };
  } finally {
    for (const s of stops) s();
    destroyAll(clients);
    await sleep(200);
  }
}
