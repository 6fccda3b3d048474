// Synchronous gs:// access: Beam DoFns in the TypeScript SDK cannot await, so each call blocks
// this thread (synckit: worker thread + Atomics.wait) while the worker runs the async client.
// Errors from the client (missing object, no credentials) surface here as thrown Errors.
import * as path from "path";
import { createSyncFn } from "synckit";
import { InputError } from "./errors";
import type { GcsObject } from "./gcs-worker";

type GcsCall = (op: string, bucket: string, name: string, a?: number, b?: number, data?: Uint8Array) => Promise<unknown>;

let syncCall: ((...args: Parameters<GcsCall>) => unknown) | undefined;
const call = (...args: Parameters<GcsCall>): unknown => {
  if (!syncCall) syncCall = createSyncFn<GcsCall>(path.join(__dirname, "gcs-worker.js"));
  return syncCall(...args);
};

const isGcsPath = (p: string): boolean => p.startsWith("gs://");

const splitGcsPath = (p: string): { bucket: string; name: string } => {
  const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(p);
  if (!m) throw new InputError(p, "not a gs://bucket/object path");
  return { bucket: m[1], name: m[2] };
};

const wrap = <T>(p: string, what: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const message = (e as Error).message;
    if (/\(code 404\)/.test(message)) throw new InputError(p, `${what} failed: no such object or bucket`);
    throw new InputError(p, `${what} failed: ${message}`);
  }
};

const gcsStat = (p: string): { size: number; generation: string } => {
  const loc = splitGcsPath(p);
  return wrap(p, "stat", () => call("stat", loc.bucket, loc.name) as { size: number; generation: string });
};

const gcsReadRange = (p: string, offset: number, length: number): Buffer => {
  const loc = splitGcsPath(p);
  const bytes = wrap(p, `read of bytes ${offset}+${length}`, () => call("read", loc.bucket, loc.name, offset, length) as Uint8Array);
  if (bytes.byteLength !== length) {
    throw new InputError(p, `read of bytes ${offset}+${length} returned ${bytes.byteLength} bytes`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

// Objects whose names start with `prefix`, as full gs:// paths with sizes.
const gcsList = (bucket: string, prefix: string): { path: string; size: number }[] => {
  const objects = wrap(`gs://${bucket}/${prefix}`, "listing", () => call("list", bucket, prefix) as GcsObject[]);
  return objects.map((o) => ({ path: `gs://${bucket}/${o.name}`, size: o.size }));
};

const gcsWrite = (p: string, data: Uint8Array): void => {
  const loc = splitGcsPath(p);
  wrap(p, "write", () => call("write", loc.bucket, loc.name, undefined, undefined, data));
};

const gcsReadAll = (p: string): Uint8Array => {
  const loc = splitGcsPath(p);
  return wrap(p, "read", () => call("readAll", loc.bucket, loc.name) as Uint8Array);
};

const gcsCopy = (from: string, to: string): void => {
  const src = splitGcsPath(from);
  const dst = splitGcsPath(to);
  wrap(from, `copy to ${to}`, () => call("copy", src.bucket, src.name, undefined, undefined,
    Buffer.from(`${dst.bucket}/${dst.name}`, "utf8")));
};

const gcsDelete = (p: string, opts: { ignoreMissing?: boolean; ifGeneration?: string } = {}): void => {
  const loc = splitGcsPath(p);
  const gen = opts.ifGeneration !== undefined ? Number(opts.ifGeneration) : undefined;
  wrap(p, "delete", () => call("delete", loc.bucket, loc.name, opts.ignoreMissing ? 1 : 0, gen));
};

const isStatus = (e: unknown, code: number): boolean => new RegExp(`\\(code ${code}\\)`).test((e as Error).message);

/**
 * Writes p only if its generation is still `ifGeneration` ("0": only if p does not exist): the compare-and-swap
 * that locks and run pointers rest on. Answers the new generation, or undefined when the precondition failed.
 */
const gcsWriteIf = (p: string, data: Uint8Array, ifGeneration: string): string | undefined => {
  const loc = splitGcsPath(p);
  try {
    return call("writeIf", loc.bucket, loc.name, Number(ifGeneration), undefined, data) as string;
  } catch (e) {
    if (isStatus(e, 412)) return undefined;
    return wrap(p, "conditional write", () => {
      throw e;
    });
  }
};

/** The object's bytes with their generation, or undefined when there is no such object. */
const gcsReadGen = (p: string): { bytes: Uint8Array; generation: string } | undefined => {
  const loc = splitGcsPath(p);
  try {
    return call("readGen", loc.bucket, loc.name) as { bytes: Uint8Array; generation: string };
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    return wrap(p, "read", () => {
      throw e;
    });
  }
};

export { isGcsPath, splitGcsPath, gcsStat, gcsReadRange, gcsReadAll, gcsList, gcsWrite, gcsCopy, gcsDelete, gcsWriteIf, gcsReadGen };
