// report.html as a person meets it: rendered by real headless Chromium (Debian `chromium`), every image decoded,
// every mode present, the page screenshot non-trivial.
import { strict as assert } from "node:assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "./io-helpers";
import { renderReport, ReportInput } from "../report/html";
import { encodeGrayPng, pngDataUri } from "../report/png";
import { modeDigests } from "../report/mode-digest";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const chromiumFlags = (dir: string): string[] => [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  `--user-data-dir=${path.join(dir, "profile")}`, "--virtual-time-budget=5000",
];

const gradient = (seed: number): number[] => Array.from({ length: 64 }, (_, i) => ((i * seed) % 64) / 63);

const sampleInput = (): ReportInput => ({
  title: "test report <script>alert(1)</script>",
  xName: "pixels",
  yName: "fourier",
  n: 12,
  digests: modeDigests(["+1", "+2", "-1", "-2"], [0.05, 0.02, -0.04, -0.01], 12, undefined),
  advice: [{ level: "ok", text: "fine" }],
  facts: [["samples (n)", "12"]],
  positive: [0.05, 0.02],
  negative: [-0.04, -0.01],
  specDiff: { two_sided: 0.05, x_minus_y: 0.05, y_minus_x: 0.04 },
  diagnostics: [["trace(Gamma) vs 1 - eta", "0 vs 0"]],
  modes: ["+1", "+2", "-1", "-2"].map((m, j) => ({
    mode: m,
    eigenvalue: [0.05, 0.02, -0.04, -0.01][j],
    samples: [0, 1, 2].map((i) => ({ rank: i + 1, id: `id-${m}-${i}`, score: 0.3 - 0.1 * i,
      metadata: { label: i === 2 ? "b" : "a", image: pngDataUri(encodeGrayPng(gradient(i + j + 1), 8, 8)) } })),
  })),
  imageColumn: "image",
  labelColumn: "label",
  samplesShown: 16,
});

describe("report.html", function () {
  this.timeout(120000);
  let dir = "";
  before(() => {
    dir = makeTempDir("report");
  });
  after(() => removeDir(dir));

  it("escapes user text, lists every mode, and summarises labels per mode", () => {
    const html = renderReport(sampleInput());
    assert.ok(!html.includes("<script>alert(1)</script>"));
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for (const m of ["+1", "+2", "-1", "-2"]) assert.ok(html.includes(`Mode ${m} &mdash;`), m);
    assert.ok(html.includes("<b>a</b> 2 (67%)"));
    assert.equal((html.match(/<rect class="bar" /g) ?? []).length, 4, "one bar per eigenvalue");
  });

  it("a text column becomes cards in each mode's gallery, escaped, the rest behind a click", () => {
    const input = sampleInput();
    for (const m of input.modes) m.samples.forEach((x, i) => { x.metadata.caption = `a <b>cat</b> number ${i}`; });
    const html = renderReport({ ...input, imageColumn: undefined, textColumn: "caption", samplesShown: 2 });
    assert.equal((html.match(/<div class="card">/g) ?? []).length, 4 * 3);
    assert.ok(html.includes("a &lt;b&gt;cat&lt;/b&gt; number 0"));
    assert.equal((html.match(/<summary>1 more \(top 3\)<\/summary>/g) ?? []).length, 4);
    // the caption is in the cards, not repeated as a table column
    assert.ok(!html.includes("<th>caption</th>"));
  });

  it("renders in headless Chromium with every image decoded", () => {
    const file = path.join(dir, "report.html");
    fs.writeFileSync(file, renderReport(sampleInput()));
    const dom = execFileSync(CHROMIUM, [...chromiumFlags(dir), "--dump-dom", `file://${file}`],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60000 });
    const total = /data-images-total="(\d+)"/.exec(dom);
    const decoded = /data-images-decoded="(\d+)"/.exec(dom);
    assert.ok(total && decoded, "the page's load handler did not run");
    assert.equal(Number(total[1]), 12);
    assert.equal(Number(decoded[1]), 12);
  });

  it("screenshots to a non-blank PNG", () => {
    const file = path.join(dir, "report.html");
    fs.writeFileSync(file, renderReport(sampleInput()));
    const shot = path.join(dir, "shot.png");
    execFileSync(CHROMIUM, [...chromiumFlags(dir), `--screenshot=${shot}`, "--window-size=1000,1400", `file://${file}`],
      { stdio: "ignore", timeout: 60000 });
    const png = fs.readFileSync(shot);
    assert.equal(png.readUInt32BE(16), 1000);
    assert.ok(png.length > 20000, `screenshot only ${png.length} bytes`);
  });
});
