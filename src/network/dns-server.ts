// The embedded DNS server of user-defined networks. Docker answers on 127.0.0.11 inside each
// container (iptables DNAT to a socket the daemon opens in that namespace); berth needs no
// per-container socket or rule: it listens once per network on the bridge's gateway address
// (UDP port 53, in berthd's own namespace), which is every container's nameserver on that
// network. Names of containers on the network (name, aliases, short id) are answered from
// memory; everything else is forwarded to the host's resolvers and the answer relayed.
import { createSocket, type Socket } from "node:dgram";
import { buildAnswer, parseQuery, RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA } from "./dns-codec.ts";

export type DnsLookup = (name: string) => string[] | undefined;

const FORWARD_TIMEOUT_MS = 5000;

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket>();

  constructor(private readonly upstreams: () => string[]) {}

  async listen(address: string, lookup: DnsLookup): Promise<void> {
    if (this.sockets.has(address)) return;
    const socket = createSocket("udp4");
    socket.on("message", (msg, rinfo) => this.answer(socket, msg, rinfo.address, rinfo.port, lookup));
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(53, address, () => resolve());
    });
    socket.unref();
    this.sockets.set(address, socket);
  }

  close(address: string): void {
    this.sockets.get(address)?.close();
    this.sockets.delete(address);
  }

  closeAll(): void {
    for (const address of [...this.sockets.keys()]) this.close(address);
  }

  private answer(socket: Socket, msg: Buffer, host: string, port: number, lookup: DnsLookup): void {
    const q = parseQuery(msg);
    if (!q) return;
    const local = lookup(q.name);
    if (local !== undefined) {
      // Known name: A records; other types (AAAA...) get an empty NOERROR answer.
      socket.send(buildAnswer(msg, q, q.type === TYPE_A ? local : []), port, host);
      return;
    }
    if (!q.name.includes(".") && (q.type === TYPE_A || q.type === TYPE_AAAA)) {
      socket.send(buildAnswer(msg, q, [], RCODE_NXDOMAIN), port, host);
      return;
    }
    this.forward(msg, (reply) => socket.send(reply, port, host));
  }

  private forward(msg: Buffer, reply: (m: Buffer) => void): void {
    const upstream = this.upstreams()[0];
    if (upstream === undefined) return;
    const out = createSocket("udp4");
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
}
