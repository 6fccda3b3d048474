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

// A --out that must not be written (not ours, in use by another run, unwritable): refused before any work, as a
// user error (exit 2), naming the path and why.
class OutError extends Error {
  readonly out: string;

  constructor(out: string, detail: string) {
    super(`--out ${out}: ${detail}`);
    this.name = "OutError";
    this.out = out;
  }
}

export { OutError };

/** A history file (`--history`) that cannot be read or written as one; the message names the path. */
class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryError";
  }
}

export { HistoryError };
