// report.html: one self-contained page (inline CSS and SVG, images as the URIs found in the data) that a person
// can read without any tool: what was compared, the spectrum, and for each mode the samples that define it.

type Meta = Record<string, string | number | boolean | null>;

interface ReportSample {
  rank: number;
  id: string;
  score: number;
  metadata: Meta;
}

interface ReportMode {
  /** "+1".."+k" (X clusters more than Y) or "-1".."-k" (Y clusters more than X) */
  mode: string;
  eigenvalue: number;
  samples: ReportSample[];
}

interface ReportInput {
  title: string;
  xName: string;
  yName: string;
  facts: [string, string][];
  positive: number[];
  negative: number[];
  specDiff: { two_sided: number; x_minus_y: number; y_minus_x: number };
  diagnostics: [string, string][];
  modes: ReportMode[];
  imageColumn?: string;
  labelColumn?: string;
  samplesShown: number;
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const fmt = (v: number, digits = 4): string =>
  Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(digits) : v.toExponential(2);

/** Bar chart of the positive (blue, X-Y) and negative (orange, Y-X) eigenvalues, by mode. */
const spectrumSvg = (positive: number[], negative: number[]): string => {
  const bars = positive.map((v, i) => ({ label: `+${i + 1}`, v: v }))
    .concat(negative.map((v, i) => ({ label: `-${i + 1}`, v: v })));
  const W = 760;
  const H = 260;
  const pad = 40;
  const maxAbs = Math.max(1e-12, ...bars.map((b) => Math.abs(b.v)));
  const zeroY = H / 2;
  const scale = (H / 2 - pad / 2) / maxAbs;
  const bw = (W - 2 * pad) / Math.max(1, bars.length);
  const rects = bars.map((b, i) => {
    const h = Math.abs(b.v) * scale;
    const y = b.v >= 0 ? zeroY - h : zeroY;
    const x = pad + i * bw + 2;
    const colour = b.label.startsWith("+") ? "#2f6db5" : "#d9822b";
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>mode ${b.label}: ${fmt(b.v, 6)}</title></rect>` +
      `<text x="${(x + (bw - 4) / 2).toFixed(1)}" y="${(b.v >= 0 ? zeroY + 14 : zeroY - 5).toFixed(1)}" font-size="10" text-anchor="middle">${b.label}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="eigenvalue spectrum">` +
    `<line x1="${pad}" y1="${zeroY}" x2="${W - pad}" y2="${zeroY}" stroke="#444"/>` +
    `<text x="4" y="${pad / 2 + 4}" font-size="11">${fmt(maxAbs)}</text>` +
    `<text x="4" y="${H - pad / 2}" font-size="11">${fmt(-maxAbs)}</text>` +
    rects.join("") + `</svg>`;
};

const labelSummary = (samples: ReportSample[], labelColumn: string): string => {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = String(s.metadata[labelColumn]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = Array.from(counts.entries()).sort((a, b) => b[1] - a[1]);
  return `<p class="labels">${esc(labelColumn)} among the top ${samples.length}: ` +
    rows.map((r) => `<b>${esc(r[0])}</b> ${r[1]} (${Math.round((100 * r[1]) / samples.length)}%)`).join(", ") + `</p>`;
};

const modeSection = (m: ReportMode, input: ReportInput): string => {
  const side = m.mode.startsWith("+")
    ? `a group that <b>${esc(input.xName)}</b> clusters more strongly than ${esc(input.yName)}`
    : `a group that <b>${esc(input.yName)}</b> clusters more strongly than ${esc(input.xName)}`;
  const shown = m.samples.slice(0, input.samplesShown);
  const img = input.imageColumn;
  const lab = input.labelColumn;
  const gallery = img
    ? `<div class="gallery">` + shown.map((s) =>
      `<figure><img src="${esc(s.metadata[img] ?? "")}" alt="${esc(s.id)}" loading="eager">` +
      `<figcaption>${esc(lab ? s.metadata[lab] : s.id)}</figcaption></figure>`).join("") + `</div>`
    : "";
  const metaCols = Object.keys(m.samples[0]?.metadata ?? {}).filter((c) => c !== img);
  const table = `<table><thead><tr><th>rank</th><th>id</th><th>score</th>` +
    metaCols.map((c) => `<th>${esc(c)}</th>`).join("") + `</tr></thead><tbody>` +
    shown.map((s) => `<tr><td>${s.rank}</td><td>${esc(s.id)}</td><td>${fmt(s.score, 5)}</td>` +
      metaCols.map((c) => `<td>${esc(s.metadata[c])}</td>`).join("") + `</tr>`).join("") +
    `</tbody></table>`;
  return `<section class="mode" id="mode${esc(m.mode)}"><h3>Mode ${esc(m.mode)} &mdash; eigenvalue ${fmt(m.eigenvalue, 5)}</h3>` +
    `<p>${side}. Samples are ranked by their membership score in this mode.</p>` +
    (lab && m.samples.length ? labelSummary(m.samples, lab) : "") + gallery +
    `<details${img ? "" : " open"}><summary>top ${shown.length} samples</summary>${table}</details></section>`;
};

const renderReport = (input: ReportInput): string => {
  const factRows = input.facts.map((f) => `<tr><th>${esc(f[0])}</th><td>${esc(f[1])}</td></tr>`).join("");
  const diagRows = input.diagnostics.map((f) => `<tr><th>${esc(f[0])}</th><td>${esc(f[1])}</td></tr>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:16px;margin-bottom:4px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
.facts th{background:#f5f5f5;width:240px}.gallery{display:flex;flex-wrap:wrap;gap:6px}
figure{margin:0;text-align:center;font-size:11px}figure img{width:56px;height:56px;image-rendering:pixelated;border:1px solid #ccc}
.mode{border-left:4px solid #ccc;padding-left:12px;margin:18px 0}.labels{font-size:13px}
.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p>SPEC compares two embeddings of the same samples: <b>X = ${esc(input.xName)}</b> and <b>Y = ${esc(input.yName)}</b>.
A positive eigenvalue of &Lambda; = (K<sub>X</sub> &minus; &eta; K<sub>Y</sub>)/n marks a group of samples that X clusters and Y does not;
a negative one, the reverse. Its size is about the fraction of samples in that group.</p>
<h2>Run</h2><table class="facts">${factRows}</table>
<h2>Spectrum</h2>
<p class="key"><span style="background:#2f6db5"></span>X&minus;Y modes (+k)<span style="background:#d9822b"></span>Y&minus;X modes (&minus;k)</p>
${spectrumSvg(input.positive, input.negative)}
<table class="facts">
<tr><th>SPEC-diff, two-sided (max |&lambda;|)</th><td>${fmt(input.specDiff.two_sided, 6)}</td></tr>
<tr><th>SPEC-diff, X&minus;Y (&lambda;<sub>max</sub>)</th><td>${fmt(input.specDiff.x_minus_y, 6)}</td></tr>
<tr><th>SPEC-diff, Y&minus;X (&minus;&lambda;<sub>min</sub>)</th><td>${fmt(input.specDiff.y_minus_x, 6)}</td></tr>
${diagRows}
</table>
<h2>Modes</h2>
${input.modes.map((m) => modeSection(m, input)).join("\n")}
<script>
// Records how many images decoded, so an automated check (headless Chromium) can see a broken gallery.
addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  document.body.dataset.imagesTotal = String(imgs.length);
  document.body.dataset.imagesDecoded = String(imgs.filter(function (i) { return i.naturalWidth > 0; }).length);
});
</script>
</body></html>
`;
};

export { renderReport, ReportInput, ReportMode, ReportSample };
