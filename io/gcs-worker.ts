// Runs in a worker thread started by io/gcs.ts (synckit): the main thread blocks on
// Atomics.wait while this thread runs the async @google-cloud/storage calls. One Storage
// client per worker; it honours STORAGE_EMULATOR_HOST for tests against a local server.
import { Storage } from "@google-cloud/storage";
import { runAsWorker } from "synckit";

let client: Storage | undefined;
// With STORAGE_EMULATOR_HOST set, @google-cloud/storage 7 uses it verbatim as the JSON API base
// URL (no /storage/v1), which emulators such as fake-gcs-server answer with 404. So the variable
// becomes an apiEndpoint instead (auth is then skipped); this worker's env is its own copy.
const storage = (): Storage => {
  if (!client) {
    const emulator = process.env.STORAGE_EMULATOR_HOST;
    if (emulator) {
      delete process.env.STORAGE_EMULATOR_HOST;
      client = new Storage({
        apiEndpoint: emulator.replace(/\/+$/, "").replace(/\/storage\/v1$/, ""),
        projectId: process.env.GOOGLE_CLOUD_PROJECT ?? "emulator",
      });
    } else {
      client = new Storage();
    }
  }
  return client;
};

interface GcsObject {
  name: string;
  size: number;
}

const handle = async (op: string, bucket: string, name: string, a?: number, b?: number, data?: Uint8Array): Promise<unknown> => {
  const file = storage().bucket(bucket).file(name);
  switch (op) {
    case "stat": {
      const meta = (await file.getMetadata())[0];
      return { size: Number(meta.size), generation: String(meta.generation ?? "") };
    }
    case "read": {
      const start = a as number;
      const length = b as number;
      // `end` is inclusive; validation off because a range has no whole-object checksum.
      const buf = (await file.download({ start: start, end: start + length - 1, validation: false }))[0];
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    case "list": {
      const files = (await storage().bucket(bucket).getFiles({ prefix: name, autoPaginate: true }))[0];
      const out: GcsObject[] = files.map((f) => ({ name: f.name, size: Number(f.metadata.size) }));
      return out;
    }
    case "readAll": {
      const buf = (await file.download())[0];
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    case "readGen": {
      // the bytes of exactly the generation reported: a newer write in between cannot mix in
      const gen = String((await file.getMetadata())[0].generation ?? "");
      const buf = (await storage().bucket(bucket).file(name, { generation: Number(gen) }).download())[0];
      return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), generation: gen };
    }
    case "writeIf": {
      // a = ifGenerationMatch (0: the object must not exist); answers the new generation
      const body = data as Uint8Array;
      await file.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
        resumable: false, preconditionOpts: { ifGenerationMatch: a as number },
      });
      return String((await file.getMetadata())[0].generation ?? "");
    }
    case "copy": {
      // a = unused; the destination travels as `data` (UTF-8 "bucket/name")
      const dest = Buffer.from(data as Uint8Array).toString("utf8");
      const cut = dest.indexOf("/");
      await file.copy(storage().bucket(dest.slice(0, cut)).file(dest.slice(cut + 1)));
      return true;
    }
    case "delete": {
      try {
        // b = ifGenerationMatch when given: delete only the generation that was read
        await file.delete(b !== undefined ? { ifGenerationMatch: b } : {});
      } catch (e) {
        // a = 1: a missing object is not an error
        if (a === 1 && (e as { code?: unknown }).code === 404) return false;
        throw e;
      }
      return true;
    }
    case "write": {
      await file.save(Buffer.from((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength), {
        resumable: false,
      });
      return true;
    }
    default:
      throw new Error(`unknown gcs op ${op}`);
  }
};

// Client errors carry functions and sockets that cannot cross the thread boundary: pass on
// the message and status code only.
const handleCloneably = async (...args: Parameters<typeof handle>): Promise<unknown> => {
  try {
    return await handle(...args);
  } catch (e) {
    const err = e as { message?: string; code?: unknown };
    const code = err.code !== undefined ? ` (code ${String(err.code)})` : "";
    throw new Error(`${err.message ?? String(e)}${code}`);
  }
};

runAsWorker(handleCloneably);

export type { GcsObject };
