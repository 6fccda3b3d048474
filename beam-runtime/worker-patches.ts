// Run-time fixes for the apache-beam 2.49.0 SDK worker, for LOOPBACK workers (they run in this process).
// Apply once, before the first job: applyWorkerPatches(). Both were measured on Flink 1.15 (infra/flink/README.md).
//
// 1. Message size. apache-beam/dist/src/apache_beam/worker/data.js, state.js and worker.js build their Fn API
//    gRPC clients with no channel options, so grpc-js keeps its 4 MiB receive limit: a grouped value (GroupByKey
//    or unlifted combine output for one key) above 4 MiB crashes the process with RESOURCE_EXHAUSTED, and a side input above 4 MiB hangs the job.
//    The generated client classes call `super(address, credentials, options)`; ES classes resolve `super` through
//    the class's prototype at call time, so re-parenting each client class onto a grpc.Client subclass that adds
//    the options works whatever module was loaded first.
// 2. Ordering. MultiplexingDataChannel handles each gRPC data message in its own async callback without waiting
//    for the previous one, so while a DoFn awaits (a side-input fetch, or the worker's 100 ms yield) the bundle's
//    is_last marker can close the input early: the bundle reports success before its elements are processed.
//    Observed: a combine -> side-input ParDo job ended DONE with no output in 2 of 6 runs and with finishBundle
//    run before process in 2 more; an element error could be printed ("DATA ERROR") yet the job still ended DONE.
//    Wrapping each registered consumer so its calls run one after another (close last) removed it (8 of 8 runs).
// 3. Hang-up. worker.js listens for "data" and "end" on the control stream but not for "error". When the runner
//    ends the stream with a status (Flink after a failed or cancelled job: "1 CANCELLED: Runner closed connection")
//    grpc-js emits "error", and an EventEmitter "error" without a listener is thrown: an uncaught exception in
//    this process (LOOPBACK workers run here), which killed the driver or, under mocha, failed whichever test was
//    running and then "done() called multiple times". It depends on whether the worker or the runner closes
//    first, so it showed only on a loaded machine. The job's outcome is reported by the job service; the stream's
//    status is only logged when it is not the runner's ordinary hang-up. Reproduced deterministically against a
//    fake control service in test/worker-control-hangup.test.ts.
const fnApiClients = require("apache-beam/proto/org/apache/beam/model/fn_execution/v1/beam_fn_api.grpc-client");
const workerData = require("apache-beam/worker/data");

const UNLIMITED = { "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 };
const CLIENTS = ["BeamFnControlClient", "BeamFnDataClient", "BeamFnStateClient", "BeamFnLoggingClient"];
const MARK = "__specBeamPatched";

type AnyCtor = new (...args: any[]) => object;

interface DataConsumer {
  sendData: (data: Uint8Array) => Promise<void>;
  sendTimers: (timerFamilyId: string, timers: Uint8Array) => Promise<void>;
  close: () => void;
  onError: (error: Error) => void;
}

const reparent = (cls: AnyCtor, name: string): void => {
  if (typeof cls !== "function") throw new Error(`apache-beam worker client ${name} not found: SDK layout changed`);
  const base = Object.getPrototypeOf(cls) as AnyCtor;
  if ((base as any)[MARK]) return;
  class Unlimited extends base {
    constructor(address: string, credentials: unknown, options: object = {}) {
      super(address, credentials, { ...options, ...UNLIMITED });
    }
  }
  Object.defineProperty(Unlimited, MARK, { value: true });
  Object.setPrototypeOf(cls, Unlimited);
};

const raiseWorkerGrpcLimits = (): void => {
  for (const name of CLIENTS) reparent(fnApiClients[name], name);
};

const sequential = (consumer: DataConsumer): DataConsumer => {
  let tail: Promise<unknown> = Promise.resolve();
  let failed = false;
  const enqueue = <T>(step: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(step);
    tail = run.catch(() => {
      failed = true;
    });
    return run;
  };
  return {
    sendData: (data: Uint8Array) => enqueue(() => consumer.sendData(data)),
    sendTimers: (timerFamilyId: string, timers: Uint8Array) => enqueue(() => consumer.sendTimers(timerFamilyId, timers)),
    // A failed element already rejected the bundle through onError; closing afterwards would not undo that,
    // but skipping it keeps the order of events plain.
    close: () => {
      void enqueue(() => {
        if (!failed) consumer.close();
      });
    },
    onError: (error: Error) => consumer.onError(error),
  };
};

const orderWorkerDataChannel = (): void => {
  const proto = workerData.MultiplexingDataChannel?.prototype;
  if (!proto || typeof proto.registerConsumer !== "function") {
    throw new Error("apache-beam worker MultiplexingDataChannel.registerConsumer not found: SDK layout changed");
  }
  if (proto.registerConsumer[MARK]) return;
  const original = proto.registerConsumer;
  const patched = function (this: unknown, bundleId: string, transformId: string, consumer: DataConsumer) {
    return original.call(this, bundleId, transformId, sequential(consumer));
  };
  Object.defineProperty(patched, MARK, { value: true });
  proto.registerConsumer = patched;
};

const CANCELLED = 1;

const tolerateControlHangUp = (): void => {
  const proto = fnApiClients.BeamFnControlClient?.prototype;
  if (!proto || typeof proto.control !== "function") {
    throw new Error("apache-beam worker BeamFnControlClient.control not found: SDK layout changed");
  }
  if (proto.control[MARK]) return;
  const original = proto.control;
  const patched = function (this: unknown, ...args: unknown[]) {
    const stream = original.apply(this, args) as { on: (ev: string, f: (e: { code?: number; message?: string }) => void) => void };
    stream.on("error", (e) => {
      if (e.code !== CANCELLED) process.stderr.write(`[worker] control stream ended: ${e.message ?? String(e)}\n`);
    });
    return stream;
  };
  Object.defineProperty(patched, MARK, { value: true });
  proto.control = patched;
};

const applyWorkerPatches = (): void => {
  raiseWorkerGrpcLimits();
  orderWorkerDataChannel();
  tolerateControlHangUp();
};

const workerPatchesApplied = (): boolean =>
  CLIENTS.every((name) => Boolean((Object.getPrototypeOf(fnApiClients[name]) as any)[MARK])) &&
  Boolean(workerData.MultiplexingDataChannel.prototype.registerConsumer[MARK]) &&
  Boolean(fnApiClients.BeamFnControlClient.prototype.control[MARK]);

export { applyWorkerPatches, raiseWorkerGrpcLimits, orderWorkerDataChannel, tolerateControlHangUp, workerPatchesApplied };
