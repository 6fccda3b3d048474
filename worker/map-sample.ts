// The report map's sample: a uniform random subset of the rows, the same on every runner and for any sharding:
// a row is in it when its hash (of the seed and its global row index) is among the MAP_SAMPLE smallest. Bundles
// keep the rows below a threshold (about 3 x MAP_SAMPLE expected overall), and a combine keeps the smallest.

import type { MapPoint } from "../run-dir/layout";

/** rows drawn in the report's maps (and written to map.parquet) */
const MAP_SAMPLE = 3000;


/** 32-bit mix of (seed, row): splitmix32-style finaliser, uniform enough for sampling. */
const rowHash = (seed: number, row: number): number => {
  let z = (Math.imul(row, 0x9e3779b9) ^ Math.imul(seed + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
};

/** A bundle keeps rows whose hash is below this (rows beyond 2^32 / n x 3 MAP_SAMPLE would only be dropped later). */
const mapThreshold = (n: number): number => Math.min(2 ** 32, Math.ceil((3 * MAP_SAMPLE / Math.max(1, n)) * 2 ** 32));

/** The MAP_SAMPLE points with the smallest hashes (ties: by row), in that order. */
const keepSmallest = (points: MapPoint[]): MapPoint[] =>
  points.sort((a, b) => a.h - b.h || a.row - b.row).slice(0, MAP_SAMPLE);

/** CombineFn merging bundles' point lists (JSON) into the sample. */
const mapCombine = () => ({
  createAccumulator: (): MapPoint[] => [],
  addInput: (acc: MapPoint[], input: string): MapPoint[] => keepSmallest(acc.concat(JSON.parse(input) as MapPoint[])),
  mergeAccumulators: (accs: Iterable<MapPoint[]>): MapPoint[] => {
    let out: MapPoint[] = [];
    for (const a of accs) out = keepSmallest(out.concat(a));
    return out;
  },
  extractOutput: (acc: MapPoint[]): string => JSON.stringify(keepSmallest(acc)),
});

/** The key of a bundle's map points in the score pass's output (no mode is named like it). */
const MAP_KEY = "map";

export { MAP_SAMPLE, MAP_KEY, rowHash, mapThreshold, keepSmallest, mapCombine };
