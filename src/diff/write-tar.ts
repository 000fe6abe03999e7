// Tar writer: turns a sequence of entries into a POSIX ustar stream, adding a PAX extended
// header (pax(1) "pax Extended Header") only for what ustar cannot hold: long or non-ASCII
// names, big numbers, sub-second or negative times, xattrs. GNU tar, Go's archive/tar and
// Docker read it. Used for `docker save` archives and layer diffs.
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { invalidArgument } from "../lib/index.ts";
import { encodePaxRecord } from "./pax.ts";
import { BLOCK } from "./tar-header.ts";
import { writeOctal, writeString } from "./tar-fields.ts";

export interface TarWriteCommon {
  name: string;
  /** Permission bits (0o7777); defaults to 0o644 for files, 0o755 for directories, 0o777 for symlinks. */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch (fractions kept via PAX), or a Date; defaults to 0 for reproducible output. */
  mtime?: number | Date;
  xattrs?: ReadonlyMap<string, Buffer>;
}

export type TarWriteEntry =
  | (TarWriteCommon & { type: "directory" })
  | (TarWriteCommon & { type: "file"; data: Buffer | string })
  | (TarWriteCommon & { type: "file"; path: string; size: number })
  | (TarWriteCommon & { type: "symlink" | "hardlink"; target: string })
  | (TarWriteCommon & { type: "char-device" | "block-device"; major: number; minor: number })
  | (TarWriteCommon & { type: "fifo" });

const TYPEFLAG: Record<TarWriteEntry["type"], string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  "char-device": "3",
  "block-device": "4",
  directory: "5",
  fifo: "6",
};

const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** A readable tar stream of `entries`, ended with the two zero blocks of end-of-archive. */
export function writeTar(entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>): Readable {
  return Readable.from(generate(entries), { objectMode: false });
}

async function* generate(
  entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>,
): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    const size = entry.type === "file" ? ("data" in entry ? Buffer.byteLength(entry.data) : entry.size) : 0;
    yield encodeTarHeader(entry, size);
    if (entry.type !== "file") continue;
    if ("data" in entry) yield Buffer.from(entry.data);
    else yield* fileBody(entry.path, entry.size, entry.name);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield END_OF_ARCHIVE;
}

async function* fileBody(path: string, size: number, name: string): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (read > size) break;
    yield chunk;
  }
  if (read !== size) {
    throw invalidArgument(
      "FILE_CHANGED",
      `${path} (${name}) changed size while being archived: expected ${size} bytes`,
    );
  }
}

/** The header block(s) of one entry: a PAX header first when ustar fields cannot hold it. */
export function encodeTarHeader(entry: TarWriteEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const pax: Buffer[] = [];
  const name = entry.type === "directory" && !entry.name.endsWith("/") ? `${entry.name}/` : entry.name;
  if (name.includes("\0") || ("target" in entry && entry.target.includes("\0"))) {
    throw invalidArgument("INVALID_TAR_ENTRY", `tar entry ${JSON.stringify(name)} contains a NUL byte`);
  }

  if (!writeName(block, name)) {
    pax.push(encodePaxRecord("path", name));
    writeString(block, 0, 100, asciiPrefix(name, 100));
  }
  if (entry.type === "symlink" || entry.type === "hardlink") {
    if (!isAscii(entry.target) || !writeString(block, 157, 100, entry.target)) {
      pax.push(encodePaxRecord("linkpath", entry.target));
      writeString(block, 157, 100, asciiPrefix(entry.target, 100));
    }
  }
  const mode = entry.mode ?? (entry.type === "directory" ? 0o755 : entry.type === "symlink" ? 0o777 : 0o644);
  writeOctal(block, 100, 8, mode & 0o7777);
  numberField(block, 108, 8, "uid", entry.uid ?? 0, pax);
  numberField(block, 116, 8, "gid", entry.gid ?? 0, pax);
  numberField(block, 124, 12, "size", size, pax);
  const mtime = entry.mtime instanceof Date ? entry.mtime.getTime() / 1000 : (entry.mtime ?? 0);
  if (!Number.isInteger(mtime) || !writeOctal(block, 136, 12, mtime)) {
    pax.push(encodePaxRecord("mtime", formatTime(mtime)));
    writeOctal(block, 136, 12, Math.max(0, Math.floor(mtime)));
  }
  block.write(TYPEFLAG[entry.type], 156, "latin1");
  block.write("ustar\x0000", 257, "latin1");
  for (const [offset, key, value] of [
    [265, "uname", entry.uname ?? ""],
    [297, "gname", entry.gname ?? ""],
  ] as const) {
    if (!isAscii(value) || !writeString(block, offset, 32, value)) pax.push(encodePaxRecord(key, value));
  }
  const device = entry.type === "char-device" || entry.type === "block-device";
  writeOctal(block, 329, 8, device ? entry.major : 0);
  writeOctal(block, 337, 8, device ? entry.minor : 0);
  for (const [key, value] of entry.xattrs ?? []) pax.push(encodePaxRecord(`SCHILY.xattr.${key}`, value));
  checksum(block);

  if (pax.length === 0) return block;
  const body = Buffer.concat(pax);
  const paxEntry: TarWriteEntry = {
    type: "file",
    name: `PaxHeaders/${asciiPrefix(basename(name), 88)}`,
    data: body,
  };
  const paxHeader = encodeTarHeader(paxEntry, body.length);
  paxHeader.write("x", 156, "latin1");
  checksum(paxHeader);
  const pad = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK);
  return Buffer.concat([paxHeader, body, pad, block]);
}

/** ustar name: the 100-byte field, or split at a slash into the 155-byte prefix and the name. */
function writeName(block: Buffer, name: string): boolean {
  if (!isAscii(name)) return false;
  if (name.length <= 100) return writeString(block, 0, 100, name);
  for (let slash = name.indexOf("/"); slash !== -1 && slash <= 155; slash = name.indexOf("/", slash + 1)) {
    const rest = name.slice(slash + 1);
    if (rest.length > 0 && rest.length <= 100) {
      writeString(block, 345, 155, name.slice(0, slash));
      return writeString(block, 0, 100, rest);
    }
  }
  return false;
}

function numberField(
  block: Buffer,
  offset: number,
  length: number,
  key: string,
  value: number,
  pax: Buffer[],
): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument("INVALID_TAR_ENTRY", `tar ${key} must be a non-negative integer, got ${value}`);
  }
  if (!writeOctal(block, offset, length, value)) {
    pax.push(encodePaxRecord(key, String(value)));
    writeOctal(block, offset, length, 0);
  }
}

function checksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i] ?? 0;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
}

function formatTime(seconds: number): string {
  // Up to nanoseconds, without float noise or trailing zeros.
  const fixed = seconds.toFixed(9).replace(/\.?0+$/, "");
  return fixed === "-0" ? "0" : fixed;
}

function isAscii(s: string): boolean {
  return !/[^\x01-\x7f]/.test(s);
}

function asciiPrefix(s: string, max: number): string {
  return s.replace(/[^\x01-\x7f]/g, "_").slice(0, max);
}
