// The history's trend report: SPEC-diff (and kernel CKA) of each compared pair over time, one line per pair, and
// every recorded run in a table linking to its report. Self-contained (inline SVG), like report.html.
import { esc } from "./html";

interface TrendRun {
  when: string;
  pair: string;
  specDiff: number;
  cka: number | null;
  out: string;
  configHash: string;
  n: number;
}


const COLOURS = ["#2f6db5", "#d9822b", "#2ca02c", "#9467bd", "#d62728", "#17becf", "#8c564b", "#bcbd22"];

/** One line chart: value(run) against time, a line and dots per pair. */
const lineChart = (runs: TrendRun[], pairs: string[], value: (r: TrendRun) => number | null, title: string): string => {
  const W = 900;
  const H = 300;
  const left = 70;
  const pad = 30;
  const pts = runs.map((r) => ({ t: Date.parse(r.when), v: value(r), p: r.pair })).filter((q) => q.v !== null && Number.isFinite(q.v));
  if (pts.length === 0) return "";
  const t0 = Math.min(...pts.map((q) => q.t));
  const t1 = Math.max(...pts.map((q) => q.t));
  const vMax = Math.max(...pts.map((q) => q.v as number)) * 1.1 || 1;
  const x = (t: number): number => left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - left - pad);
  const y = (v: number): number => H - pad - (v / vMax) * (H - 2 * pad);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line x1="${left}" x2="${W - pad}" y1="${y(f * vMax)}" y2="${y(f * vMax)}" stroke="#e3e3e3"/>` +
    `<text x="${left - 6}" y="${y(f * vMax) + 4}" font-size="11" text-anchor="end">${(f * vMax).toPrecision(3)}</text>`).join("");
  const lines = pairs.map((p, i) => {
    const mine = pts.filter((q) => q.p === p).sort((a, b) => a.t - b.t);
    const c = COLOURS[i % COLOURS.length];
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${mine.map((q) => `${x(q.t).toFixed(1)},${y(q.v as number).toFixed(1)}`).join(" ")}"/>` +
      mine.map((q) => `<circle class="run" cx="${x(q.t).toFixed(1)}" cy="${y(q.v as number).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(p)}: ${(q.v as number).toPrecision(4)}</title></circle>`).join("");
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="trend">` +
    `${grid}<text transform="translate(14 ${H / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(title)}</text>` +
    `<text x="${left}" y="${H - 8}" font-size="11">${esc(new Date(t0).toISOString())}</text>` +
    `<text x="${W - pad}" y="${H - 8}" font-size="11" text-anchor="end">${esc(new Date(t1).toISOString())}</text>${lines}</svg>`;
};

const renderTrend = (source: string, runs: TrendRun[]): string => {
  const pairs = Array.from(new Set(runs.map((r) => r.pair)));
  const legend = pairs.map((p, i) => `<span style="background:${COLOURS[i % COLOURS.length]}"></span>${esc(p)}`).join("");
  const rows = runs.map((r) => `<tr><td>${esc(r.when)}</td><td>${esc(r.pair)}</td><td>${r.specDiff.toFixed(5)}</td>` +
    `<td>${r.cka === null ? "" : r.cka.toFixed(4)}</td><td>${r.n}</td><td>${esc(r.configHash)}</td>` +
    `<td><a href="${esc(r.out.replace(/\/$/, ""))}/report.html">${esc(r.out)}</a></td></tr>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>spec-beam history</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f5f5f5}
.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
</style></head><body>
<h1>spec-beam history: ${runs.length} runs of ${pairs.length} pair(s)</h1>
<p>From ${esc(source)}. SPEC-diff is the largest |eigenvalue| of (K_X &minus; &eta; K_Y)/n: how much of a group one
embedding clusters and the other does not (0: no such group). Kernel CKA is the pair's similarity (1: the same geometry).</p>
<p class="key">${legend}</p>
<h2>SPEC-diff over time</h2>
${lineChart(runs, pairs, (r) => r.specDiff, "SPEC-diff")}
<h2>Kernel CKA over time</h2>
${lineChart(runs, pairs, (r) => r.cka, "kernel CKA")}
<h2>Runs</h2>
<table><tr><th>when</th><th>pair</th><th>SPEC-diff</th><th>CKA</th><th>n</th><th>config hash</th><th>report</th></tr>${rows}</table>
</body></html>
`;
};

export { renderTrend, TrendRun };
