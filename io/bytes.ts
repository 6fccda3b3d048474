// Random access to the bytes of an input, local or gs://, behind one synchronous interface:
// readers fetch only the ranges they need (a footer, one column chunk, a block of npy rows).
import * as fs from "fs";
import { InputError } from "./errors";
import { gcsReadRange, gcsStat, gcsWrite, isGcsPath } from "./gcs";

interface ByteSource {
  readonly path: string;
  readonly size: number;
  // Changes when the file is rewritten (mtime, object generation): part of cache keys.
  readonly version: string;
  read(offset: number, length: number): Buffer;
}

// fs.readSync caps one call at 2 GiB - 1 and may return short reads.
const READ_STEP = 1 << 30;

const readLocal = (path: string, offset: number, length: number): Buffer => {
  const out = Buffer.allocUnsafe(length);
  const fd = fs.openSync(path, "r");
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, Math.min(READ_STEP, length - done), offset + done);
      if (n === 0) throw new InputError(path, `unexpected end of file at byte ${offset + done} (wanted ${offset + length})`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
};

const checkRange = (path: string, size: number, offset: number, length: number): void => {
  if (offset < 0 || length < 0 || offset + length > size) {
    throw new InputError(path, `byte range ${offset}+${length} is outside the file (${size} bytes): truncated or corrupt file`);
  }
};

const openBytes = (path: string): ByteSource => {
  if (isGcsPath(path)) {
    const stat = gcsStat(path);
    const size = stat.size;
    return {
      path: path,
      size: size,
      version: `${size}:${stat.generation}`,
      read: (offset: number, length: number): Buffer => {
        checkRange(path, size, offset, length);
        return length === 0 ? Buffer.alloc(0) : gcsReadRange(path, offset, length);
      },
    };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    throw new InputError(path, `cannot open: ${(e as Error).message}`);
  }
  if (!stat.isFile()) throw new InputError(path, "not a regular file");
  const size = stat.size;
  return {
    path: path,
    size: size,
    version: `${size}:${stat.mtimeMs}`,
    read: (offset: number, length: number): Buffer => {
      checkRange(path, size, offset, length);
      return length === 0 ? Buffer.alloc(0) : readLocal(path, offset, length);
    },
  };
};

const writeBytes = (path: string, data: Uint8Array): void => {
  if (isGcsPath(path)) {
    gcsWrite(path, data);
  } else {
    fs.writeFileSync(path, data);
  }
};

export { openBytes, writeBytes };
export type { ByteSource };
