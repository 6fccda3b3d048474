// The report's tightness numbers for a finished run: each mode's top samples, and a seeded random sample, read
// back from the inputs by row (io/rows-at.ts) and compared under the exact kernels (method/tightness.ts).
import type { SpecConfig } from "../configs/schema";
import type { RunPlan } from "./plan";
import type { ResolvedModel } from "./resolve-model";
import type { Candidate } from "../run-dir/layout";
import type { ExactKernel } from "../method/exact";
import type { SideModel } from "../method/model";
import { readRowsAt } from "../io/rows-at";
import { meanPairwiseKernel } from "../method/tightness";
import { Prng } from "../method/prng";

/** top samples per mode and random samples used; kept small: each is read back from the inputs */
const TOP = 30;
const RANDOM = 200;

interface RunTightness {
  modes: Record<string, { x: number; y: number }>;
  random: { x: number; y: number };
  counts: { top: number; random: number };
}

const kernelOf = (s: SideModel): ExactKernel => (s.kernel === "gaussian" ? { kernel: "gaussian", sigma: s.sigma } : { kernel: "cosine" });

/** undefined for pairing by_id (a Y row is found by id, not by row) and for runs with fewer than 3 rows */
const runTightness = (cfg: SpecConfig, plan: RunPlan, resolved: ResolvedModel,
                      tops: Record<string, Candidate[]>, modes: string[]): RunTightness | undefined => {
  if (plan.pairing !== "by_row" || plan.n < 3) return undefined;
  const top = Math.min(TOP, cfg.top);
  const rng = new Prng(cfg.seed, "report-random");
  const randomRows = new Set<number>();
  const r = Math.min(RANDOM, plan.n);
  while (randomRows.size < r) randomRows.add(rng.below(plan.n));
  const wanted = new Set<number>(randomRows);
  for (const m of modes) for (const c of tops[m].slice(0, top)) wanted.add(c.row);
  const rows = Array.from(wanted).sort((a, b) => a - b);
  const xs = readRowsAt(plan.x.files, plan.x.options, rows);
  const ys = readRowsAt(plan.y.files, plan.y.options, rows);
  const at = new Map(rows.map((row, i) => [row, i]));
  const kx = kernelOf(resolved.model.x);
  const ky = kernelOf(resolved.model.y);
  const pick = (vs: Float64Array[], which: number[]): Float64Array[] => which.map((row) => vs[at.get(row) as number]);
  const both = (which: number[]): { x: number; y: number } =>
    ({ x: meanPairwiseKernel(pick(xs, which), kx), y: meanPairwiseKernel(pick(ys, which), ky) });
  const out: Record<string, { x: number; y: number }> = {};
  for (const m of modes) out[m] = both(tops[m].slice(0, top).map((c) => c.row));
  return { modes: out, random: both(Array.from(randomRows)), counts: { top: top, random: r } };
};

export { runTightness, RunTightness };
