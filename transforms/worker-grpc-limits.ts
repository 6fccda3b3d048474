// The SDK's worker (apache-beam 2.49.0, worker/data.js, state.js, worker.js) builds its Fn API gRPC clients with
// no channel options, so grpc-js keeps its 4 MiB receive limit. Measured on Flink (LOOPBACK): any message from the
// runner above 4 MiB fails -- a GroupByKey/unlifted combine output of > 4 MiB for one key crashes the Node process
// with RESOURCE_EXHAUSTED, and a side input > 4 MiB makes the job hang with no error.
// raiseWorkerGrpcLimits() lifts the limit for workers in this process (LOOPBACK): the generated client classes
// call `super(address, credentials, options)`, and ES classes resolve `super` through the class's prototype at
// call time, so re-parenting each client class onto a subclass of grpc.Client that adds the options works
// whatever module loaded first. Call it before the first job starts; calling it again is a no-op.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fnApiClients = require("apache-beam/proto/org/apache/beam/model/fn_execution/v1/beam_fn_api.grpc-client");

const UNLIMITED = { "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 };
const CLIENTS = ["BeamFnControlClient", "BeamFnDataClient", "BeamFnStateClient", "BeamFnLoggingClient"];
const MARK = "__specBeamUnlimitedMessages";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCtor = new (...args: any[]) => object;

const reparent = (cls: AnyCtor, name: string): void => {
  if (typeof cls !== "function") throw new Error(`apache-beam worker client ${name} not found: SDK layout changed`);
  const base = Object.getPrototypeOf(cls) as AnyCtor;
  if ((base as unknown as Record<string, unknown>)[MARK]) return;
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

const workerGrpcLimitsRaised = (): boolean =>
  CLIENTS.every((name) => Boolean((Object.getPrototypeOf(fnApiClients[name]) as Record<string, unknown>)[MARK]));

export { raiseWorkerGrpcLimits, workerGrpcLimitsRaised };
