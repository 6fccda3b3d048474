// .npz files are zip archives of .npy members (np.savez: stored; np.savez_compressed:
// deflated). The central directory is parsed here, zip64 included: numpy writes every member
// with zip64 local headers, and archives over 4 GiB need zip64 offsets.
import * as zlib from "zlib";
import type { ByteSource } from "./bytes";
import { InputError } from "./errors";

interface ZipMember {
  name: string;
  method: number; // 0 stored, 8 deflated
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

const isZip = (head: Uint8Array): boolean => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

const listZipMembers = (src: ByteSource): ZipMember[] => {
  const file = src.path;
  const tailLength = Math.min(src.size, 22 + 0xffff);
  const tail = src.read(src.size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new InputError(file, "not a valid .npz (zip end-of-central-directory record not found)");
  let entries = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locAt = src.size - tailLength + eocd - 20;
    const loc = src.read(locAt, 20);
    if (loc.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) throw new InputError(file, "zip64 .npz without a zip64 locator");
    const z = src.read(u64(loc, 8), 56);
    if (z.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new InputError(file, "corrupt zip64 end-of-central-directory record");
    entries = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  const cd = src.read(cdOffset, cdSize);
  const members: ZipMember[] = [];
  let p = 0;
  for (let e = 0; e < entries; e++) {
    if (cd.readUInt32LE(p) !== CENTRAL_SIG) throw new InputError(file, `corrupt zip central directory at entry ${e}`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLength);
    // Zip64 extended information: only the fields whose 32-bit value is saturated, in this order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) {
          size = u64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(cd, q);
      }
      x += 4 + len;
    }
    if (flags & 1) throw new InputError(file, `member ${name} is encrypted`);
    members.push({ name: name, method: method, compressedSize: compressedSize, size: size, localOffset: localOffset });
    p = extraEnd + commentLength;
  }
  return members;
};

// Absolute offset of a member's (possibly compressed) bytes: after its local header, whose
// extra field may differ in length from the central directory's.
const memberDataOffset = (src: ByteSource, m: ZipMember): number => {
  const h = src.read(m.localOffset, 30);
  if (h.readUInt32LE(0) !== LOCAL_SIG) throw new InputError(src.path, `corrupt local header for member ${m.name}`);
  return m.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
};

const arrayKeys = (members: ZipMember[]): string[] =>
  members.filter((m) => m.name.endsWith(".npy")).map((m) => m.name.slice(0, -4));

const chooseMember = (file: string, members: ZipMember[], key: string | undefined): ZipMember => {
  const keys = arrayKeys(members);
  if (key === undefined) {
    if (keys.length === 1) return members.find((m) => m.name === `${keys[0]}.npy`) as ZipMember;
    if (keys.length === 0) throw new InputError(file, ".npz holds no arrays");
    throw new InputError(file, `.npz holds several arrays (${keys.join(", ")}); choose one with --x-column / --y-column (config x.column / y.column)`);
  }
  const m = members.find((x) => x.name === `${key}.npy`);
  if (!m) throw new InputError(file, `.npz has no array '${key}' (arrays: ${keys.join(", ")})`);
  return m;
};

// The first `length` bytes of a deflated member, for its .npy header. Z_SYNC_FLUSH lets
// inflate stop at the end of the input we give it instead of failing on a truncated stream.
const inflatePrefix = (src: ByteSource, offset: number, m: ZipMember, length: number): Buffer => {
  const take = Math.min(m.compressedSize, Math.max(4096, length * 2));
  const out = zlib.inflateRawSync(src.read(offset, take), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return out.subarray(0, Math.min(length, out.length));
};

// Deflated members cannot be read by byte range, so a worker inflates the member once and keeps
// the latest one: chunks of the same file then cost one inflate.
let inflated: { key: string; bytes: Buffer } | undefined;
const inflateMember = (src: ByteSource, offset: number, m: ZipMember): Buffer => {
  const key = `${src.path}\u0000${src.version}\u0000${m.name}`;
  if (inflated?.key === key) return inflated.bytes;
  inflated = undefined;
  let bytes: Buffer;
  try {
    bytes = zlib.inflateRawSync(src.read(offset, m.compressedSize));
  } catch (e) {
    throw new InputError(src.path, `cannot inflate member ${m.name}: ${(e as Error).message}`);
  }
  if (bytes.length !== m.size) throw new InputError(src.path, `member ${m.name} inflated to ${bytes.length} bytes, zip says ${m.size}`);
  inflated = { key: key, bytes: bytes };
  return bytes;
};

export { isZip, listZipMembers, memberDataOffset, chooseMember, arrayKeys, inflatePrefix, inflateMember };
export type { ZipMember };
