// The one bundle body behind every worker DoFn: a worker object is created lazily for the bundle, fed each element,
// and finished once at the end of the bundle, so per-bundle state (a Gram accumulator, a score buffer, the top-N
// lists) lives in memory and only its small result leaves the worker. Errors are recorded for the driver first
// (worker/failure.ts) because a portable runner reduces them to "job FAILED".
import type * as beam from "apache-beam";
import type { KV } from "apache-beam/values";
import * as worker from "../worker/index";
import * as coders from "../beam-runtime/coders";
import type { JobSpec } from "../worker/job";

/** What a bundle's worker must provide: its results, emitted when the bundle finishes. */
interface BundleWorker<V> {
  finish(): KV<string, V>[];
}

interface BundleState<W> {
  worker?: W;
}

/**
 * A DoFn running `feed(worker, element)` for each element of a bundle on a worker made by `make(context)`.
 * `make` and `feed` are serialised with the DoFn: keep them small arrows that call into worker/ (registered by name).
 */
const bundleFn = <I, V, W extends BundleWorker<V>, C = undefined>(
  job: JobSpec,
  make: (ctx: C) => W,
  feed: (w: W, element: I) => void,
): beam.DoFn<I, KV<string, V>, C> & BundleState<W> => ({
  startBundle: function () {
    this.worker = undefined;
  },
  process: function (element: I, ctx: C) {
    worker.guarded(job.tmpDir, () => {
      if (this.worker === undefined) this.worker = make(ctx);
      feed(this.worker, element);
    });
  },
  finishBundle: function () {
    const w = this.worker;
    this.worker = undefined;
    return w === undefined ? [] : worker.guarded(job.tmpDir, () => w.finish()).map((kv) => coders.inGlobalWindow(kv));
  },
});

export { bundleFn, BundleWorker };
