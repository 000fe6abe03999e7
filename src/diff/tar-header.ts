// The decoded form of one tar entry's header, after GNU long names and PAX records are merged
// in, and the decoding of one raw 512-byte header block. Offsets follow POSIX ustar
// (pax(1) "ustar Interchange Format"); GNU's variant differs only after `devminor`.
import { invalidArchive } from "../lib/index.ts";
import { readNumber, readString } from "./tar-fields.ts";

export const BLOCK = 512;

export type TarEntryType =
  "file" | "hardlink" | "symlink" | "char-device" | "block-device" | "directory" | "fifo" | "unknown";

export interface TarHeader {
  /** Entry path as stored (not cleaned: callers decide what is safe). */
  name: string;
  type: TarEntryType;
  /** The raw typeflag character; meaningful when `type` is "unknown". */
  typeflag: string;
  /** Symlink target, or the archive path a hardlink points to. */
  linkname: string;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Body length in bytes; 0 for types that carry no data. */
  size: number;
  /** Seconds since the epoch; fractional when a PAX record gave sub-second precision. */
  mtime: number;
  atime?: number;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX `SCHILY.xattr.*` / `LIBARCHIVE.xattr.*` records. */
  xattrs?: Map<string, Buffer>;
  /** Every PAX record that applied to this entry (global and per-entry), values as UTF-8. */
  pax?: Map<string, string>;
}

/** A header block as stored, before long-name and PAX records are applied. */
export interface RawHeader {
  name: string;
  typeflag: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

const CHKSUM_START = 148;
const CHKSUM_END = 156;

/**
 * Decodes the header block at `block[off..off+512]`. Returns null for an all-zero block (end of
 * archive marker) and throws invalidArchive when the checksum does not match.
 */
export function decodeHeaderBlock(block: Buffer, off: number): RawHeader | null {
  // One pass sums the bytes both unsigned (POSIX) and signed (some historic tars).
  let sum = 0;
  let high = 0;
  for (let i = off, end = off + BLOCK; i < end; i++) {
    const b = block[i] ?? 0;
    sum += b;
    if (b >= 0x80) high++;
  }
  if (sum === 0) return null;
  let stored = 0;
  for (let i = off + CHKSUM_START; i < off + CHKSUM_END; i++) {
    const b = block[i] ?? 0;
    stored += b;
    if (b >= 0x80) high--;
  }
  const unsigned = sum - stored + 8 * 0x20;
  const signed = unsigned - 256 * high;
  const expected = readNumber(block, off + CHKSUM_START, 8, "chksum");
  if (expected !== unsigned && expected !== signed) throw invalidArchive("header checksum mismatch");

  const flag = block[off + 156] ?? 0;
  // The ustar magic "ustar\0" (POSIX) has a 155-byte name prefix; GNU's "ustar  " does not.
  const posix = block.toString("latin1", off + 257, off + 263) === "ustar\0";
  let name = readString(block, off, 100);
  if (posix && block[off + 345] !== 0) name = `${readString(block, off + 345, 155)}/${name}`;
  return {
    name,
    typeflag: flag === 0 ? "\0" : String.fromCharCode(flag),
    linkname: readString(block, off + 157, 100),
    mode: readNumber(block, off + 100, 8, "mode"),
    uid: readNumber(block, off + 108, 8, "uid"),
    gid: readNumber(block, off + 116, 8, "gid"),
    size: readNumber(block, off + 124, 12, "size"),
    mtime: readNumber(block, off + 136, 12, "mtime"),
    uname: readString(block, off + 265, 32),
    gname: readString(block, off + 297, 32),
    devmajor: readNumber(block, off + 329, 8, "devmajor"),
    devminor: readNumber(block, off + 337, 8, "devminor"),
  };
}

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "7": "file", // contiguous file: a regular file everywhere but a few old systems
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
};

/** Maps a typeflag to an entry type; a V7 NUL typeflag with a trailing slash is a directory. */
export function entryType(typeflag: string, name: string): TarEntryType {
  if (typeflag === "\0") return name.endsWith("/") ? "directory" : "file";
  return TYPES[typeflag] ?? "unknown";
}

/** Types whose size field is ignored: they never carry a body (as Go's archive/tar reads them). */
export function isHeaderOnly(type: TarEntryType): boolean {
  return type !== "file" && type !== "unknown";
}
