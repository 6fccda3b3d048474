// The solve: one element triggers one worker, which reads every summed tile as a side input, solves the M x M
// eigenproblem in float64 and emits the selected eigenvectors in chunks small enough for any runner's side-input
// channel (worker/solve-stage.ts).
import * as beam from "apache-beam";
import * as worker from "../worker/index";
import type { JobSpec } from "../worker/job";
import { iterableSideInput } from "../beam-runtime/side-input";
import { Bytes, bytesCoder } from "./byte-coders";

type TilesContext = { tiles: beam.SideInputParam<Bytes, Iterable<Bytes>, Iterable<Bytes>> };

/** The composite: summed tiles in, the solution's chunks (key "v:<i>" and the header "k") out. */
const solve = (job: JobSpec) => (tiles: beam.PCollection<Bytes>): beam.PCollection<Bytes> =>
  tiles.root()
    .apply(beam.withName("solve-trigger", beam.create([0])))
    .apply(beam.withName("solve", beam.parDo(
      {
        process: function (_unused: number, ctx: TilesContext) {
          return worker.guarded(job.tmpDir, () => worker.solveTiles(job, ctx.tiles.lookup()));
        },
      },
      { tiles: iterableSideInput(tiles) },
    )))
    .apply(bytesCoder("solution-coder")) as beam.PCollection<Bytes>;

export { solve };
