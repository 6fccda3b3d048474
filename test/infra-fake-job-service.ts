// A fake Beam job service: a real gRPC server (grpc-js) speaking org.apache.beam.model.job_management.v1.JobService,
// built from the SDK's generated service description, that records what a runner submits and ends every job in a
// chosen state without running anything. Prepare can also look at the staged files (they are local paths).
import * as grpc from "@grpc/grpc-js";
import * as jobApi from "apache-beam/proto/beam_job_api";

interface FakeJobService {
  endpoint: string;
  /** every PrepareJobRequest received, in order */
  prepared: jobApi.PrepareJobRequest[];
  /** RPC method names in the order they were called */
  calls: string[];
  stop: () => Promise<void>;
}

interface FakeOptions {
  /** the state GetState reports once a job was run (default FAILED) */
  finalState?: jobApi.JobState_Enum;
  /** called inside Prepare, before the response: lets a test inspect staged files while they exist */
  onPrepare?: (request: jobApi.PrepareJobRequest) => void;
}

type Handler = (call: { request: object; write?: (m: object) => void; end?: () => void },
                callback?: (err: grpc.ServiceError | null, value?: object) => void) => void;

const startFakeJobService = async (opts: FakeOptions = {}): Promise<FakeJobService> => {
  const finalState = opts.finalState ?? jobApi.JobState_Enum.FAILED;
  const prepared: jobApi.PrepareJobRequest[] = [];
  const calls: string[] = [];
  const jobs = new Set<string>();
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const m of jobApi.JobService.methods) {
    definition[m.name] = {
      path: `/${jobApi.JobService.typeName}/${m.name}`,
      requestStream: Boolean(m.clientStreaming),
      responseStream: Boolean(m.serverStreaming),
      requestSerialize: (v: object) => Buffer.from(m.I.toBinary(v)),
      requestDeserialize: (b: Buffer) => m.I.fromBinary(b),
      responseSerialize: (v: object) => Buffer.from(m.O.toBinary(v)),
      responseDeserialize: (b: Buffer) => m.O.fromBinary(b),
      originalName: m.localName,
    };
  }
  const stateOf = (jobId: string): jobApi.JobStateEvent =>
    jobApi.JobStateEvent.create({ state: jobs.has(jobId) ? finalState : jobApi.JobState_Enum.UNSPECIFIED });
  const unary = (name: string, f: (request: any) => object): Handler => (call, callback) => {
    calls.push(name);
    let reply: object;
    try {
      reply = f(call.request);
    } catch (e) {
      (callback as (err: grpc.ServiceError | null) => void)({ name: "FakeError", message: (e as Error).message,
        code: grpc.status.INTERNAL, details: (e as Error).message, metadata: new grpc.Metadata() });
      return;
    }
    (callback as (err: null, value: object) => void)(null, reply);
  };
  const handlers: Record<string, Handler> = {
    Prepare: unary("Prepare", (request: jobApi.PrepareJobRequest) => {
      prepared.push(request);
      if (opts.onPrepare) opts.onPrepare(request);
      // no artifactStagingEndpoint: the client then offers nothing (staging is checked on the request itself)
      return jobApi.PrepareJobResponse.create({ preparationId: `prep-${prepared.length}`, stagingSessionToken: "" });
    }),
    Run: unary("Run", (request: jobApi.RunJobRequest) => {
      const jobId = `job-${request.preparationId}`;
      jobs.add(jobId);
      return jobApi.RunJobResponse.create({ jobId: jobId });
    }),
    GetState: unary("GetState", (request: jobApi.GetJobStateRequest) => stateOf(request.jobId)),
    GetJobMetrics: unary("GetJobMetrics", () => jobApi.GetJobMetricsResponse.create({ metrics: { attempted: [], committed: [] } })),
    Cancel: unary("Cancel", () => jobApi.CancelJobResponse.create({ state: jobApi.JobState_Enum.CANCELLED })),
    GetJobs: unary("GetJobs", () => jobApi.GetJobsResponse.create({})),
    GetPipeline: unary("GetPipeline", () => jobApi.GetJobPipelineResponse.create({})),
    DescribePipelineOptions: unary("DescribePipelineOptions", () => jobApi.DescribePipelineOptionsResponse.create({})),
    GetStateStream: (call) => {
      calls.push("GetStateStream");
      (call.write as (m: object) => void)(stateOf((call.request as jobApi.GetJobStateRequest).jobId));
      (call.end as () => void)();
    },
    GetMessageStream: (call) => {
      calls.push("GetMessageStream");
      (call.end as () => void)();
    },
  };
  const server = new grpc.Server();
  server.addService(definition as grpc.ServiceDefinition, handlers as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    endpoint: `127.0.0.1:${port}`,
    prepared: prepared,
    calls: calls,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
};

export { startFakeJobService, FakeJobService, FakeOptions };
