// The score pass, per worker bundle: per-sample scores u = Phi V for the selected modes, one Parquet part file per
// shard (id, row, metadata, one column per mode), and each mode's top-N samples kept per bundle so that only
// N candidates per mode and bundle leave the worker.
import * as crypto from "crypto";
import { getBackend, setThreads, LinalgBackend } from "../linalg/index";
import { featurePair, FeaturePair, phiBlock } from "../method/model";
import { scoreBlock } from "../method/scores";
import { readShard } from "../shards/read";
import { PairedBuffer, PIECE_ROWS, RowSet, shardPieces, shardRowSet } from "./row-set";
import type { ShardDesc } from "../shards/shard";
import { readIdsFile } from "../io/source";
import { faultPoint } from "../io/fault";
import { JobSpec } from "./job";
import { assembleV } from "./solve-stage";
import { Candidate, MAP_COLUMNS, MapPoint, MetaValue, modeNames, PART_KEY_PREFIX, PartRecord } from "../run-dir/layout";
import { pendingPartName } from "../run-dir/files";
import { writeScorePart } from "../run-dir/score-part";
import { ShardLookahead } from "./lookahead";
import { stageProgress, StageProgress } from "./progress";
import { keepSmallest, MAP_KEY, MAP_SAMPLE, mapThreshold, rowHash } from "./map-sample";
import type { KeyedBytes } from "./gram-stage";

/** What the part file and the candidates need of a set of scored rows. */
type ScoredRows = Pick<RowSet, "rows" | "ids" | "rowIndex" | "metadata">;

/** Highest score first; ties broken by global row so that every runner lists the same samples. */
const better = (a: Candidate, b: Candidate): number => b.score - a.score || a.row - b.row;

const keepTop = (cands: Candidate[], n: number): Candidate[] => cands.sort(better).slice(0, n);

/**
 * Indices of the n best rows for score column j, best first (higher score, then lower global row): one pass with a
 * size-n heap whose root is the worst kept row, instead of sorting every row of the part for every mode.
 */
const topRows = (rows: ScoredRows, scores: Float64Array, K: number, j: number, n: number): number[] => {
  const heap: number[] = [];
  // a is worse than b
  const worse = (a: number, b: number): boolean => {
    const sa = scores[a * K + j];
    const sb = scores[b * K + j];
    return sa < sb || (sa === sb && rows.rowIndex(a) > rows.rowIndex(b));
  };
  const siftDown = (): void => {
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && worse(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!worse(heap[c], heap[p])) return;
      const t = heap[c];
      heap[c] = heap[p];
      heap[p] = t;
      p = c;
    }
  };
  for (let i = 0; i < rows.rows && n > 0; i++) {
    if (heap.length < n) {
      heap.push(i);
      let c = heap.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c], heap[p])) break;
        const t = heap[c];
        heap[c] = heap[p];
        heap[p] = t;
        c = p;
      }
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      siftDown();
    }
  }
  return heap.sort((a, b) => scores[b * K + j] - scores[a * K + j] || rows.rowIndex(a) - rows.rowIndex(b));
};

class ScoreWorker {
  private readonly backend: LinalgBackend;
  private readonly pair: FeaturePair;
  private readonly V: Float64Array;
  /** score columns: the positive modes then the negative ones */
  private readonly k: number;
  /** columns of V and of every scores array: the k modes, then the map's coordinates (run-dir/layout.ts) */
  private readonly stride: number;
  private readonly mapOffsets: Float64Array;
  private readonly mapCut: number;
  private mapPoints: MapPoint[] = [];
  private readonly modes: string[];
  private readonly phi: Float32Array | Float64Array;
  private top: Candidate[][];
  private paired?: PairedBuffer;
  private partSeq = 0;
  /** the parts this bundle wrote, reported through the pipeline (run-dir/layout.ts, PartRecord) */
  private readonly parts: PartRecord[] = [];
  /** scoring time not yet attributed to a part */
  private scoreSeconds = 0;
  private readonly bundleTag = crypto.randomBytes(6).toString("hex");
  private readonly lookahead = new ShardLookahead((s) => this.scoreOneShard(s));
  private readonly progress: StageProgress;

