// A push parser for tar streams: feed it chunks of any size, it calls a sink with each entry's
// header, its body as slices of the input chunks, and the entry's end. It never copies file
// data; only header blocks that straddle two chunks and metadata bodies (GNU long names, PAX
// records) are copied. Being synchronous, it lets the layer worker write each slice straight to
// disk and reuse its read buffer.
//
// Formats: POSIX ustar, GNU (long name 'L', long link 'K'), PAX ('x' per entry, 'g' global;
// pax(1) "pax Extended Header").
import { invalidArchive } from "../lib/index.ts";
import { parsePaxRecords } from "./pax.ts";
import type { RawHeader, TarHeader } from "./tar-header.ts";
import { BLOCK, decodeHeaderBlock, entryType, isHeaderOnly } from "./tar-header.ts";

export interface TarSink {
  onEntry(header: TarHeader): void;
  /** A piece of the current entry's body; only valid during the call (the buffer may be reused). */
  onData(chunk: Buffer): void;
  onEntryEnd(): void;
}

const enum State {
  Header,
  Body,
  Meta,
  Padding,
  End,
}

/** Metadata bodies are held in memory: cap them so a hostile header cannot exhaust it. */
const MAX_META = 16 * 1024 * 1024;

export class TarParser {
  #state = State.Header;
  readonly #sink: TarSink;
  readonly #block = Buffer.alloc(BLOCK);
  #blockFill = 0;
  #remaining = 0; // body or metadata bytes left
  #padding = 0;
  #zeroBlocks = 0;
  #metaType = "";
  #metaChunks: Buffer[] = [];
  #longName: string | undefined;
  #longLink: string | undefined;
  #pax: Map<string, Buffer> | undefined;
  readonly #globalPax = new Map<string, Buffer>();

  constructor(sink: TarSink) {
    this.#sink = sink;
  }

  /** True once the end-of-archive marker (two zero blocks) has been read. */
  get finished(): boolean {
    return this.#state === State.End;
  }

