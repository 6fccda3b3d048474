// Failures of the engine rather than of the input or of our code: a job the cluster failed, a cluster without the
// slots the job needs, a JobManager that does not answer. The CLI prints their message alone (no stack: the message
// already names the root cause and where to read more) and exits 1.
class RunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunnerError";
  }
}

export { RunnerError };