  constructor(private readonly job: JobSpec, solution: Iterable<KeyedBytes>) {
    this.progress = stageProgress("score", job.n, job.progress);
    this.backend = getBackend(job.backend);
    if (job.threads > 0 && this.backend.name === "native") setThreads(job.threads);
    this.pair = featurePair(job.model);
    const s = assembleV(solution);
    if (s.M !== this.pair.M) throw new Error(`score: solution has M = ${s.M}, features have ${this.pair.M}`);
    this.V = s.V;
    this.k = s.kp + s.kn;
    this.stride = this.k + s.mapColumns;
    this.mapOffsets = s.mapOffsets;
    this.mapCut = mapThreshold(job.n);
    this.modes = modeNames(s.kp, s.kn);
    // float64 whatever compute.precision (which is the SYRK input precision): the scores GEMM is float64, and a
    // float32 block would be widened into a fresh array for every block.
    this.phi = new Float64Array(job.blockRows * this.pair.M);
    this.top = this.modes.map(() => []);
  }

  /** Takes a shard; it is scored when the next shard arrives or at finish() (worker/lookahead.ts). */
  scoreShard(shard: ShardDesc): void {
    this.lookahead.push(shard);
  }

  private scoreOneShard(shard: ShardDesc): void {
    const t0 = Date.now();
    // Piece by piece (see shardPieces): only the piece's vectors are held; ids, metadata and scores are small.
    const pieces = shardPieces(shard, PIECE_ROWS);
    const K = this.stride;
    const scores = new Float64Array(shard.rows * K);
    const ids: string[] = [];
    const metadata: Record<string, MetaValue[]> = {};
    for (const c of this.job.xOpts.metadataColumns) metadata[c] = [];
    let at = 0;
    for (const piece of pieces) {
      const rows = readShard(piece, this.job.xOpts, this.job.yOpts, readIdsFile);
      scores.set(this.scoresOf(shardRowSet(rows, piece.x[0].path, piece.y ? piece.y[0].path : piece.x[0].path)), at * K);
      for (let i = 0; i < rows.rows; i++) ids.push(rows.ids[i]);
      for (const c of this.job.xOpts.metadataColumns) {
        const from = rows.metadata[c];
        const to = metadata[c];
        for (let i = 0; i < from.length; i++) to.push(from[i]);
      }
      at += rows.rows;
    }
    const start = shard.globalStart;
    const name = this.writeScored({ rows: shard.rows, ids: ids, rowIndex: (i) => start + i, metadata: metadata }, scores,
      shard.index);
    this.progress.advance(shard.rows, `[score] shard ${shard.index + 1}/${shard.total}: ${shard.rows} rows -> ${name} ` +
      `(${((Date.now() - t0) / 1000).toFixed(2)} s)`);
  }

  /**
   * One joined row (pairing by_id). Parts are written every partRows rows; the driver numbers them
   * part-NNNNN-of-NNNNN at commit, once all are known.
   */
  addPaired(id: string, bytes: Uint8Array): void {
    if (this.paired === undefined) {
      this.paired = new PairedBuffer(this.job.partRows, this.job.model.x.d, this.job.model.y.d,
        this.job.xOpts.metadataColumns, { x: this.job.xSource, y: this.job.ySource });
    }
    this.paired.add(id, bytes);
    if (this.paired.full) this.flushPaired();
  }

  private flushPaired(): void {
    if (this.paired === undefined || this.paired.size === 0) return;
    const set = this.paired.drain();
    this.writeScored(set, this.scoresOf(set), null);
  }

  /** rows x stride scores and map coordinates (row-major): features block by block, then one GEMM per block. */
  private scoresOf(rows: RowSet): Float64Array {
    const t0 = Number(process.hrtime.bigint()) / 1e9;
    const K = this.stride;
    const M = this.pair.M;
    const scores = new Float64Array(rows.rows * K);
    const B = this.job.blockRows;
    for (let s = 0; s < rows.rows; s += B) {
      const r = Math.min(B, rows.rows - s);
      phiBlock(this.backend, this.pair, rows.x.subarray(s * rows.dX, (s + r) * rows.dX),
        rows.y.subarray(s * rows.dY, (s + r) * rows.dY), r, this.phi);
      scores.set(scoreBlock(this.backend, this.phi, r, M, this.V, K), s * K);
    }
    this.scoreSeconds += Number(process.hrtime.bigint()) / 1e9 - t0;
    return scores;
  }

