// report.html: one self-contained page (inline CSS and SVG, images as the URIs found in the data) that a person
// can read without any tool: at the top what differs (a sentence and one row per mode), then the spectrum, the
// checks in words, and for each mode how tight its samples are under each kernel and which samples they are.
import type { ModeDigest } from "./mode-digest";
import type { Advice } from "./advice";

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

/** Mean pairwise kernel similarity of a mode's top samples under each kernel (method/tightness.ts). */
interface Tightness {
  x: number;
  y: number;
}

/** One sampled row on the maps: its coordinates under X and Y and its strongest mode (null: none). */
interface MapRow {
  x: [number, number];
  y: [number, number];
  mode: string | null;
}

interface ReportInput {
  title: string;
  /** the map's sample (absent: no maps) and the variance along each side's two axes */
  map?: { rows: MapRow[]; xVariance: number[]; yVariance: number[] };
  xName: string;
  yName: string;
  n: number;
  digests: ModeDigest[];
  /** per mode; absent when not computed (pairing by_id) */
  tightness?: Record<string, Tightness>;
  /** the same for random samples: the baseline */
  tightnessRandom?: Tightness;
  /** how many top samples and random samples the tightness used */
  tightnessCounts?: { top: number; random: number };
  advice: Advice[];
  /** kernel CKA of the pair (absent for the exact method) */
  cka?: number;
  facts: [string, string][];
  positive: number[];
  negative: number[];
  specDiff: { two_sided: number; x_minus_y: number; y_minus_x: number };
  diagnostics: [string, string][];
  modes: ReportMode[];
  imageColumn?: string;
  labelColumn?: string;
  /** text (captions, titles) drawn as cards in the gallery */
  textColumn?: string;
  samplesShown: number;
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const fmt = (v: number, digits = 4): string =>
  Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(digits) : v.toExponential(2);

/** The id of a mode's section: "mode-p1" for +1, "mode-n1" for -1 (no "+" in fragments). */
const anchor = (mode: string): string => `mode-${mode[0] === "+" ? "p" : "n"}${mode.slice(1)}`;

/** Round tick values covering [-max, max], two or three on each side of zero. */
const ticks = (max: number): number[] => {
  const raw = max / 3;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * p).find((s) => s >= raw) as number;
  const out: number[] = [];
  for (let v = -Math.floor(max / step) * step; v <= max + 1e-15; v += step) out.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return out;
};

/**
 * Bar chart of the positive (blue, X-Y) and negative (orange, Y-X) eigenvalues, by mode: a titled, gridded y axis,
 * each bar's value printed on it, each bar a link to its mode's section.
 */
