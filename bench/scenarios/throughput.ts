/**
 * Throughput: 10 light raw-protocol writers on one document send pre-encoded single-insert updates at an
 * aggregate rate R; one real provider observes every marker. R steps up (×2) until p99 > 100 ms or an update
 * is lost (or the bench client itself cannot send at R), then one bisection step; the answer is the highest
 * R that passed (a failed step is retried once). Each step uses a fresh document.
 */
import * as Y from "yjs";
import { pushMarker } from "../lib/workload";
import type { Instance } from "../lib/targets";
import { updateFrame } from "../lib/protocol";
import { percentile, sleep, waitFor } from "../lib/stats";
import { connectProviders, connectRaw, destroyAll, observeMarkers } from "./common";

export interface ThroughputStep {
  rate: number;
  achievedRate: number;
  sent: number;
  observed: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  pass: boolean;
  /** The bench client fell behind the schedule by more than 10%: the step says nothing about the server. */
  clientBound: boolean;
  serverCpuMs: number;
}

export interface ThroughputResult {
  sustainedRate: number;
  steps: ThroughputStep[];
}

export interface ThroughputOptions {
  writers: number;
  startRate: number;
  maxRate: number;
  stepMs: number;
  maxSteps: number;
  p99LimitMs: number;
}

async function runStep(inst: Instance, rate: number, o: ThroughputOptions): Promise<ThroughputStep> {
  const [room] = await inst.newDocs(1);
  const total = Math.max(o.writers, Math.round((rate * o.stepMs) / 1000));
  // Pre-encode every frame: marker g goes to writer g % writers.
  const frames: Uint8Array[] = new Array(total);
  const docs = Array.from({ length: o.writers }, (_, w) => {
    const d = new Y.Doc();
    d.clientID = 1000 + w;
    return d;
  });
  let current = 0;
  for (const d of docs) d.on("update", (u: Uint8Array) => (frames[current] = updateFrame(inst.dialect, room, u)));
  for (let g = 0; g < total; g++) {
    current = g;
    pushMarker(docs[g % o.writers], g);
  }
  for (const d of docs) d.destroy();

  const [observer] = await connectProviders(inst, room, 1);
  const writers = await connectRaw(inst, Array(o.writers).fill(room));
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const stop = observeMarkers(observer.doc, sentAt, (ms) => latencies.push(ms));
  try {
    await sleep(200);
    const cpu0 = inst.proc.cpuNs();
    const t0 = performance.now();
    let sent = 0;
    const deadline = t0 + o.stepMs * 3 + 2000;
    while (sent < total && performance.now() < deadline) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
      while (sent < due) {
        sentAt[sent] = performance.now();
        writers[sent % o.writers].send(frames[sent]);
        sent++;
      }
      await new Promise<void>((r) => setImmediate(r));
      if (sent < total && due - sent === 0) await sleep(1);
    }
    const sendMs = performance.now() - t0;
    await waitFor(() => latencies.length >= sent, 5_000);
    const cpuNs = inst.proc.cpuNs() - cpu0;
    const p99 = percentile(latencies, 99);
    const achievedRate = (sent / Math.max(sendMs, 1)) * 1000;
    const lost = Math.max(0, total - latencies.length);
    const clientBound = achievedRate < rate * 0.9;
    return {
      rate,
      achievedRate,
      sent,
      observed: latencies.length,
      lost,
      p50Ms: percentile(latencies, 50),
      p99Ms: p99,
      pass: lost === 0 && p99 <= o.p99LimitMs && !clientBound,
      clientBound,
      serverCpuMs: cpuNs / 1e6,
    };
  } finally {
    stop();
    destroyAll([observer]);
    await Promise.all(writers.map((w) => w.close()));
    await sleep(200);
  }
}

export async function runThroughput(inst: Instance, o: ThroughputOptions): Promise<ThroughputResult> {
  const steps: ThroughputStep[] = [];
  let best = 0; // highest rate that passed
  let fail = Number.POSITIVE_INFINITY; // lowest rate that failed
  let rate = o.startRate;
  while (steps.length < o.maxSteps && rate <= o.maxRate && rate >= 10) {
    let s = await runStep(inst, rate, o);
    steps.push(s);
    // These machines are shared: a failed step is tried once more before it counts as the limit.
    if (!s.pass && steps.length < o.maxSteps) {
      s = await runStep(inst, rate, o);
      steps.push(s);
    }
    if (s.pass) best = Math.max(best, rate);
    else fail = Math.min(fail, rate);
    if (Number.isFinite(fail) && best > 0) {
      if (fail / best < 1.3) break;
      rate = Math.round(Math.sqrt(best * fail) / 10) * 10;
    } else rate = s.pass ? rate * 2 : Math.round(rate / 2);
  }
  return { sustainedRate: best, steps };
}
