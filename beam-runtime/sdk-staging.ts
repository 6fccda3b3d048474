// Worker environments for portable runs outside this process (DOCKER, PROCESS), and the fix for the SDK's
// DOCKER staging. apache-beam 2.49.0's PortableRunner turns every `js_default` environment into a DOCKER one and
// stages two npm artifacts for it: `npm pack` of the current directory and `npm pack apache-beam@2_49_rc`. That
// dist-tag was never published (the registry has only `latest`; npm answers ETARGET "No matching version found
// for apache-beam@2_49_rc"), so every DOCKER run throws before the job is even prepared.
//
// StagedPortableRunner rewrites the environments itself before the SDK sees the pipeline. The SDK only touches
// environments whose urn is still `js_default`, so its packing never runs. What the workers get staged:
//  - "image": nothing. The worker image holds the built project (infra/docker/Dockerfile); the container's boot
//    then has no npm artifact to install and starts `npx apache-beam-worker` in its working directory.
//  - "npm": what the SDK meant to stage (the project packed with `npm pack`, the SDK under the same two roles),
//    except that apache-beam is packed offline from the installed copy instead of the unpublished tag.
// PROCESS (not implemented by the SDK): the runner starts `command` on each worker host, same staging rules.
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PortableRunner } from "apache-beam/runners/portable_runner/runner";
import * as runnerApi from "apache-beam/proto/beam_runner_api";
import * as jobApi from "apache-beam/proto/beam_job_api";
import type { JobServiceClient } from "apache-beam/proto/beam_job_api.client";
import * as environments from "apache-beam/internal/environments";
import * as structProto from "apache-beam/proto/google/protobuf/struct";
import type * as beam from "apache-beam";

type StagingMode = "image" | "npm";

interface WorkerEnvironment {
  type: "DOCKER" | "PROCESS";
  /** DOCKER: the worker container image */
  image?: string;
  /** PROCESS: the boot command the runner starts on each worker host */
  command?: string;
  staging: StagingMode;
  /** staging npm: the package packed for the workers (default: this project's root) */
  projectRoot?: string;
}

const NPM_ROLE = "beam:artifact:type:npm:v1";
const NPM_DEP_ROLE = "beam:artifact:type:npm_dep:v1";
const FILE_TYPE = "beam:artifact:type:file:v1";
const DOCKER_URN = "beam:env:docker:v1";
const PROCESS_URN = "beam:env:process:v1";

/** The directory of the nearest package.json named `name`, walking up from `start`. */
const packageDirAbove = (start: string, name: string): string => {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (parsed.name === name) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named ${name} above ${start}`);
    dir = parent;
  }
};

// apache-beam's "exports" map hides its package.json from require.resolve, so walk up from its entry point.
const installedBeamDir = (): string => packageDirAbove(path.dirname(require.resolve("apache-beam")), "apache-beam");
const projectDir = (): string => packageDirAbove(__dirname, "spec-beam");

/** `npm pack DIR` into dest, offline and without lifecycle scripts; returns the tarball's path. */
const npmPack = (dir: string, dest: string): string => {
  const args = ["pack", dir, "--pack-destination", dest, "--json", "--offline", "--ignore-scripts"];
  const result = childProcess.spawnSync("npm", args, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}: ${result.stderr.trim().split("\n").slice(-5).join(" | ")}`;
    throw new Error(`npm ${args.join(" ")} failed (${why})`);
  }
  const listed = JSON.parse(result.stdout) as { filename: string }[];
  const file = path.join(dest, listed[0].filename);
  if (!fs.existsSync(file)) throw new Error(`npm pack ${dir} reported ${listed[0].filename} but ${file} does not exist`);
  return file;
};

const fileArtifact = (file: string, role: string, rolePayload?: string): runnerApi.ArtifactInformation =>
  runnerApi.ArtifactInformation.create({
    typeUrn: FILE_TYPE,
    typePayload: runnerApi.ArtifactFilePayload.toBinary({
      path: path.resolve(file),
      sha256: crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"),
    }),
    roleUrn: role,
    rolePayload: rolePayload === undefined ? new Uint8Array(0) : new TextEncoder().encode(rolePayload),
  });

