// One fake-gcs-server per test process (the gs:// client of io/gcs.ts reads STORAGE_EMULATOR_HOST once, when its
// worker thread starts, so every suite must talk to the same server). Started on first use, stopped at exit.
// `make test` installs the binary (Makefile testdeps); without it the suites skip, unless
// SPEC_BEAM_REQUIRE_SERVICES=1 (as in `make test`), where a missing server is a failure.
import { spawn } from "child_process";
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const findServer = (): string | undefined => {
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  dirs.push(path.join(process.env.GOPATH ?? path.join(os.homedir(), "go"), "bin"));
  for (const d of dirs) {
    const p = path.join(d, "fake-gcs-server");
    if (d && fs.existsSync(p)) return p;
  }
  return undefined;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });

const waitFor = async (url: string, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`fake-gcs-server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

interface FakeGcs {
  base: string;
  /** creates the bucket (idempotent) */
  bucket: (name: string) => Promise<void>;
}

let started: Promise<FakeGcs> | undefined;
let child: ChildProcess | undefined;

const startServer = async (bin: string): Promise<FakeGcs> => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  child = spawn(bin, ["-scheme", "http", "-host", "127.0.0.1", "-port", String(port), "-backend", "memory",
    "-public-host", `127.0.0.1:${port}`], { stdio: "ignore" });
  // the server must neither keep the test process alive (mocha waits for an empty event loop) nor outlive it
  child.unref();
  process.once("exit", () => child?.kill());
  await waitFor(`${base}/storage/v1/b`, 15000);
  process.env.STORAGE_EMULATOR_HOST = base;
  const made = new Set<string>();
  return {
    base: base,
    bucket: async (name: string) => {
      if (made.has(name)) return;
      const res = await fetch(`${base}/storage/v1/b?project=test`, { method: "POST",
        headers: { "content-type": "application/json" }, body: JSON.stringify({ name: name }) });
      if (res.status !== 200) throw new Error(`fake-gcs-server: creating bucket ${name} answered ${res.status}`);
      made.add(name);
    },
  };
};

/** The shared server, or undefined when its binary is missing and services are not required (then skip). */
const fakeGcs = async (): Promise<FakeGcs | undefined> => {
  const bin = findServer();
  if (!bin) {
    if (process.env.SPEC_BEAM_REQUIRE_SERVICES === "1") {
      throw new Error("fake-gcs-server not found (go install github.com/fsouza/fake-gcs-server@v1.56.1)");
    }
    return undefined;
  }
  if (!started) started = startServer(bin);
  return started;
};

export { fakeGcs, FakeGcs };
