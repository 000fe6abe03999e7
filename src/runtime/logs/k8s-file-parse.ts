// Streaming parser of conmon's "k8s-file" log (the CRI format). conmon 2.1.6 writes one line per
// chunk of output it read:
//   <local time, 9 fraction digits, ±hh:mm> <stdout|stderr> <F|P> <content>\n
// F: the content ends with the container's own newline (kept in `data`); P: a partial line, the
// trailing newline is conmon's and is not part of the output (dropped from `data`).

import { toLogTime } from "./log-time.ts";

export type LogStream = "stdout" | "stderr";

export interface LogRecord {
  /** UTC, RFC 3339 with exactly 9 fraction digits and "Z": fixed width, so strings sort by time. */
  readonly time: string;
  /** Milliseconds since the epoch (precision lost; use `time` to compare). */
  readonly timeMs: number;
  readonly stream: LogStream;
  readonly partial: boolean;
  /** The bytes the container wrote. A view into the parsed chunk: copy it to keep it long. */
  readonly data: Buffer;
}

const NL = 0x0a;
const SP = 0x20;

let lastBuf: Buffer = Buffer.alloc(0);
let lastStart = 0;
let lastLen = -1;
let lastTime: { time: string; timeMs: number } | undefined;

/** Parses one line (without its newline); undefined for lines that are not k8s-file records. */
function parseLine(buf: Buffer, start: number, end: number): LogRecord | undefined {
  const sp1 = buf.indexOf(SP, start);
  // <ts> stdout F <content>: the stream is 6 bytes, the tag 1, each followed by a space.
  if (sp1 < 0 || sp1 + 10 > end + 1 || buf[sp1 + 7] !== SP || buf[sp1 + 9] !== SP) return undefined;
  const s3 = buf[sp1 + 4];
  let stream: LogStream;
  if (buf[sp1 + 1] !== 0x73 /* s */) return undefined;
  if (s3 === 0x6f /* stdOut */) stream = "stdout";
  else if (s3 === 0x65 /* stdErr */) stream = "stderr";
  else return undefined;
  const tag = buf[sp1 + 8];
  if (tag !== 0x46 /* F */ && tag !== 0x50 /* P */) return undefined;
  // conmon stamps every line of one read with the same time: compare bytes, skip the parse.
  // (A view of the previous line, not a copy: buffers are never written once parsed.)
  let t = lastTime;
  const len = sp1 - start;
  if (
    t === undefined ||
    lastLen !== len ||
    buf.compare(lastBuf, lastStart, lastStart + len, start, sp1) !== 0
  ) {
    t = toLogTime(buf.toString("latin1", start, sp1));
    if (t === undefined) return undefined;
    lastBuf = buf;
    lastStart = start;
    lastLen = len;
    lastTime = t;
  }
  const partial = tag === 0x50;
  const contentStart = Math.min(sp1 + 10, end);
  // An F line's newline is the container's; a P line's is conmon's.
  const data = partial ? buf.subarray(contentStart, end) : buf.subarray(contentStart, end + 1);
  return { time: t.time, timeMs: t.timeMs, stream, partial, data };
}

/** Incremental parser: feed chunks, get the complete records; an unfinished last line waits. */
export class K8sFileParser {
  #rest: Buffer | undefined;

  /** Bytes of an unfinished line held back (a writer mid-write, or garbage at EOF). */
  get pending(): number {
    return this.#rest?.length ?? 0;
  }

  push(chunk: Buffer, out: LogRecord[] = []): LogRecord[] {
    let buf = chunk;
    if (this.#rest !== undefined) {
      buf = Buffer.concat([this.#rest, chunk]);
      this.#rest = undefined;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      const record = parseLine(buf, start, nl);
      if (record !== undefined) out.push(record);
      start = nl + 1;
    }
    // Copied: the caller may reuse its read buffer.
    if (start < buf.length) this.#rest = Buffer.from(buf.subarray(start));
    return out;
  }

  /** Drops an unfinished line (at EOF, or when the file it came from was rotated away). */
  reset(): void {
    this.#rest = undefined;
  }
}

/** One message as `docker logs` shows it: partial records of a stream joined up to their end. */
export interface LogMessage {
  readonly stream: LogStream;
  readonly data: Buffer;
  /** Time of the message's first record. */
  readonly time: string;
  readonly timeMs: number;
}

// Docker splits lines longer than 16 KiB into several messages too; beyond this, flush anyway so
// an endless line without newline cannot use unbounded memory.
const MAX_JOINED = 1 << 20;

/**
 * Joins P records with the record that completes them, per stream (stdout and stderr interleave).
 * The output bytes are exactly what the container wrote; only message boundaries change.
 */
export class PartialJoiner {
  readonly #pending: Record<LogStream, LogRecord[]> = { stdout: [], stderr: [] };
  readonly #size: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  push(record: LogRecord, out: LogMessage[]): void {
    const pending = this.#pending[record.stream];
    if (record.partial) {
      // Copied: records are views into a read buffer that will be reused.
      pending.push({ ...record, data: Buffer.from(record.data) });
      this.#size[record.stream] += record.data.length;
      if (this.#size[record.stream] >= MAX_JOINED) this.#flushStream(record.stream, out);
      return;
    }
    if (pending.length === 0) {
      out.push(record);
      return;
    }
    pending.push(record);
    this.#flushStream(record.stream, out);
  }

  /** Emits what is pending (at the end of the log: the bytes were written, show them). */
  flush(out: LogMessage[]): void {
    this.#flushStream("stdout", out);
    this.#flushStream("stderr", out);
  }

  #flushStream(stream: LogStream, out: LogMessage[]): void {
    const pending = this.#pending[stream];
    const first = pending[0];
    if (first === undefined) return;
    out.push({
      stream,
      time: first.time,
      timeMs: first.timeMs,
      data: Buffer.concat(pending.map((r) => r.data)),
    });
    this.#pending[stream] = [];
    this.#size[stream] = 0;
  }
}

/**
 * Kind of a k8s-file line, given its first bytes, without parsing it: whether it is a full (F)
 * line and its stream. undefined for lines that are not records.
 */
export function lineKind(head: Buffer): { full: boolean; stream: LogStream } | undefined {
  const sp1 = head.indexOf(SP);
  if (sp1 < 0 || head[sp1 + 7] !== SP) return undefined;
  const tag = head[sp1 + 8];
  if (tag !== 0x46 && tag !== 0x50) return undefined;
  return { full: tag === 0x46, stream: head[sp1 + 4] === 0x6f ? "stdout" : "stderr" };
}