/** The artifacts the SDK's DOCKER path stages, built without the unpublished `apache-beam@2_49_rc`. */
const npmArtifacts = (root: string, tmpDir: string): runnerApi.ArtifactInformation[] => {
  const out: runnerApi.ArtifactInformation[] = [fileArtifact(npmPack(root, tmpDir), NPM_ROLE)];
  const beamTarball = npmPack(installedBeamDir(), tmpDir);
  // the same two roles as the SDK (boot.go: npm_dep -> package.json "overrides", npm -> `npm install`)
  out.push(fileArtifact(beamTarball, NPM_DEP_ROLE, "apache-beam-unused"));
  out.push(fileArtifact(beamTarball, NPM_ROLE, "apache-beam"));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const spec = (manifest.dependencies as Record<string, string>)[dep];
    if (spec.startsWith("file:")) out.push(fileArtifact(path.resolve(root, spec.slice(5)), NPM_DEP_ROLE, dep));
  }
  return out;
};

const describeWorker = (w: WorkerEnvironment): string =>
  w.type === "DOCKER" ? `DOCKER workers (image ${w.image ?? "?"})` : `PROCESS workers (command ${w.command ?? "?"})`;

/**
 * A copy of the pipeline whose `js_default` environments run as `worker` says, with its staged artifacts.
 * Returns the temporary directory holding packed tarballs (staging npm) so the caller can remove it.
 */
const stageEnvironments = (pipeline: runnerApi.Pipeline, worker: WorkerEnvironment): {
  pipeline: runnerApi.Pipeline;
  tmpDir?: string;
} => {
  if (worker.type === "DOCKER" && !worker.image) throw new Error("DOCKER workers need a container image (runner.sdk_container_image)");
  if (worker.type === "PROCESS" && !worker.command) throw new Error("PROCESS workers need a command (runner.process_command)");
  const copy = runnerApi.Pipeline.clone(pipeline);
  const envs = copy.components?.environments ?? {};
  const ids = Object.keys(envs).filter((id) => envs[id].urn === environments.TYPESCRIPT_DEFAULT_ENVIRONMENT_URN);
  if (ids.length === 0) return { pipeline: copy };
  let tmpDir: string | undefined;
  let staged: runnerApi.ArtifactInformation[] = [];
  if (worker.staging === "npm") {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "spec-beam-stage-"));
    try {
      staged = npmArtifacts(worker.projectRoot ?? projectDir(), tmpDir);
    } catch (e) {
      fs.rmSync(tmpDir, { recursive: true, force: true });
      throw e;
    }
  }
  for (const id of ids) {
    const env = envs[id];
    const replaced = worker.type === "DOCKER"
      ? environments.asDockerEnvironment(env, worker.image as string)
      : { ...env, urn: PROCESS_URN,
        payload: runnerApi.ProcessPayload.toBinary({ os: "", arch: "", command: worker.command as string, env: {} }) };
    envs[id] = { ...replaced, dependencies: [...(env.dependencies ?? []), ...staged] };
  }
  return { pipeline: copy, tmpDir: tmpDir };
};

type PortableOptions = { jobEndpoint: string; [k: string]: unknown };

/** PortableRunner whose non-LOOPBACK runs get `worker`'s environment instead of the SDK's broken DOCKER staging. */
class StagedPortableRunner extends PortableRunner {
  readonly worker: WorkerEnvironment | undefined;

  constructor(options: PortableOptions, worker?: WorkerEnvironment) {
    super(options);
    this.worker = worker;
  }

  async runPipelineWithProto(pipeline: runnerApi.Pipeline, options?: object) {
    const env = { ...(this.defaultOptions as object), ...(options ?? {}) } as { environmentType?: string };
    if (!this.worker || env.environmentType === "LOOPBACK") return super.runPipelineWithProto(pipeline, options);
    const staged = stageEnvironments(pipeline, this.worker);
    try {
      // resolves once the job is running, i.e. after the runner has pulled the staged artifacts
      return await super.runPipelineWithProto(staged.pipeline, options);
    } finally {
      if (staged.tmpDir) fs.rmSync(staged.tmpDir, { recursive: true, force: true });
    }
  }
}

