// The demo's report as a person meets it, in real headless Chromium (Debian `chromium`, driven by playwright-core):
// no console errors, every section present, the maps, charts and tightness contrast drawn, the advice written,
// every internal link resolving, every image decoded, and a screenshot left as a test artifact
// (test-artifacts/report-demo.png, or $SPEC_BEAM_ARTIFACTS).
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { chromium, Browser, Page } from "playwright-core";
import { runDemo } from "../pipelines/demo";
import { makeTempDir, removeDir } from "./io-helpers";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = process.env.SPEC_BEAM_ARTIFACTS ?? path.join(__dirname, "..", "..", "test-artifacts");

describe("the demo's report in headless Chromium", function () {
  this.timeout(300000);
  let dir = "";
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let summary: { modes_digest: { mode: string }[]; n: number } = { modes_digest: [], n: 0 };

  before(async () => {
    dir = makeTempDir("report-demo");
    const res = await runDemo(path.join(dir, "demo"), "direct", { progress: false });
    summary = JSON.parse(fs.readFileSync(path.join(res.outDir, "summary.json"), "utf8"));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1050, height: 1400 } });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) errors.push(`network request: ${r.url()}`);
    });
    await page.goto(`file://${res.report}`, { waitUntil: "load" });
  });
  after(async () => {
    await browser?.close();
    removeDir(dir);
  });

  it("loads without console errors or network requests", () => {
    assert.deepEqual(errors, []);
  });

  it("has every section, a summary row and a section per mode, and a headline naming both sides", async () => {
    const h2 = await page.$$eval("h2", (els) => els.map((e) => e.textContent));
    assert.deepEqual(h2, ["Summary", "Maps", "Spectrum", "Diagnostics", "Modes", "Run"]);
    const modes = summary.modes_digest.map((d) => d.mode);
    assert.equal(modes.length, 12);
    const rows = await page.$$eval("table.summary tr td:first-child a", (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows, modes);
    const headline = await page.$eval("p.headline", (e) => e.textContent ?? "");
    assert.match(headline, /pixels clusters a group of about \d+ samples that fourier does not/);
    assert.match(headline, /fourier clusters a group of about \d+ samples that pixels does not/);
    for (const m of modes) assert.ok(await page.$(`section#mode-${m[0] === "+" ? "p" : "n"}${m.slice(1)}`), m);
  });

  it("draws the maps, the spectrum, the tightness contrast and the label charts", async () => {
    const dots = await page.$$eval("svg.map", (els) => els.map((e) => e.querySelectorAll("circle").length));
    assert.deepEqual(dots, [3000, 3000]);
    const coloured = await page.$$eval("svg.map circle", (els) => els.filter((e) => e.getAttribute("fill") !== "#d0d0d0").length);
    assert.ok(coloured > 600, `${coloured} dots in a mode`);
    assert.equal(await page.$$eval("svg.spectrum rect.bar", (els) => els.length), 12);
    const grid = await page.$$eval("svg.spectrum line", (els) => els.length);
    assert.ok(grid >= 3, `${grid} grid lines`);
    assert.equal(await page.$$eval("svg.tightness", (els) => els.length), 12);
    assert.equal(await page.$$eval("svg.labels-chart", (els) => els.length), 12);
    // the contrast is there: mode +1's group is tighter under pixels (X), mode -1's under fourier (Y)
    const t = await page.$$eval("p.tight", (els) => els.map((e) => e.textContent ?? ""));
    assert.equal(t.length, 12);
    const nums = (s: string): number[] => Array.from(s.matchAll(/<?(\d\.\d{3})/g)).map((m) => Number(m[1]));
    const first = nums(t[0]);
    assert.ok(first[0] > first[2], t[0]);
  });

  it("writes the advice in words: bandwidths, random-feature error, trace", async () => {
    const advice = await page.$$eval("ul.advice li", (els) => els.map((e) => e.textContent ?? ""));
    assert.ok(advice.some((a) => /X \(pixels\): sigma = [\d.]+ looks sensible|X \(pixels\): the top eigenvalue/.test(a)), advice.join("\n"));
    assert.ok(advice.some((a) => /random(-| )feature/.test(a)), advice.join("\n"));
    assert.ok(advice.some((a) => /trace\(Gamma\)/.test(a)), advice.join("\n"));
  });

  it("resolves every internal link, and a spectrum bar opens its mode", async () => {
    const broken = await page.$$eval("a[href^='#']", (els) =>
      els.map((e) => (e.getAttribute("href") ?? "").slice(1)).filter((id) => !document.getElementById(id)));
    assert.deepEqual(broken, []);
    await page.click("svg.spectrum a[href='#mode-n1'] rect");
    assert.equal(await page.evaluate(() => location.hash), "#mode-n1");
  });

  it("decodes every image and leaves a full-page screenshot", async () => {
    const total = await page.$eval("body", (b) => Number(b.dataset.imagesTotal));
    const decoded = await page.$eval("body", (b) => Number(b.dataset.imagesDecoded));
    assert.ok(total >= 12 * 16, `${total} images`);
    assert.equal(decoded, total);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, "report-demo.png");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(fs.statSync(shot).size > 100000, `screenshot ${fs.statSync(shot).size} bytes`);
  });
});