  push(chunk: Buffer): void {
    let off = 0;
    const len = chunk.length;
    while (off < len) {
      switch (this.#state) {
        case State.Header:
          if (this.#blockFill === 0 && len - off >= BLOCK) {
            this.#header(chunk, off);
            off += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.#blockFill, len - off);
            chunk.copy(this.#block, this.#blockFill, off, off + n);
            this.#blockFill += n;
            off += n;
            if (this.#blockFill === BLOCK) {
              this.#blockFill = 0;
              this.#header(this.#block, 0);
            }
          }
          break;
        case State.Body: {
          const n = Math.min(this.#remaining, len - off);
          this.#sink.onData(off === 0 && n === len ? chunk : chunk.subarray(off, off + n));
          off += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            this.#state = this.#padding > 0 ? State.Padding : State.Header;
            this.#sink.onEntryEnd();
          }
          break;
        }
        case State.Meta: {
          const n = Math.min(this.#remaining, len - off);
          this.#metaChunks.push(Buffer.from(chunk.subarray(off, off + n))); // copy: input may be reused
          off += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            this.#state = this.#padding > 0 ? State.Padding : State.Header;
            this.#meta(Buffer.concat(this.#metaChunks));
          }
          break;
        }
        case State.Padding: {
          const n = Math.min(this.#padding, len - off);
          off += n;
          this.#padding -= n;
          if (this.#padding === 0) this.#state = State.Header;
          break;
        }
        case State.End:
          return; // bytes after the end marker are not entries
      }
    }
  }

  /**
   * Signals the end of input. A stream may end cleanly at an entry boundary (as Go's archive/tar
   * accepts); ending inside a header, a body or its padding means it was truncated.
   */
  end(): void {
    if (this.#state === State.End) return;
    const pendingMeta =
      this.#longName !== undefined || this.#longLink !== undefined || this.#pax !== undefined;
    if (this.#state !== State.Header || this.#blockFill !== 0 || pendingMeta) {
      throw invalidArchive("unexpected end of archive (truncated)");
    }
  }

  #header(buf: Buffer, off: number): void {
    const raw = decodeHeaderBlock(buf, off);
    if (raw === null) {
      if (++this.#zeroBlocks === 2) this.#state = State.End;
      return;
    }
    if (this.#zeroBlocks > 0) throw invalidArchive("lone zero block inside the archive");
    const meta = raw.typeflag === "L" || raw.typeflag === "K" || raw.typeflag === "x" || raw.typeflag === "g";
    if (meta) {
      if (raw.size > MAX_META) throw invalidArchive(`metadata entry of ${raw.size} bytes is too large`);
      this.#metaType = raw.typeflag;
      this.#metaChunks = [];
      this.#remaining = raw.size;
      this.#padding = padding(raw.size);
      if (raw.size === 0) this.#meta(Buffer.alloc(0));
      else this.#state = State.Meta;
      return;
    }
    if (raw.typeflag === "S") throw invalidArchive(`GNU sparse file ${raw.name} is not supported`);
    const header = this.#merge(raw);
    const size = isHeaderOnly(header.type) ? 0 : header.size;
    header.size = size;
    this.#sink.onEntry(header);
    if (size === 0) {
      this.#sink.onEntryEnd();
      return;
    }
    this.#remaining = size;
    this.#padding = padding(size);
    this.#state = State.Body;
  }

  #meta(body: Buffer): void {
    switch (this.#metaType) {
      case "L":
        this.#longName = trimNul(body);
        break;
      case "K":
        this.#longLink = trimNul(body);
        break;
      case "x":
        this.#pax = parsePaxRecords(body);
        break;
      case "g":
        for (const [key, value] of parsePaxRecords(body)) {
          if (value.length === 0) this.#globalPax.delete(key);
          else this.#globalPax.set(key, value);
        }
        break;
    }
  }

  /** Applies pending long names and PAX records (global first, then per-entry) to a raw header. */
  #merge(raw: RawHeader): TarHeader {
    const header: TarHeader = {
      name: this.#longName ?? raw.name,
      type: "unknown",
      typeflag: raw.typeflag,
      linkname: this.#longLink ?? raw.linkname,
      mode: raw.mode & 0o7777,
      uid: raw.uid,
      gid: raw.gid,
      uname: raw.uname,
      gname: raw.gname,
      size: raw.size,
      mtime: raw.mtime,
      devmajor: raw.devmajor,
      devminor: raw.devminor,
    };
    const local = this.#pax;
    this.#longName = undefined;
    this.#longLink = undefined;
    this.#pax = undefined;
    if (this.#globalPax.size > 0) applyPax(header, this.#globalPax);
    if (local !== undefined) applyPax(header, local);
    header.type = entryType(header.typeflag, header.name);
    return header;
  }
}

function applyPax(header: TarHeader, records: Map<string, Buffer>): void {
  const pax = (header.pax ??= new Map());
  for (const [key, bytes] of records) {
    if (bytes.length === 0) continue; // an empty value cancels the record (pax(1))
    if (key.startsWith("SCHILY.xattr.")) {
      (header.xattrs ??= new Map()).set(key.slice(13), bytes);
      continue;
    }
    if (key.startsWith("LIBARCHIVE.xattr.")) {
      // libarchive percent-encodes the name and base64-encodes the value.
      const name = decodeURIComponent(key.slice(17));
      (header.xattrs ??= new Map()).set(name, Buffer.from(bytes.toString("latin1"), "base64"));
      continue;
    }
    const value = bytes.toString("utf8");
    pax.set(key, value);
    switch (key) {
      case "path":
        header.name = value;
        break;
      case "linkpath":
        header.linkname = value;
        break;
      case "size":
        header.size = paxNumber(key, value);
        break;
      case "uid":
        header.uid = paxNumber(key, value);
        break;
      case "gid":
        header.gid = paxNumber(key, value);
        break;
      case "uname":
        header.uname = value;
        break;
      case "gname":
        header.gname = value;
        break;
      case "mtime":
        header.mtime = paxTime(key, value);
        break;
      case "atime":
        header.atime = paxTime(key, value);
        break;
      default:
        if (key.startsWith("GNU.sparse."))
          throw invalidArchive(`GNU sparse file ${header.name} is not supported`);
    }
  }
}

function paxNumber(key: string, value: string): number {
  if (!/^[0-9]{1,16}$/.test(value)) throw invalidArchive(`PAX record ${key}=${value} is not a number`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidArchive(`PAX record ${key}=${value} is out of range`);
  return n;
}

function paxTime(key: string, value: string): number {
  // pax(1): decimal seconds with an optional fraction, possibly negative.
  if (!/^-?[0-9]{1,16}(\.[0-9]*)?$/.test(value))
    throw invalidArchive(`PAX record ${key}=${value} is not a time`);
  return Number(value);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function trimNul(body: Buffer): string {
  const nul = body.indexOf(0);
  return body.toString("utf8", 0, nul === -1 ? body.length : nul);
}
