// SYRK (and RFF feature map) throughput of the native and portable backends; prints one JSON object.
// Usage: node dist/bench/syrk.js [--n 20000] [--d 2000] [--block ROWS] [--rff-rows 5000] [--rff-d 128] [--rff-m 1000]
// Rate convention (as in docs/compute-paths.md): n * d^2 / seconds, although only the upper triangle is formed.
import { backendInfo, getBackend } from "../linalg/index";
import type { LinalgBackend, Vec } from "../linalg/backend";

// The environment pins OpenBLAS to its Haswell kernels; for a benchmark let OpenBLAS detect the core itself.
// This must happen before the addon is first loaded (getBackend("native") below is the first load).
delete process.env.OPENBLAS_CORETYPE;
delete process.env.OPENBLAS_L2_SIZE;

const parseFlags = (argv: string[]): Map<string, number> => {
  const known = ["--n", "--d", "--block", "--rff-rows", "--rff-d", "--rff-m"];
  const flags = new Map<string, number>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = Number(argv[i + 1]);
    if (!known.includes(name)) throw new Error(`bench/syrk: unknown flag ${name} (known: ${known.join(", ")})`);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`bench/syrk: ${name} needs a positive integer, got "${argv[i + 1]}"`);
    }
    flags.set(name, value);
  }
  return flags;
};

const fill = (x: Vec, seed: number): void => {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
};

const seconds = (f: () => void): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

const syrkRate = (b: LinalgBackend, a: Vec, n: number, d: number, block: number): number => {
  const acc = new Float64Array(d * d);
  // Warm-up on a few rows: starts OpenBLAS threads / lets V8 optimise the kernel.
  b.syrkAccumulate(acc, a.subarray(0, Math.min(n, 256) * d), Math.min(n, 256), d);
  acc.fill(0);
  const t = seconds(() => {
    for (let r0 = 0; r0 < n; r0 += block) {
      const rb = Math.min(block, n - r0);
      b.syrkAccumulate(acc, a.subarray(r0 * d, (r0 + rb) * d), rb, d);
    }
  });
  return (n * d * d) / t / 1e9;
};

const rffRate = (b: LinalgBackend, x: Float64Array, rows: number, d: number, omega: Float64Array,
                 m: number): number => {
  const out = new Float64Array(rows * 2 * m);
  const warm = Math.min(rows, 256);
  b.rffFeatures(x.subarray(0, warm * d), warm, d, omega, m, out);
  // Best of three: the rate is short enough for host noise to dominate a single run.
  let best = Infinity;
  for (let k = 0; k < 3; k++) best = Math.min(best, seconds(() => b.rffFeatures(x, rows, d, omega, m, out)));
  return (rows * 2 * m) / best;
};

const main = (): void => {
  const flags = parseFlags(process.argv.slice(2));
  const n = flags.get("--n") ?? 20000;
  const d = flags.get("--d") ?? 2000;
  const block = flags.get("--block") ?? n;
  const native = getBackend("native");
  const portable = getBackend("portable");
  const info = backendInfo(native);

  const a64 = new Float64Array(n * d);
  fill(a64, 1);
  const a32 = Float32Array.from(a64);
  const nativeF64 = syrkRate(native, a64, n, d, block);
  const nativeF32 = syrkRate(native, a32, n, d, block);
  const portableF64 = syrkRate(portable, a64, n, d, block);

  const rows = flags.get("--rff-rows") ?? 5000;
  const rd = flags.get("--rff-d") ?? 128;
  const m = flags.get("--rff-m") ?? 1000;
  const x = new Float64Array(rows * rd);
  fill(x, 2);
  const omega = new Float64Array(rd * m);
  fill(omega, 3);
  const rffNative = rffRate(native, x, rows, rd, omega, m);
  const rffPortable = rffRate(portable, x, rows, rd, omega, m);

  const round = (v: number, digits: number): number => Number(v.toFixed(digits));
  console.log(JSON.stringify({
    syrk: {
      n: n, d: d, block_rows: block, rate: "n*d^2/s, GFLOP/s",
      native_f64_gflops: round(nativeF64, 2),
      native_f32_gflops: round(nativeF32, 2),
      portable_f64_gflops: round(portableF64, 3),
      ratio_native_f64_over_portable: round(nativeF64 / portableF64, 1),
      ratio_native_f32_over_portable: round(nativeF32 / portableF64, 1),
    },
    rff: {
      rows: rows, d: rd, m: m, rate: "feature values (rows*2m) per second",
      native_per_s: round(rffNative, 0),
      portable_per_s: round(rffPortable, 0),
      ratio: round(rffNative / rffPortable, 1),
    },
    threads: info.threads,
    openblas_core: info.openblasCoreType,
    openblas_config: info.openblasConfig,
  }));
};

main();
