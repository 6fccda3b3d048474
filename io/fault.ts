// Fault injection for the crash tests only: SPEC_BEAM_TEST_KILL_AT=<point> makes the process SIGKILL itself when it
// reaches that point (plan, gram, solve, score, finalize, publish, publish-swapped, publish-aside,
// publish-committed), the way a power cut or the OOM killer would, so a test can check what a crash leaves behind.
// Unset, it costs one environment lookup.
const faultPoint = (name: string): void => {
  if (process.env.SPEC_BEAM_TEST_KILL_AT === name) process.kill(process.pid, "SIGKILL");
};

export { faultPoint };
