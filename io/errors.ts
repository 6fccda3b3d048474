// Bad input is a user error, not a bug: callers (CLI, pipeline) print its message alone and
// exit non-zero, so every message names the file and, where known, the row and column.
class InputError extends Error {
  readonly file: string;

  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "InputError";
    this.file = file;
  }
}

export { InputError };
