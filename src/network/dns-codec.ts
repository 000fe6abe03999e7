// The few DNS messages the embedded server handles (RFC 1035 §4.1): a query's header and first
// question, and answers with A records (or AAAA, RFC 3596 §2.2). Anything else is forwarded as
// raw bytes.
import { formatIp6, ip6Bytes, parseIp6 } from "./ipv6.ts";

export interface DnsQuestion {
  id: number;
  flags: number;
  /** Lower-case, without the trailing dot. */
  name: string;
  type: number;
  klass: number;
  /** Byte offset just after the question (where answers go). */
  end: number;
}

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const RCODE_NXDOMAIN = 3;

/** The first question of a query, or undefined for anything malformed or not a query. */
export function parseQuery(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if ((flags & 0x8000) !== 0 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    const len = msg[off];
    if (len === undefined || (len & 0xc0) !== 0) return undefined; // no compression in questions
    off++;
    if (len === 0) break;
    if (off + len > msg.length) return undefined;
    labels.push(msg.toString("latin1", off, off + len));
    off += len;
  }
  if (off + 4 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0),
    flags,
    name: labels.join(".").toLowerCase(),
    type: msg.readUInt16BE(off),
    klass: msg.readUInt16BE(off + 2),
    end: off + 4,
  };
}

/** A response echoing the question, with A records (IPv4 strings) or AAAA (IPv6) and the rcode. */
export function buildAnswer(
  query: Buffer,
  q: DnsQuestion,
  addresses: readonly string[],
  rcode = 0,
  ttl = 600,
): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, opcode copied, AA, RD copied, RA.
  header.writeUInt16BE(0x8000 | (q.flags & 0x7800) | 0x0400 | (q.flags & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const question = query.subarray(12, q.end);
  const answers = addresses.map((ip) => {
    const v6 = ip.includes(":");
    const rdata = v6 ? ip6Bytes(parseIp6(ip) ?? 0n) : Buffer.from(ip.split(".").map(Number));
    const rr = Buffer.alloc(12 + rdata.length);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(v6 ? TYPE_AAAA : TYPE_A, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(rdata.length, 10);
    rdata.copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header, question, ...answers]);
}

/** RFC 1035 §4.2.1: UDP messages are limited to 512 bytes (we do not read EDNS0 sizes). */
export const UDP_MESSAGE_LIMIT = 512;

/**
 * An answer that fits `limit` bytes: as many records as fit, with the TC bit set when some were
 * left out (RFC 2181 §9), so the client asks again over TCP and gets them all.
 */
export function buildAnswerWithin(
  query: Buffer,
  q: DnsQuestion,
  addresses: readonly string[],
  limit: number,
): Buffer {
  const full = buildAnswer(query, q, addresses);
  if (full.length <= limit) return full;
  let n = addresses.length;
  let out = full;
  while (n > 0 && out.length > limit) out = buildAnswer(query, q, addresses.slice(0, --n));
  out.writeUInt16BE(out.readUInt16BE(2) | 0x0200, 2);
  return out;
}

/** A query for `name` (tests, and forwarding checks). */
export function buildQuery(id: number, name: string, type = TYPE_A): Buffer {
  const parts = name
    .split(".")
    .filter(Boolean)
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(type, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([header, ...parts, tail]);
}

/** The A and AAAA record addresses of a response (tests). */
export function parseAnswers(msg: Buffer): { rcode: number; addresses: string[] } {
  const q = parseQuery(Buffer.concat([msg.subarray(0, 2), Buffer.from([0, 0]), msg.subarray(4)]));
  const rcode = msg.readUInt16BE(2) & 0xf;
  if (!q) return { rcode, addresses: [] };
  const addresses: string[] = [];
  let off = q.end;
  for (let i = 0; i < msg.readUInt16BE(6) && off + 12 <= msg.length; i++) {
    off += (msg[off] ?? 0) >= 0xc0 ? 2 : skipName(msg, off) - off;
    const type = msg.readUInt16BE(off);
    const len = msg.readUInt16BE(off + 8);
    if (type === TYPE_A && len === 4) addresses.push([...msg.subarray(off + 10, off + 14)].join("."));
    if (type === TYPE_AAAA && len === 16) {
      const n = [...msg.subarray(off + 10, off + 26)].reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
      addresses.push(formatIp6(n));
    }
    off += 10 + len;
  }
  return { rcode, addresses };
}

function skipName(msg: Buffer, off: number): number {
  while ((msg[off] ?? 0) !== 0) {
    if (((msg[off] ?? 0) & 0xc0) === 0xc0) return off + 2;
    off += (msg[off] ?? 0) + 1;
  }
  return off + 1;
}
