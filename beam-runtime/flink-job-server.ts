// Starts the Beam Flink job server (a JVM running Flink as an in-process mini cluster with `--flink-master=[local]`)
// and hands back its gRPC endpoint for `new PortableRunner({jobEndpoint, environmentType: "LOOPBACK"})`.
// Plain TypeScript, no Beam: we start the server ourselves so the flags are ours and nothing is downloaded.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

interface JobServerOptions {
  /** Launcher jar written by infra/flink/fetch-jobserver.sh (default: env SPEC_BEAM_FLINK_JAR, then .cache/jars/). */
  jar?: string;
  /** Job service port; 0 or absent picks a free one. */
  port?: number;
  /** JDK/JRE home; default env SPEC_BEAM_FLINK_JAVA_HOME, then Debian's Java 17, then JAVA_HOME, then `java`. */
  javaHome?: string;
  /** File receiving the JVM's stdout and stderr (appended); default a fresh file under the OS temp dir. */
  log?: string;
  /** Extra JVM flags, e.g. ["-Xmx4g"]; they follow the default module flags. */
  jvmArgs?: string[];
  /** `[local]` runs Flink inside the job server JVM (LOOPBACK workers); host:port submits to a Flink cluster. */
  flinkMaster?: string;
  /** How long to wait for the job port to accept connections. */
  startupTimeoutMs?: number;
  /** Where the job server keeps staged artifacts (default: a fresh temp dir, removed on stop). A remote cluster
   *  whose workers fetch staged files needs a location they can read (e.g. a shared mount or gs://). */
  artifactsDir?: string;
  /** Jars put after the launcher on the job server's classpath (e.g. the staging detector, stagingJarFor). */
  classpath?: string[];
}

interface JobServer {
  /** host:port of the Beam job service. */
  endpoint: string;
  port: number;
  pid: number;
  jar: string;
  logFile: string;
  /** Last lines of the JVM log, for error messages. */
  logTail: (lines?: number) => string;
  /** Terminates the JVM (SIGTERM, then SIGKILL after a grace period); safe to call twice. The log's own temp dir
   *  is removed too unless keepLog (a failed run's message names the log). */
  stop: (o?: { keepLog?: boolean }) => Promise<void>;
}

const JOB_SERVER_FILE = "beam-runners-flink-1.15-job-server-2.49.0.jar";
const MAIN_CLASS = "org.apache.beam.runners.flink.FlinkJobServerDriver";
/** Built next to the launcher by infra/flink/fetch-jobserver.sh from infra/flink/staging/. */
const STAGING_JAR_FILE = "spec-beam-flink-staging.jar";
/** The pipeline option value that makes the job server submit no jars (runner.stage_runner_jars: false). */
const NO_STAGING_DETECTOR = "dev.specbeam.flink.RunnerJarsOnCluster";
const DEBIAN_JAVA17 = "/usr/lib/jvm/java-17-openjdk-amd64";

// Flink 1.15 targets Java 11. On Java 17 the probe pipelines also ran without these; they are the openings
// Flink documents for Java 17 (reflection by Kryo and the closure cleaner into JDK internals), kept so that
// an unlucky serialisation path fails neither at run time nor with an InaccessibleObjectException.
const JAVA17_FLAGS: readonly string[] = [
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/java.net=ALL-UNNAMED",
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/java.math=ALL-UNNAMED",
  "--add-opens=java.base/java.text=ALL-UNNAMED",
  "--add-opens=java.base/java.time=ALL-UNNAMED",
  "--add-opens=java.base/java.util=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
  "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
];

// Flink's INFO logging is ~300 lines per job; keep Beam's (job invocation errors) and Flink's warnings.
const LOG_FLAGS: readonly string[] = [
  "-Dorg.slf4j.simpleLogger.showDateTime=true",
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
  "-Dorg.slf4j.simpleLogger.log.org.apache.flink=warn",
];

const findRepoRoot = (): string => {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "infra", "flink", "fetch-jobserver.sh"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
};

const defaultJobServerJar = (): string =>
  process.env.SPEC_BEAM_FLINK_JAR || path.join(findRepoRoot(), ".cache", "jars", JOB_SERVER_FILE);

/** The staging detector's jar for a launcher jar (beside it); throws naming the fix when it is missing. */
const stagingJarFor = (launcher: string): string => {
  const jar = path.join(path.dirname(path.resolve(launcher)), STAGING_JAR_FILE);
  if (!fs.existsSync(jar)) {
    throw new Error(`runner.stage_runner_jars false needs ${jar}: run infra/flink/fetch-jobserver.sh (needs a JDK)`);
  }
  return jar;
};

