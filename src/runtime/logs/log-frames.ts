// Log messages as the Engine API sends them (swagger, GET /containers/{id}/logs, "Stream
// format"): without a TTY each message is a frame [stream id, 0, 0, 0, uint32 BE length] +
// payload (1 stdout, 2 stderr); with a TTY the bytes go raw. With timestamps, each message is
// prefixed by its time in Go's RFC3339NanoFixed layout (moby daemon/logs.go), i.e. always nine
// fraction digits, UTC "Z", then a space: the `time` of a LogMessage plus " ".
//
// Consecutive messages of one stream share a frame. The format makes a frame a piece of a
// stream, not a line (attach sends whatever each read returned), and every client demuxes that
// way; dockerd happens to send a frame per line, which makes the docker CLI do a write(2) per
// line: reading 100 MB of short lines back costs it over a second instead of a tenth.
import type { LogMessage, LogStream } from "./k8s-file-parse.ts";

export interface FrameOptions {
  /** The container has a TTY: no multiplexing header. */
  readonly tty: boolean;
  readonly timestamps: boolean;
}

export const STREAM_ID: Readonly<Record<LogStream, number>> = { stdout: 1, stderr: 2 };

const HEADER = 8;

/** Encodes a batch of messages into one buffer (one socket write per batch). */
export function encodeLogFrames(messages: readonly LogMessage[], options: FrameOptions): Buffer {
  const header = options.tty ? 0 : HEADER;
  const sizeOf = (m: LogMessage): number => m.data.length + (options.timestamps ? m.time.length + 1 : 0);
  let total = 0;
  for (const [i, m] of messages.entries()) {
    total += sizeOf(m) + (i === 0 || messages[i - 1]?.stream !== m.stream ? header : 0);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  let frameStart = -1;
  const closeFrame = (): void => {
    if (frameStart >= 0) out.writeUInt32BE(at - frameStart - HEADER, frameStart + 4);
  };
  for (const [i, m] of messages.entries()) {
    if (!options.tty && (i === 0 || messages[i - 1]?.stream !== m.stream)) {
      closeFrame();
      frameStart = at;
      out[at] = STREAM_ID[m.stream];
      out[at + 1] = 0;
      out[at + 2] = 0;
      out[at + 3] = 0;
      at += HEADER;
    }
    if (options.timestamps) {
      at += out.write(m.time, at, "latin1");
      out[at++] = 0x20;
    }
    at += m.data.copy(out, at);
  }
  closeFrame();
  return out;
}

export interface DecodedFrame {
  readonly stream: number;
  readonly data: Buffer;
}

/** The inverse of the non-TTY framing (for tests and the client); a cut frame at the end stays. */
export function decodeLogFrames(buf: Buffer): { frames: DecodedFrame[]; rest: Buffer } {
  const frames: DecodedFrame[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const length = buf.readUInt32BE(at + 4);
    if (at + HEADER + length > buf.length) break;
    frames.push({ stream: buf[at] ?? 0, data: buf.subarray(at + HEADER, at + HEADER + length) });
    at += HEADER + length;
  }
  return { frames, rest: buf.subarray(at) };
}
