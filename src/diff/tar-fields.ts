// Codecs for the fixed-width fields of a 512-byte tar header block. Numbers are octal ASCII
// (POSIX ustar) or, when the high bit of the first byte is set, GNU base-256 big-endian binary
// (negative when the first byte is 0xff), which GNU tar and Go's archive/tar emit for values
// that do not fit in octal.
import { invalidArchive } from "../lib/index.ts";

const NUL = 0;
const SPACE = 0x20;
const ZERO = 0x30;
const SEVEN = 0x37;

/** Reads a NUL-terminated (or field-filling) string. */
export function readString(block: Buffer, start: number, length: number): string {
  const end = start + length;
  let nul = block.indexOf(NUL, start);
  if (nul === -1 || nul > end) nul = end;
  return nul === start ? "" : block.toString("utf8", start, nul);
}

/** Reads an octal or base-256 number field; `what` names it in errors. */
export function readNumber(block: Buffer, start: number, length: number, what: string): number {
  const end = start + length;
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) return readBase256(block, start, end, what);
  let i = start;
  while (i < end && (block[i] === SPACE || block[i] === NUL)) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = block[i] ?? 0;
    if (c < ZERO || c > SEVEN) break;
    value = value * 8 + (c - ZERO);
  }
  // Anything after the digits must be a terminator (NUL or space).
  for (; i < end; i++) {
    const c = block[i];
    if (c !== NUL && c !== SPACE) throw invalidArchive(`header field ${what} is not an octal number`);
  }
  return value;
}

function readBase256(block: Buffer, start: number, end: number, what: string): number {
  const negative = block[start] === 0xff;
  // Two's complement for negatives: invert every byte, add one at the end.
  let value = negative ? 0 : (block[start] ?? 0) & 0x7f;
  for (let i = start + 1; i < end; i++) {
    const b = block[i] ?? 0;
    value = value * 256 + (negative ? 0xff - b : b);
    if (value > Number.MAX_SAFE_INTEGER) throw invalidArchive(`header field ${what} is out of range`);
  }
  return negative ? -(value + 1) : value;
}

/** Writes `value` as zero-padded octal digits followed by a NUL; false when it does not fit. */
export function writeOctal(block: Buffer, start: number, length: number, value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 0) return false;
  const digits = value.toString(8);
  if (digits.length > length - 1) return false;
  block.write(digits.padStart(length - 1, "0"), start, "latin1");
  block[start + length - 1] = NUL;
  return true;
}

/** Writes a string into a field; false when its UTF-8 form does not fit (caller falls back to PAX). */
export function writeString(block: Buffer, start: number, length: number, value: string): boolean {
  if (Buffer.byteLength(value) > length) return false;
  block.write(value, start, length, "utf8");
  return true;
}
