// Fault injection for the crash tests only. SPEC_BEAM_TEST_KILL_AT=<point> makes the process SIGKILL itself when it
// reaches that point (plan, gram, solve, score, finalize, publish, publish-swapped, publish-aside,
// publish-committed, history: after the new history is written, before it replaces the old), the way the OOM killer or a power cut would, so a test can check what a crash leaves behind.
// SPEC_BEAM_TEST_PAUSE_AT=<point> with SPEC_BEAM_TEST_PAUSE_FILE=<path> makes an async point (plan) create that file
// and wait, with the event loop running, until the test deletes it: a run held at a known instant, for the
// concurrency and signal tests. SPEC_BEAM_TEST_NO_EXCHANGE=1 takes the publish path used where renameat2's
// RENAME_EXCHANGE is unsupported. Unset, each costs one environment lookup.
import * as fs from "fs";

const faultPoint = (name: string): void => {
  if (process.env.SPEC_BEAM_TEST_KILL_AT === name) process.kill(process.pid, "SIGKILL");
};

const pausePoint = async (name: string): Promise<void> => {
  faultPoint(name);
  const file = process.env.SPEC_BEAM_TEST_PAUSE_FILE;
  if (process.env.SPEC_BEAM_TEST_PAUSE_AT !== name || !file) return;
  fs.writeFileSync(file, String(process.pid));
  while (fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
};

const exchangeDisabled = (): boolean => process.env.SPEC_BEAM_TEST_NO_EXCHANGE === "1";

export { faultPoint, pausePoint, exchangeDisabled };
