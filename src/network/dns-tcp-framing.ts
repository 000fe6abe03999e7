// DNS over TCP framing (RFC 1035 §4.2.2): every message is preceded by a two-byte big-endian
// length. A client may send several queries on one connection without waiting (RFC 7766
// §6.2.1), and TCP may split or join them anyhow, so bytes are buffered until whole messages are in.

/** The largest message a two-byte length can announce. */
export const MAX_TCP_MESSAGE = 0xffff;

/** `msg` with its length prefix; undefined when it is too long to frame. */
export function frameDnsMessage(msg: Buffer): Buffer | undefined {
  if (msg.length > MAX_TCP_MESSAGE) return undefined;
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(msg.length, 0);
  return Buffer.concat([prefix, msg]);
}

/** Collects stream chunks and hands out whole messages, in order. */
export class DnsStreamDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** The messages completed by `chunk` (possibly none). */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      out.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return out;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