class CapturedRequest extends Error {
  readonly request: jobApi.PrepareJobRequest;
  constructor(request: jobApi.PrepareJobRequest) {
    super("job request captured (dry run)");
    this.request = request;
  }
}

/**
 * The PrepareJobRequest the SDK would send for this pipeline (same code path as a real submission: pipeline
 * proto, environments, staged artifacts, options), captured at the job-service client. No network.
 * Staged npm tarballs are deleted afterwards: their paths and hashes stay in the request.
 */
const captureJobRequest = async (pipeline: (root: beam.Root) => void, options: PortableOptions,
                                 worker?: WorkerEnvironment): Promise<jobApi.PrepareJobRequest> => {
  class Capturing extends StagedPortableRunner {
    async getClient() {
      const prepare = (request: jobApi.PrepareJobRequest) => {
        throw new CapturedRequest(request);
      };
      return { prepare: prepare } as unknown as JobServiceClient;
    }
  }
  try {
    await new Capturing(options, worker).runAsync(pipeline);
  } catch (e) {
    if (e instanceof CapturedRequest) return e.request;
    throw e;
  }
  throw new Error("dry run: the SDK ran the pipeline without preparing a job");
};

interface EnvironmentSummary {
  id: string;
  urn: string;
  image?: string;
  command?: string;
  dependencies: { role: string; role_payload: string; path: string; sha256: string }[];
}

interface JobRequestSummary {
  job_name: string;
  environments: EnvironmentSummary[];
  /** option name (the `beam:option:NAME:v1` urn's NAME) -> value */
  pipeline_options: Record<string, unknown>;
  transforms: number;
  pipeline_bytes: number;
}

const summarizeEnvironment = (id: string, env: runnerApi.Environment): EnvironmentSummary => {
  const out: EnvironmentSummary = { id: id, urn: env.urn, dependencies: [] };
  if (env.urn === DOCKER_URN) out.image = runnerApi.DockerPayload.fromBinary(env.payload).containerImage;
  if (env.urn === PROCESS_URN) out.command = runnerApi.ProcessPayload.fromBinary(env.payload).command;
  for (const a of env.dependencies ?? []) {
    const file = a.typeUrn === FILE_TYPE ? runnerApi.ArtifactFilePayload.fromBinary(a.typePayload) : { path: "", sha256: "" };
    out.dependencies.push({ role: a.roleUrn, role_payload: new TextDecoder().decode(a.rolePayload), path: file.path,
      sha256: file.sha256 });
  }
  return out;
};

/** The parts of a job request a person checks before submitting: environments, images, staged files, options. */
const summarizeJobRequest = (request: jobApi.PrepareJobRequest): JobRequestSummary => {
  const pipeline = request.pipeline as runnerApi.Pipeline;
  const envs = pipeline.components?.environments ?? {};
  const raw = request.pipelineOptions ? structProto.Struct.toJson(request.pipelineOptions) as Record<string, unknown> : {};
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(raw).sort()) {
    const m = /^beam:option:(.*):v1$/.exec(key);
    options[m ? m[1] : key] = raw[key];
  }
  return {
    job_name: request.jobName,
    environments: Object.keys(envs).sort().map((id) => summarizeEnvironment(id, envs[id])),
    pipeline_options: options,
    transforms: Object.keys(pipeline.components?.transforms ?? {}).length,
    pipeline_bytes: runnerApi.Pipeline.toBinary(pipeline).length,
  };
};

export { StagedPortableRunner, stageEnvironments, captureJobRequest, summarizeJobRequest, describeWorker, installedBeamDir };
export type { StagingMode, WorkerEnvironment, PortableOptions, JobRequestSummary, EnvironmentSummary };