const spectrumSvg = (positive: number[], negative: number[]): string => {
  const bars = positive.map((v, i) => ({ label: `+${i + 1}`, v: v }))
    .concat(negative.map((v, i) => ({ label: `-${i + 1}`, v: v })));
  const W = 900;
  const H = 300;
  const left = 78;
  const right = 12;
  const pad = 24;
  const maxAbs = Math.max(1e-12, ...bars.map((b) => Math.abs(b.v)));
  const zeroY = H / 2;
  const scale = (H / 2 - pad) / maxAbs;
  const bw = (W - left - right) / Math.max(1, bars.length);
  const grid = ticks(maxAbs).map((t) => {
    const y = zeroY - t * scale;
    return `<line x1="${left}" y1="${y.toFixed(1)}" x2="${W - right}" y2="${y.toFixed(1)}" stroke="${t === 0 ? "#444" : "#e3e3e3"}"/>` +
      `<text x="${left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(t, 3)}</text>`;
  });
  const rects = bars.map((b, i) => {
    const h = Math.abs(b.v) * scale;
    const y = b.v >= 0 ? zeroY - h : zeroY;
    const x = left + i * bw + 3;
    const w = Math.max(1, bw - 6);
    const colour = b.label.startsWith("+") ? "#2f6db5" : "#d9822b";
    const valueY = b.v >= 0 ? y - 4 : y + h + 12;
    return `<a href="#${anchor(b.label)}"><rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" ` +
      `height="${h.toFixed(1)}" fill="${colour}"><title>mode ${b.label}: ${fmt(b.v, 6)}</title></rect>` +
      `<text x="${(x + w / 2).toFixed(1)}" y="${valueY.toFixed(1)}" font-size="10" text-anchor="middle">${fmt(b.v, 3)}</text>` +
      `<text x="${(x + w / 2).toFixed(1)}" y="${(b.v >= 0 ? zeroY + 13 : zeroY - 5).toFixed(1)}" font-size="11" ` +
      `text-anchor="middle" font-weight="bold">${b.label}</text></a>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="eigenvalue spectrum" class="spectrum">` +
    grid.join("") +
    `<text transform="translate(14 ${H / 2}) rotate(-90)" font-size="12" text-anchor="middle">eigenvalue of &Lambda; = (K_X &minus; &eta; K_Y)/n</text>` +
    rects.join("") + `</svg>`;
};

/** Two bars per mode (X, Y) of mean pairwise similarity, with the random-sample baseline as a dashed line each. */
const tightnessSvg = (t: Tightness, base: Tightness, xName: string, yName: string): string => {
  const W = 420;
  const rowH = 26;
  const left = 110;
  const width = W - left - 60;
  const rows = [{ name: xName, v: t.x, b: base.x, c: "#2f6db5" }, { name: yName, v: t.y, b: base.y, c: "#d9822b" }];
  const body = rows.map((r, i) => {
    const y = 6 + i * rowH;
    const w = Math.max(0, Math.min(1, r.v)) * width;
    const bx = left + Math.max(0, Math.min(1, r.b)) * width;
    return `<text x="${left - 6}" y="${y + 14}" font-size="12" text-anchor="end">${esc(r.name)}</text>` +
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${r.c}"/>` +
      `<line x1="${bx.toFixed(1)}" y1="${y - 2}" x2="${bx.toFixed(1)}" y2="${y + 20}" stroke="#222" stroke-dasharray="3,2"/>` +
      `<text x="${(left + w + 4).toFixed(1)}" y="${y + 14}" font-size="11">${r.v.toFixed(3)}</text>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${6 + rows.length * rowH + 16}" role="img" ` +
    `aria-label="tightness" class="tightness">${body}<text x="${left}" y="${6 + rows.length * rowH + 10}" font-size="10" fill="#555">` +
    `0 &mdash; mean pairwise kernel similarity &mdash; 1 (dashed: random samples)</text></svg>`;
};

/** Categorical colours for the modes on the maps (X-side modes first); rows in no mode are light grey. */
const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#17becf", "#8c564b", "#bcbd22", "#d62728", "#ff7f0e", "#e377c2",
  "#7f7f7f", "#aec7e8", "#98df8a", "#c5b0d5", "#9edae5", "#c49c94", "#dbdb8d", "#ff9896", "#ffbb78", "#f7b6d2", "#393b79"];

const modeColour = (modes: string[]) => (m: string | null): string => {
  if (m === null) return "#d0d0d0";
  const i = modes.indexOf(m);
  return i < 0 ? "#d0d0d0" : PALETTE[i % PALETTE.length];
};

/** One side's scatter of the sampled rows on its first two kernel-PCA axes, coloured by strongest mode. */
const scatterSvg = (rows: MapRow[], side: "x" | "y", name: string, variance: number[], colour: (m: string | null) => string): string => {
  const W = 440;
  const H = 420;
  const pad = 34;
  const xs = rows.map((r) => r[side][0]);
  const ys = rows.map((r) => r[side][1]);
  const x0 = Math.min(...xs);
  const xw = Math.max(1e-300, Math.max(...xs) - x0);
  const y0 = Math.min(...ys);
  const yw = Math.max(1e-300, Math.max(...ys) - y0);
  const sx = (v: number): number => pad + ((v - x0) / xw) * (W - 2 * pad);
  const sy = (v: number): number => H - pad - ((v - y0) / yw) * (H - 2 * pad);
  // rows in no mode first, so the groups are drawn on top
  const order = rows.map((_, i) => i).sort((a, b) => Number(rows[a].mode !== null) - Number(rows[b].mode !== null));
  const dots = order.map((i) => {
    const r = rows[i];
    return `<circle cx="${sx(xs[i]).toFixed(1)}" cy="${sy(ys[i]).toFixed(1)}" r="${r.mode === null ? 1.6 : 2.4}" fill="${colour(r.mode)}"` +
      `${r.mode === null ? ' fill-opacity="0.6"' : ""}/>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="map ${side}" class="map">` +
    `<rect x="${pad}" y="${pad / 2}" width="${W - 2 * pad}" height="${H - 1.5 * pad}" fill="none" stroke="#ccc"/>` +
    `<text x="${W / 2}" y="12" font-size="13" text-anchor="middle" font-weight="bold">${esc(name)}</text>` + dots +
    `<text x="${W / 2}" y="${H - 8}" font-size="11" text-anchor="middle">kernel PC 1 (variance ${fmt(variance[0] ?? NaN)})</text>` +
    `<text transform="translate(12 ${H / 2}) rotate(-90)" font-size="11" text-anchor="middle">kernel PC 2 (variance ${fmt(variance[1] ?? NaN)})</text>` +
    `</svg>`;
};

const mapsSection = (input: ReportInput): string => {
  const map = input.map;
  if (!map || map.rows.length === 0) return "";
  const modes = input.digests.map((d) => d.mode);
  const colour = modeColour(modes);
  const counts = new Map<string, number>();
  for (const r of map.rows) if (r.mode !== null) counts.set(r.mode, (counts.get(r.mode) ?? 0) + 1);
  const legend = modes.filter((m) => counts.has(m)).map((m) =>
    `<a href="#${anchor(m)}"><span style="background:${colour(m)}"></span>${esc(m)} (${counts.get(m)})</a>`).join("") +
    `<span style="background:#d0d0d0"></span>in no mode`;
  return `<h2 id="maps">Maps</h2>
<p>${map.rows.length} rows drawn uniformly at random, placed by their first two kernel principal components under each
embedding (the top eigenvectors of the centred feature covariances C<sub>XX</sub> and C<sub>YY</sub>, i.e. kernel PCA;
computed in the score pass for every row: columns map_x1, map_x2, map_y1, map_y2 of scores/*.parquet, and this
sample in map.parquet). Colour: each row's strongest mode (its largest score, when above 2/&radic;n). A group
tight on one side and spread on the other is what a mode measures; two axes show only part of each kernel's
geometry, so a mode's group may also look tight on a side where other directions separate it.</p>
<div class="maps">${scatterSvg(map.rows, "x", `X = ${input.xName}`, map.xVariance, colour)}` +
    `${scatterSvg(map.rows, "y", `Y = ${input.yName}`, map.yVariance, colour)}</div>
<p class="key">${legend}</p>`;
};

/** Each label among the samples with its count, most frequent first (ties: first seen first). */
const labelCounts = (samples: ReportSample[], labelColumn: string): [string, number][] => {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = String(s.metadata[labelColumn]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Array.from(counts.entries()).sort((a, b) => b[1] - a[1]);
};

/** Horizontal bars of the label counts among a mode's top samples (at most 8 labels, the rest summed). */
const labelChart = (samples: ReportSample[], labelColumn: string): string => {
  const sorted = labelCounts(samples, labelColumn);
  const rows = sorted.slice(0, 8);
  const rest = sorted.slice(8).reduce((t, r) => t + r[1], 0);
  if (rest > 0) rows.push([`(${sorted.length - 8} others)`, rest]);
  const W = 420;
  const left = 110;
  const width = W - left - 70;
  const body = rows.map((r, i) => {
    const y = 4 + i * 18;
    const w = (r[1] / samples.length) * width;
    return `<text x="${left - 6}" y="${y + 11}" font-size="11" text-anchor="end">${esc(r[0])}</text>` +
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="13" fill="#7a8a99"/>` +
      `<text x="${(left + w + 4).toFixed(1)}" y="${y + 11}" font-size="11">${r[1]} (${Math.round((100 * r[1]) / samples.length)}%)</text>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${8 + rows.length * 18}" role="img" aria-label="labels" class="labels-chart">${body}</svg>`;
};

const labelSummary = (samples: ReportSample[], labelColumn: string): string => {
  const rows = labelCounts(samples, labelColumn);
  return `<p class="labels">${esc(labelColumn)} among the top ${samples.length}: ` +
    rows.map((r) => `<b>${esc(r[0])}</b> ${r[1]} (${Math.round((100 * r[1]) / samples.length)}%)`).join(", ") + `</p>`;
};

/** Text cards: each sample's text, its rank and (with a label column) its label. */
const textCards = (samples: ReportSample[], text: string, lab: string | undefined): string =>
  `<div class="cards">` + samples.map((s) => `<div class="card"><span class="rank">#${s.rank}</span> ` +
    `${esc(s.metadata[text] ?? "")}${lab ? ` <span class="lab">${esc(s.metadata[lab])}</span>` : ""}</div>`).join("") + `</div>`;

const galleryOf = (samples: ReportSample[], img: string, lab: string | undefined): string =>
  `<div class="gallery">` + samples.map((s) =>
    `<figure><img src="${esc(s.metadata[img] ?? "")}" alt="${esc(s.id)}" loading="eager">` +
    `<figcaption>${esc(lab ? s.metadata[lab] : s.id)}</figcaption></figure>`).join("") + `</div>`;

const tightnessText = (t: Tightness, base: Tightness, input: ReportInput, plus: boolean): string => {
  const a = plus ? input.xName : input.yName;
  const b = plus ? input.yName : input.xName;
  const ta = plus ? t.x : t.y;
  const tb = plus ? t.y : t.x;
  const ba = plus ? base.x : base.y;
  const bb = plus ? base.y : base.x;
  return `<p class="tight">Mean pairwise similarity of the top ${input.tightnessCounts?.top ?? ""} samples: ` +
    `<b>${ta.toFixed(3)}</b> under ${esc(a)} (random samples: ${ba.toFixed(3)}) against <b>${tb.toFixed(3)}</b> under ` +
    `${esc(b)} (random: ${bb.toFixed(3)}).</p>`;
};

const modeSection = (m: ReportMode, input: ReportInput): string => {
  const plus = m.mode.startsWith("+");
  const side = plus
    ? `a group that <b>${esc(input.xName)}</b> clusters more strongly than ${esc(input.yName)}`
    : `a group that <b>${esc(input.yName)}</b> clusters more strongly than ${esc(input.xName)}`;
  const shown = m.samples.slice(0, input.samplesShown);
  const more = m.samples.slice(input.samplesShown);
  const img = input.imageColumn;
  const lab = input.labelColumn;
  const digest = input.digests.find((d) => d.mode === m.mode);
  const txt = input.textColumn;
  const draw = (ss: ReportSample[]): string => (img ? galleryOf(ss, img, lab) : "") + (txt ? textCards(ss, txt, lab) : "");
  const gallery = img || txt
    ? draw(shown) + (more.length > 0
      ? `<details class="more"><summary>${more.length} more (top ${m.samples.length})</summary>${draw(more)}</details>`
      : "")
    : "";
  const metaCols = Object.keys(m.samples[0]?.metadata ?? {}).filter((c) => c !== img && c !== txt);
  const table = `<table><thead><tr><th>rank</th><th>id</th><th>score</th>` +
    metaCols.map((c) => `<th>${esc(c)}</th>`).join("") + `</tr></thead><tbody>` +
    m.samples.map((s) => `<tr><td>${s.rank}</td><td>${esc(s.id)}</td><td>${fmt(s.score, 5)}</td>` +
      metaCols.map((c) => `<td>${esc(s.metadata[c])}</td>`).join("") + `</tr>`).join("") +
    `</tbody></table>`;
  const t = input.tightness?.[m.mode];
  const base = input.tightnessRandom;
  const tight = t && base
    ? `<div class="row">${tightnessSvg(t, base, input.xName, input.yName)}${tightnessText(t, base, input, plus)}</div>` : "";
  const labels = lab && m.samples.length ? labelSummary(m.samples, lab) + labelChart(m.samples, lab) : "";
  return `<section class="mode" id="${anchor(m.mode)}"><h3>Mode ${esc(m.mode)} &mdash; eigenvalue ${fmt(m.eigenvalue, 5)}</h3>` +
    `<p>${side}: about ${digest ? digest.group_size_estimate : Math.round(Math.abs(m.eigenvalue) * input.n)} samples ` +
    `(|eigenvalue| &times; n).</p>` + tight + labels + gallery +
    `<details${img || txt ? "" : " open"}><summary>top ${m.samples.length} samples (table)</summary>${table}</details></section>`;
};

/** "X clusters a group of about N samples that Y does not ..." for the strongest mode of each side. */
const headline = (input: ReportInput): string => {
  const part = (d: ModeDigest | undefined, a: string, b: string): string => {
    if (!d) return `${esc(b)} clusters no group that ${esc(a)} does not (no mode of this sign)`;
    const label = d.dominant_label !== null && d.dominant_share !== null
      ? `, ${Math.round(100 * d.dominant_share)}% of its top samples labelled &ldquo;${esc(d.dominant_label)}&rdquo;` : "";
    return `<b>${esc(a)}</b> clusters a group of about <b>${d.group_size_estimate}</b> samples that ${esc(b)} does not ` +
      `(<a href="#${anchor(d.mode)}">mode ${esc(d.mode)}</a>, eigenvalue ${fmt(d.eigenvalue)}${label})`;
  };
  const pos = input.digests.find((d) => d.mode === "+1");
  const neg = input.digests.find((d) => d.mode === "-1");
  return `<p class="headline">${part(pos, input.xName, input.yName)}; ${part(neg, input.yName, input.xName)}. ` +
    `SPEC-diff (the largest |eigenvalue|) is <b>${fmt(input.specDiff.two_sided)}</b> over ${input.n} samples.</p>`;
};

const summaryTable = (input: ReportInput): string => {
  const hasLabels = input.digests.some((d) => d.dominant_label !== null);
  const t = input.tightness;
  const head = `<tr><th>mode</th><th>clustered by</th><th>eigenvalue</th><th>about how many samples</th>` +
    (hasLabels ? `<th>dominant label (share of top)</th>` : "") +
    (t ? `<th>tightness ${esc(input.xName)}</th><th>tightness ${esc(input.yName)}</th>` : "") + `</tr>`;
  const rows = input.digests.map((d) => {
    const tt = t?.[d.mode];
    return `<tr><td><a href="#${anchor(d.mode)}">${esc(d.mode)}</a></td>` +
      `<td>${esc(d.mode.startsWith("+") ? input.xName : input.yName)}</td><td>${fmt(d.eigenvalue)}</td>` +
      `<td>${d.group_size_estimate}</td>` +
      (hasLabels ? `<td>${d.dominant_label === null ? "" : `${esc(d.dominant_label)} (${Math.round(100 * (d.dominant_share ?? 0))}%)`}</td>` : "") +
      (t ? `<td>${tt ? tt.x.toFixed(3) : ""}</td><td>${tt ? tt.y.toFixed(3) : ""}</td>` : "") + `</tr>`;
  }).join("");
  const baseline = t && input.tightnessRandom
    ? `<p class="note">Tightness: mean pairwise kernel similarity of a mode's top ${input.tightnessCounts?.top} samples ` +
      `(exact kernels); random samples give ${input.tightnessRandom.x.toFixed(3)} under ${esc(input.xName)} and ` +
      `${input.tightnessRandom.y.toFixed(3)} under ${esc(input.yName)} (${input.tightnessCounts?.random} samples).</p>`
    : "";
  return `<table class="summary" id="summary">${head}${rows}</table>${baseline}`;
};

const adviceList = (advice: Advice[]): string =>
  `<ul class="advice">` + advice.map((a) => `<li class="${a.level}">${a.level === "warn" ? "&#9888; " : "&#10003; "}` +
    `${esc(a.text)}</li>`).join("") + `</ul>`;

const renderReport = (input: ReportInput): string => {
  const factRows = input.facts.map((f) => `<tr><th>${esc(f[0])}</th><td>${esc(f[1])}</td></tr>`).join("");
  const diagRows = input.diagnostics.map((f) => `<tr><th>${esc(f[0])}</th><td>${esc(f[1])}</td></tr>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:16px;margin-bottom:4px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
.facts th{background:#f5f5f5;width:240px}.summary th{background:#f5f5f5}.gallery{display:flex;flex-wrap:wrap;gap:6px}
figure{margin:0;text-align:center;font-size:11px}figure img{width:56px;height:56px;image-rendering:pixelated;border:1px solid #ccc}
.mode{border-left:4px solid #ccc;padding-left:12px;margin:18px 0}.labels,.tight,.note{font-size:13px}
.headline{font-size:15px;background:#f3f6fa;padding:10px 12px;border-radius:4px}
.advice li{margin:4px 0;font-size:13px}.row svg{flex:none}.cards{display:flex;flex-direction:column;gap:4px;font-size:13px}.card{border:1px solid #ddd;padding:4px 8px;border-radius:3px}.card .rank{color:#888}.card .lab{background:#eef;padding:0 4px;border-radius:2px;font-size:11px}.advice li.warn{color:#8a4b00}.row{display:flex;gap:16px;align-items:center}
.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
svg a:hover rect{opacity:.8}.maps{display:flex;gap:8px;flex-wrap:wrap}.key a{color:inherit;text-decoration:none}
</style></head><body>
<h1>${esc(input.title)}</h1>
${headline(input)}
<h2>Summary</h2>
${summaryTable(input)}
${mapsSection(input)}
<h2>Spectrum</h2>
<p>SPEC compares two embeddings of the same samples: <b>X = ${esc(input.xName)}</b> and <b>Y = ${esc(input.yName)}</b>.
A positive eigenvalue of &Lambda; = (K<sub>X</sub> &minus; &eta; K<sub>Y</sub>)/n marks a group of samples that X clusters and Y does not;
a negative one, the reverse. Its size is about the fraction of samples in that group. Click a bar to open its mode.</p>
<p class="key"><span style="background:#2f6db5"></span>X&minus;Y modes (+k)<span style="background:#d9822b"></span>Y&minus;X modes (&minus;k)</p>
${spectrumSvg(input.positive, input.negative)}
<table class="facts">
<tr><th>SPEC-diff, two-sided (max |&lambda;|)</th><td>${fmt(input.specDiff.two_sided, 6)}</td></tr>
<tr><th>SPEC-diff, X&minus;Y (&lambda;<sub>max</sub>)</th><td>${fmt(input.specDiff.x_minus_y, 6)}</td></tr>
<tr><th>SPEC-diff, Y&minus;X (&minus;&lambda;<sub>min</sub>)</th><td>${fmt(input.specDiff.y_minus_x, 6)}</td></tr>
${input.cka === undefined ? "" : `<tr><th>kernel CKA (1 = the same geometry, 0 = unrelated)</th><td>${fmt(input.cka, 4)}</td></tr>`}
</table>
<h2 id="diagnostics">Diagnostics</h2>
${adviceList(input.advice)}
<table class="facts">${diagRows}</table>
<h2>Modes</h2>
<p class="note">How to read a mode: each sample's score is its entry in the mode's unit eigenvector of &Lambda; (scores/*.parquet,
one column per mode). Samples with large positive scores form the group; a score near 0 means the sample is not part of it.
Squared scores sum to 1 over all samples, so a group of g samples has scores near 1/&radic;g.</p>
${input.modes.map((m) => modeSection(m, input)).join("\n")}
<h2>Run</h2><table class="facts">${factRows}</table>
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

export { renderReport, esc, ReportInput, ReportMode, ReportSample, Tightness, MapRow };
