/**
 * Summarises a `.cpuprofile` (from `npm run bench -- --profile` or `node --cpu-prof`): top functions by self
 * time and by inclusive time, with file:line, so hot spots can be named from a profile rather than guessed.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [filter-substring]
 */
import fs from "node:fs";
import path from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Every sample counts for the same time (the mean interval). A sample's own time delta would charge a whole
 * pause of the process (descheduled on a loaded machine) to whatever function happened to be sampled next.
 */
function sampleWeight(p: Profile): number {
  return p.samples.length > 0 ? (p.endTime - p.startTime) / p.samples.length : 0;
}

export function summarise(file: string, top = 25, filter = ""): string {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const weight = sampleWeight(p);
  p.samples.forEach((id) => self.set(id, (self.get(id) ?? 0) + weight));
  const key = (n: Node) => {
    const f = n.callFrame;
    const url = f.url ? path.relative(process.cwd(), f.url.replace(/^file:\/\//, "")) : "";
    return `${f.functionName || "(anonymous)"} ${url ? `${url}:${f.lineNumber + 1}` : ""}`.trim();
  };
  const selfBy = new Map<string, number>();
  const inclBy = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    total += us;
    const n = byId.get(id)!;
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + us);
    // inclusive: every distinct function on the stack once
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclBy.set(k, (inclBy.get(k) ?? 0) + us);
    }
  }
  const idle = [...selfBy].filter(([k]) => k.startsWith("(idle)")).reduce((s, [, v]) => s + v, 0);
  const busy = total - idle;
  const rows = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => !k.startsWith("(idle)") && !k.startsWith("(root)") && (!filter || k.includes(filter)))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) => `${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
      );
  return [
    `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`,
    `-- self time (share of busy) --`,
    ...rows(selfBy),
    `-- inclusive time --`,
    ...rows(inclBy),
  ].join("\n");
}

/**
 * A phase of the per-update path: samples under a frame of this function name count for it (Node's own
 * `node:` modules excluded, so that `append` of the store is not `append` of the timers).
 */
export interface PhaseSpec {
  label: string;
  functionName: string;
}

/**
 * Busy time split by phase: each sample goes to the innermost frame on its stack that names a phase (so time
 * spent validating inside the receive path counts as validating), "GC" for the collector, "other" otherwise.
 */
export function phases(profile: unknown, specs: readonly PhaseSpec[]): Map<string, number> {
  const p = profile as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = phaseOf.get(id);
    if (known) return known;
    const f = byId.get(id)!.callFrame;
    let label: string | undefined;
    if (f.functionName === "(idle)" || f.functionName === "(root)") label = "idle";
    else if (f.functionName === "(garbage collector)") label = "GC";
    else {
      const spec = specs.find((s) => s.functionName === f.functionName && !f.url.startsWith("node:"));
      if (spec) label = spec.label;
      else {
        const up = parent.get(id);
        label = up === undefined ? "other" : classify(up);
        if (label === "idle") label = "other";
      }
    }
    phaseOf.set(id, label);
    return label;
  };
  const out = new Map<string, number>();
  const weight = sampleWeight(p);
  p.samples.forEach((id) => {
    const label = classify(id);
    out.set(label, (out.get(label) ?? 0) + weight);
  });
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [file, top, filter] = process.argv.slice(2);
  if (!file) {
    console.error("usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [filter]");
    process.exit(2);
  }
  console.log(summarise(file, Number(top ?? 25), filter ?? ""));
}
