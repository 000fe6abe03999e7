// The server side of RFC 6455 (The WebSocket Protocol), as much as the attach websocket needs:
// the opening handshake's accept value (§4.2.2), unmasked server frames (§5.1: "A server MUST
// NOT mask any frames"), and a decoder of client frames, which MUST be masked (§5.3), with
// fragmentation (§5.4) and control frames (§5.5: ping, pong, close; at most 125 bytes, never
// fragmented).
import { createHash } from "node:crypto";

/** §1.3: the GUID appended to Sec-WebSocket-Key. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** §7.4.1 status codes used here. */
export const CLOSE_STATUS = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  tooBig: 1009,
} as const;

/** §4.2.2 step 5.4: base64 of the SHA-1 of the key followed by the GUID. */
export function websocketAccept(key: string): string {
  return createHash("sha1").update(`${key}${GUID}`).digest("base64");
}

/** §4.1: the key is 16 random bytes, base64-encoded (24 characters). */
export function validWebsocketKey(key: string | undefined): key is string {
  return key !== undefined && /^[A-Za-z0-9+/]{22}==$/.test(key.trim());
}

/** One final, unmasked frame (§5.2). */
export function encodeFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** §5.5.1: a close frame with a status code and an optional reason. */
export function closeFrame(status: number, reason = ""): Buffer {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(status, 0);
  body.write(reason, 2);
  return encodeFrame(OPCODE.close, body);
}

export type DecodedFrame =
  | { kind: "data"; payload: Buffer }
  | { kind: "ping"; payload: Buffer }
  | { kind: "pong" }
  | { kind: "close"; status?: number }
  /** The client broke the protocol: close the connection with this status. */
  | { kind: "error"; status: number; reason: string };

/**
 * Decodes client frames from a byte stream. Data frames (text, binary and their continuations)
 * come out as they arrive, each fragment on its own: the attach websocket forwards bytes, it
 * need not reassemble messages.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private inMessage = false;
  private failed = false;

  constructor(private readonly maxFrame = 16 * 1024 * 1024) {}

  push(chunk: Buffer): DecodedFrame[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: DecodedFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === undefined) break;
      out.push(frame);
      if (frame.kind === "error") {
        this.failed = true;
        break;
      }
    }
    return out;
  }

  private fail(status: number, reason: string): DecodedFrame {
    return { kind: "error", status, reason };
  }

  private next(): DecodedFrame | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const b0 = b[0] ?? 0;
    const b1 = b[1] ?? 0;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    // §5.2: RSV1-3 must be 0 without a negotiated extension.
    if ((b0 & 0x70) !== 0) return this.fail(CLOSE_STATUS.protocolError, "reserved bits set");
    if ((b1 & 0x80) === 0) return this.fail(CLOSE_STATUS.protocolError, "client frames must be masked");
    let length = b1 & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const long = b.readBigUInt64BE(2);
      if (long > BigInt(this.maxFrame)) return this.fail(CLOSE_STATUS.tooBig, "frame too large");
      length = Number(long);
      at = 10;
    }
    if (length > this.maxFrame) return this.fail(CLOSE_STATUS.tooBig, "frame too large");
    const control = (opcode & 0x8) !== 0;
    if (control && (!fin || length > 125)) return this.fail(CLOSE_STATUS.protocolError, "bad control frame");
    if (b.length < at + 4 + length) return undefined;
    const mask = b.subarray(at, at + 4);
    const payload = Buffer.from(b.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
    this.buffer = b.subarray(at + 4 + length);
    switch (opcode) {
      case OPCODE.text:
      case OPCODE.binary:
        if (this.inMessage)
          return this.fail(CLOSE_STATUS.protocolError, "new message inside a fragmented one");
        this.inMessage = !fin;
        return { kind: "data", payload };
      case OPCODE.continuation:
        if (!this.inMessage) return this.fail(CLOSE_STATUS.protocolError, "continuation without a message");
        this.inMessage = !fin;
        return { kind: "data", payload };
      case OPCODE.ping:
        return { kind: "ping", payload };
      case OPCODE.pong:
        return { kind: "pong" };
      case OPCODE.close:
        return payload.length >= 2 ? { kind: "close", status: payload.readUInt16BE(0) } : { kind: "close" };
      default:
        return this.fail(CLOSE_STATUS.protocolError, `unknown opcode ${opcode}`);
    }
  }
}

/**
 * Splits the Engine API's multiplexed stream (8-byte headers: stream type, 3 zero bytes, size
 * big-endian) back into payloads; the websocket carries output raw, as with a TTY.
 */
export class MultiplexedSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      if (size > 0) out.push(this.buffer.subarray(8, 8 + size));
      this.buffer = this.buffer.subarray(8 + size);
    }
    return out;
  }
}
