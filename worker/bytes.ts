// Float64 vectors <-> bytes for Beam's BytesCoder. Copies are made only where alignment requires them.

const f64ToBytes = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * A float64 view of bytes, copied only when misaligned. On portable runners values arrive as Node Buffers, often
 * at odd offsets of a pooled ArrayBuffer, and Buffer#slice is a view, not a copy: copy through Uint8Array.
 */
const f64View = (b: Uint8Array, offset: number, count: number): Float64Array => {
  if ((b.byteOffset + offset) % 8 === 0) return new Float64Array(b.buffer, b.byteOffset + offset, count);
  const copy = new Uint8Array(count * 8);
  copy.set(b.subarray(offset, offset + count * 8));
  return new Float64Array(copy.buffer);
};

const bytesToF64 = (b: Uint8Array): Float64Array => {
  if (b.byteLength % 8 !== 0) throw new Error(`bytesToF64: ${b.byteLength} bytes is not a whole number of float64`);
  return f64View(b, 0, b.byteLength / 8);
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

export { f64ToBytes, bytesToF64, f64View, sumBytes };
