// The embedded DNS server of user-defined networks. Docker answers on 127.0.0.11 inside each
// container (iptables DNAT to a socket the daemon opens in that namespace); berth needs no
// per-container socket or rule: it listens once per network on the bridge's gateway address
// (port 53, UDP and TCP, in berthd's own namespace), which is every container's nameserver on
// that network. Names of containers on the network (name, aliases, short id) are answered from
// memory; everything else is forwarded to the host's resolvers and the answer relayed.
import { createSocket, type Socket } from "node:dgram";
import { connect, createServer, type Server, type Socket as TcpSocket } from "node:net";
import {
  buildAnswer,
  buildAnswerWithin,
  parseQuery,
  RCODE_NXDOMAIN,
  TYPE_A,
  TYPE_AAAA,
  UDP_MESSAGE_LIMIT,
} from "./dns-codec.ts";
import { DnsStreamDecoder, frameDnsMessage, MAX_TCP_MESSAGE } from "./dns-tcp-framing.ts";

export type DnsLookup = (name: string) => string[] | undefined;

const FORWARD_TIMEOUT_MS = 5000;
/** RFC 7766 §6.2.3: servers close idle connections; clients reconnect. */
const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 256;

interface Listener {
  udp: Socket;
  tcp: Server;
}

export class EmbeddedDns {
  private readonly listeners = new Map<string, Listener>();

  constructor(private readonly upstreams: () => string[]) {}

  async listen(address: string, lookup: DnsLookup): Promise<void> {
    if (this.listeners.has(address)) return;
    const udp = createSocket("udp4");
    udp.on("message", (msg, rinfo) =>
      this.answer(
        msg,
        lookup,
        (reply) => udp.send(reply, rinfo.port, rinfo.address),
        forwardUdp,
        UDP_MESSAGE_LIMIT,
      ),
    );
    udp.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(53, address, () => resolve());
    });
    udp.unref();
    const tcp = createServer((conn) => this.serveTcp(conn, lookup));
    tcp.maxConnections = TCP_MAX_CONNECTIONS;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen({ port: 53, host: address }, () => resolve());
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    tcp.on("error", () => undefined);
    tcp.unref();
    this.listeners.set(address, { udp, tcp });
  }

  close(address: string): void {
    const l = this.listeners.get(address);
    if (!l) return;
    l.udp.close();
    l.tcp.close();
    this.listeners.delete(address);
  }

  closeAll(): void {
    for (const address of [...this.listeners.keys()]) this.close(address);
  }

  /** One connection: length-prefixed queries in, answers out in whatever order they finish. */
  private serveTcp(conn: TcpSocket, lookup: DnsLookup): void {
    const decoder = new DnsStreamDecoder();
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    conn.on("error", () => undefined);
    conn.on("data", (chunk: Buffer) => {
      for (const msg of decoder.push(chunk)) {
        this.answer(
          msg,
          lookup,
          (reply) => {
            const framed = frameDnsMessage(reply);
            if (framed && conn.writable) conn.write(framed);
          },
          forwardTcp,
          MAX_TCP_MESSAGE,
        );
      }
    });
  }

  private answer(
    msg: Buffer,
    lookup: DnsLookup,
    reply: (m: Buffer) => void,
    forward: (msg: Buffer, upstream: string, reply: (m: Buffer) => void) => void,
    limit: number,
  ): void {
    const q = parseQuery(msg);
    if (!q) return;
    const local = lookup(q.name);
    if (local !== undefined) {
      // Known name: the records of the asked type; other types get an empty NOERROR answer.
      const wanted = local.filter((ip) =>
        q.type === TYPE_AAAA ? ip.includes(":") : q.type === TYPE_A && !ip.includes(":"),
      );
      reply(buildAnswerWithin(msg, q, wanted, limit));
      return;
    }
    if (!q.name.includes(".") && (q.type === TYPE_A || q.type === TYPE_AAAA)) {
      reply(buildAnswer(msg, q, [], RCODE_NXDOMAIN));
      return;
    }
    const upstream = this.upstreams()[0];
    if (upstream !== undefined) forward(msg, upstream, reply);
  }
}

function forwardUdp(msg: Buffer, upstream: string, reply: (m: Buffer) => void): void {
  const out = createSocket(upstream.includes(":") ? "udp6" : "udp4");
  const timer = setTimeout(() => out.close(), FORWARD_TIMEOUT_MS);
  out.on("error", () => {
    clearTimeout(timer);
    out.close();
  });
  out.on("message", (m) => {
    clearTimeout(timer);
    out.close();
    reply(m);
  });
  out.send(msg, 53, upstream);
}

/** A query that came over TCP goes upstream over TCP too (it may be a retry after truncation). */
function forwardTcp(msg: Buffer, upstream: string, reply: (m: Buffer) => void): void {
  const framed = frameDnsMessage(msg);
  if (!framed) return;
  const out = connect({ port: 53, host: upstream });
  const decoder = new DnsStreamDecoder();
  out.setTimeout(FORWARD_TIMEOUT_MS, () => out.destroy());
  out.on("error", () => out.destroy());
  out.on("connect", () => out.write(framed));
  out.on("data", (chunk: Buffer) => {
    const [answer] = decoder.push(chunk);
    if (answer === undefined) return;
    out.destroy();
    reply(answer);
  });
}
