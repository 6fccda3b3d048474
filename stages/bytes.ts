// Float64 vectors <-> bytes for Beam's BytesCoder. Copies are made only where alignment requires them.

const f64ToBytes = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const bytesToF64 = (b: Uint8Array): Float64Array => {
  if (b.byteLength % 8 !== 0) throw new Error(`bytesToF64: ${b.byteLength} bytes is not a whole number of float64`);
  if (b.byteOffset % 8 === 0) return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  return new Float64Array(b.slice().buffer);
};

/** Element-wise sum of byte-encoded float64 vectors (the CombineFn of the Gram tiles). */
const sumBytes = {
  createAccumulator: (): Float64Array | null => null,
  addInput: (acc: Float64Array | null, input: Uint8Array): Float64Array => {
    const v = bytesToF64(input);
    if (acc === null) return Float64Array.from(v);
    if (acc.length !== v.length) throw new Error(`sumBytes: length ${v.length} != ${acc.length}`);
    for (let i = 0; i < v.length; i++) acc[i] += v[i];
    return acc;
  },
  mergeAccumulators: (accs: Iterable<Float64Array | null>): Float64Array | null => {
    let out: Float64Array | null = null;
    for (const a of accs) {
      if (a === null) continue;
      if (out === null) out = Float64Array.from(a);
      else for (let i = 0; i < a.length; i++) out[i] += a[i];
    }
    return out;
  },
  extractOutput: (acc: Float64Array | null): Uint8Array => f64ToBytes(acc ?? new Float64Array(0)),
};

export { f64ToBytes, bytesToF64, sumBytes };
