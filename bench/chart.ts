/** A hand-written SVG of the fan-out p99 and server-CPU figures: grouped bars, one colour per server. */
import { LABELS, TARGETS, type TargetName } from "./lib/targets";
import type { Report } from "./results";

const COLORS: Record<TargetName, string> = { ours: "#2563eb", yws: "#9ca3af", hocuspocus: "#f59e0b" };

interface Panel {
  title: string;
  unit: string;
  groups: { label: string; values: Partial<Record<TargetName, number>> }[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function niceMax(v: number): number {
  if (!Number.isFinite(v) || v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function panel(p: Panel, x0: number, y0: number, w: number, h: number, targets: TargetName[]): string {
  const out: string[] = [];
  const top = y0 + 28;
  const bottom = y0 + h - 36;
  const left = x0 + 44;
  const right = x0 + w - 8;
  const all = p.groups.flatMap((g) => targets.map((t) => g.values[t] ?? Number.NaN)).filter(Number.isFinite);
  const max = niceMax(Math.max(0, ...all));
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  out.push(`<text x="${x0 + w / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="600">${esc(p.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push(`<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10" fill="#6b7280">${fmt(v)}</text>`);
  }
  out.push(
    `<text x="${x0 + 10}" y="${(top + bottom) / 2}" font-size="10" fill="#6b7280" transform="rotate(-90 ${x0 + 10} ${(top + bottom) / 2})" text-anchor="middle">${esc(p.unit)}</text>`,
  );
  const gw = (right - left) / p.groups.length;
  const bw = Math.min(34, (gw - 16) / targets.length);
  p.groups.forEach((g, gi) => {
    const gx = left + gi * gw + (gw - bw * targets.length) / 2;
    targets.forEach((t, ti) => {
      const v = g.values[t];
      const bx = gx + ti * bw;
      if (v === undefined || !Number.isFinite(v)) {
        out.push(
          `<text x="${bx + bw / 2}" y="${bottom - 4}" text-anchor="middle" font-size="9" fill="#9ca3af">n/a</text>`,
        );
        return;
      }
      out.push(
        `<rect x="${bx + 1}" y="${y(v)}" width="${bw - 2}" height="${Math.max(0, bottom - y(v))}" fill="${COLORS[t]}"><title>${esc(`${LABELS[t]}: ${fmt(v)} ${p.unit}`)}</title></rect>`,
      );
      out.push(`<text x="${bx + bw / 2}" y="${y(v) - 3}" text-anchor="middle" font-size="9">${fmt(v)}</text>`);
    });
    out.push(
      `<text x="${left + gi * gw + gw / 2}" y="${bottom + 14}" text-anchor="middle" font-size="11">${esc(g.label)}</text>`,
    );
  });
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#374151"/>`);
  return out.join("\n");
}

export function renderChart(report: Report): string {
  const targets = TARGETS.filter((t) => report.meta.targets.includes(t));
  const fig = (key: string) => report.figures.find((f) => f.key === key)?.values ?? {};
  const panels: Panel[] = [
    {
      title: "Fan-out p99 (change → every other client)",
      unit: "ms",
      groups: report.config.fanoutNs.map((n) => ({ label: `N = ${n}`, values: fig(`fanout_p99_n${n}`) })),
    },
    {
      title: "CPU per delivered msg",
      unit: "µs",
      groups: report.config.fanoutNs.map((n) => ({ label: `N = ${n}`, values: fig(`cpu_us_per_delivered_n${n}`) })),
    },
    {
      title: "CPU per inbound update",
      unit: "µs",
      groups: report.config.fanoutNs.map((n) => ({ label: `N = ${n}`, values: fig(`cpu_us_per_inbound_n${n}`) })),
    },
  ];
  const widths = [420, 300, 300];
  const W = widths.reduce((a, b) => a + b, 0) + 20;
  const H = 330;
  const parts: string[] = [];
  let x = 10;
  panels.forEach((p, i) => {
    parts.push(panel(p, x, 10, widths[i], 270, targets));
    x += widths[i];
  });
  let lx = 60;
  for (const t of targets) {
    parts.push(
      `<rect x="${lx}" y="${H - 38}" width="12" height="12" fill="${COLORS[t]}"/><text x="${lx + 16}" y="${H - 28}" font-size="12">${esc(LABELS[t])}</text>`,
    );
    lx += 130;
  }
  const m = report.meta.machine;
  parts.push(
    `<text x="${W - 10}" y="${H - 10}" text-anchor="end" font-size="10" fill="#6b7280">${esc(`${report.meta.mode} run, median of ${report.config.repeats}; ${m.cores}× ${m.cpu}; Node ${m.node}; ${report.meta.startedAt.slice(0, 10)}`)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
${parts.join("\n")}
</svg>
`;
}