  /**
   * One part file (id, row, metadata, one column per mode) under a name unique to this bundle attempt, its record,
   * and the rows' candidates for each mode's top N. Returns the file's name.
   */
  private writeScored(rows: ScoredRows, scores: Float64Array, shard: number | null): string {
    const K = this.stride;
    const name = pendingPartName(this.bundleTag, this.partSeq++);
    const tw = Number(process.hrtime.bigint()) / 1e9;
    const mapCols = { names: MAP_COLUMNS.slice(0, this.stride - this.k), offsets: this.mapOffsets };
    writeScorePart(this.job.tmpDir, name, rows, this.job.xOpts.metadataColumns, this.modes, scores, K, mapCols);
    faultPoint("score");
    const t1 = Number(process.hrtime.bigint()) / 1e9;
    this.parts.push({ file: name, shard: shard, rows: rows.rows, score_seconds: this.scoreSeconds, write_seconds: t1 - tw });
    this.scoreSeconds = 0;
    for (let j = 0; j < this.k; j++) this.top[j] = keepTop(this.top[j].concat(this.candidates(rows, scores, K, j)), this.job.top);
    if (this.stride > this.k) this.sampleForMap(rows, scores);
    return name;
  }

  /** The rows that fall in the map's sample (worker/map-sample.ts), with their coordinates and scores. */
  private sampleForMap(rows: ScoredRows, scores: Float64Array): void {
    const K = this.stride;
    const k = this.k;
    const lab = this.job.labelColumn;
    for (let i = 0; i < rows.rows; i++) {
      const row = rows.rowIndex(i);
      const h = rowHash(this.job.model.seed, row);
      if (h >= this.mapCut) continue;
      const c: number[] = [];
      for (let j = k; j < K; j++) c.push(scores[i * K + j] - this.mapOffsets[j - k]);
      const s: number[] = [];
      for (let j = 0; j < k; j++) s.push(scores[i * K + j]);
      const p: MapPoint = { id: rows.ids[i], row: row, h: h, c: c, s: s };
      if (lab !== undefined) p.l = rows.metadata[lab]?.[i] ?? null;
      this.mapPoints.push(p);
    }
    if (this.mapPoints.length > 2 * MAP_SAMPLE) this.mapPoints = keepSmallest(this.mapPoints);
  }

  /** The rows' best N for mode column j (a method, not a loop body: see the lint rule on loop closures). */
  private candidates(rows: ScoredRows, scores: Float64Array, K: number, j: number): Candidate[] {
    const metaCols = this.job.xOpts.metadataColumns;
    const order = topRows(rows, scores, K, j, this.job.top);
    return order.map((i) => {
      const meta: Record<string, MetaValue> = {};
      for (const c of metaCols) meta[c] = rows.metadata[c][i];
      return { id: rows.ids[i], row: rows.rowIndex(i), score: scores[i * K + j], metadata: meta };
    });
  }

  /**
   * One element per mode (its key and the bundle's top-N candidates as JSON) and one per part written (key
   * "part:<file>", its PartRecord as JSON): the parts reach the manifest only if the runner keeps this output.
   */
  finish(): { key: string; value: string }[] {
    this.lookahead.flush();
    this.flushPaired();
    const tops = this.modes.map((m, j) => ({ key: m, value: JSON.stringify(this.top[j]) }));
    if (this.stride > this.k) tops.push({ key: MAP_KEY, value: JSON.stringify(keepSmallest(this.mapPoints)) });
    return tops.concat(this.parts.map((p) => ({ key: `${PART_KEY_PREFIX}${p.file}`, value: JSON.stringify(p) })));
  }
}

/** CombineFn merging per-bundle candidate lists (JSON) into each mode's global top N. */
const topCombine = (n: number) => ({
  createAccumulator: (): Candidate[] => [],
  addInput: (acc: Candidate[], input: string): Candidate[] => keepTop(acc.concat(JSON.parse(input) as Candidate[]), n),
  mergeAccumulators: (accs: Iterable<Candidate[]>): Candidate[] => {
    let out: Candidate[] = [];
    for (const a of accs) out = keepTop(out.concat(a), n);
    return out;
  },
  extractOutput: (acc: Candidate[]): string => JSON.stringify(keepTop(acc, n)),
});

export { ScoreWorker, topCombine };