const javaBinary = (javaHome: string | undefined): string => {
  const home =
    javaHome ||
    process.env.SPEC_BEAM_FLINK_JAVA_HOME ||
    (fs.existsSync(path.join(DEBIAN_JAVA17, "bin", "java")) ? DEBIAN_JAVA17 : undefined) ||
    process.env.JAVA_HOME;
  return home ? path.join(home, "bin", "java") : "java";
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("could not pick a free port"))));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = net.connect({ port: port, host: "127.0.0.1" });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });

const readTail = (file: string, lines: number): string => {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n");
  } catch (err) {
    return `(no log at ${file}: ${(err as Error).message})`;
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Every live server is killed when this process exits, whichever way it exits.
const live = new Set<childProcess.ChildProcess>();
let exitHooksInstalled = false;
const installExitHooks = (): void => {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = (): void => {
    for (const child of live) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    live.clear();
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAll();
      process.removeListener(sig, onSignal);
      // Only re-raise when nobody else handles the signal, so default termination still happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
};

const startJobServer = async (opts: JobServerOptions = {}): Promise<JobServer> => {
  const jar = path.resolve(opts.jar || defaultJobServerJar());
  if (!fs.existsSync(jar)) {
    throw new Error(`Flink job server jar not found at ${jar}: run infra/flink/fetch-jobserver.sh (needs mvn and a JDK)`);
  }
  const port = opts.port || (await freePort());
  const ownLogDir = opts.log ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "flink-jobserver-"));
  const logFile = opts.log || path.join(ownLogDir as string, "jobserver.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const ownArtifactsDir = !opts.artifactsDir;
  const artifactsDir = opts.artifactsDir || fs.mkdtempSync(path.join(os.tmpdir(), "flink-artifacts-"));
  const java = javaBinary(opts.javaHome);
  const args = [
    ...JAVA17_FLAGS,
    ...LOG_FLAGS,
    ...(opts.jvmArgs || []),
    // -cp rather than -jar so that extra jars can follow; the launcher's manifest Class-Path still applies
    "-cp",
    [jar, ...(opts.classpath ?? [])].join(path.delimiter),
    MAIN_CLASS,
    "--flink-master",
    opts.flinkMaster || "[local]",
    "--job-host",
    "localhost",
    "--job-port",
    String(port),
    "--artifact-port",
    "0",
    "--expansion-port",
    "-1",
    "--artifacts-dir",
    artifactsDir,
  ];
  const logFd = fs.openSync(logFile, "a");
  fs.writeSync(logFd, `# ${java} ${args.join(" ")}\n`);
  const child = childProcess.spawn(java, args, { stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  installExitHooks();
  live.add(child);

  let exited: { code: number | null; signal: string | null; error?: Error } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code: code, signal: signal };
      live.delete(child);
      resolve();
    });
    child.once("error", (error) => {
      exited = { code: null, signal: null, error: error };
      live.delete(child);
      resolve();
    });
  });

  let stopped = false;
  const stop = async (o: { keepLog?: boolean } = {}): Promise<void> => {
    if (stopped) return exitPromise;
    stopped = true;
    if (!exited) {
      child.kill("SIGTERM");
      const grace = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, 5000);
      await exitPromise;
      clearTimeout(grace);
    }
    if (ownArtifactsDir) fs.rmSync(artifactsDir, { recursive: true, force: true });
    if (ownLogDir && !o.keepLog) fs.rmSync(ownLogDir, { recursive: true, force: true });
  };
  const failure = (why: string): Error =>
    new Error(
      `Flink job server (jar ${jar}, java ${java}, port ${port}) ${why}; log ${logFile}, last lines:\n${readTail(logFile, 30)}`,
    );

  const deadline = Date.now() + (opts.startupTimeoutMs ?? 120000);
  for (;;) {
    if (exited) {
      await stop({ keepLog: true });
      const how = exited.error ? `could not start: ${exited.error.message}` : `exited with code ${exited.code} signal ${exited.signal}`;
      throw failure(`${how} before accepting connections`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop({ keepLog: true });
      throw failure(`did not accept connections within ${opts.startupTimeoutMs ?? 120000} ms`);
    }
    await sleep(200);
  }

  return {
    endpoint: `localhost:${port}`,
    port: port,
    pid: child.pid ?? -1,
    jar: jar,
    logFile: logFile,
    logTail: (lines?: number) => readTail(logFile, lines ?? 40),
    stop: stop,
  };
};

export { startJobServer, defaultJobServerJar, stagingJarFor, JAVA17_FLAGS, NO_STAGING_DETECTOR };
export type { JobServerOptions, JobServer };
