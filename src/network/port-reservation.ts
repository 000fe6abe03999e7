// Published host ports are reserved by holding a socket bound to them in berthd (Docker's port
// mapper does the same since 28): another program cannot take the port from under the DNAT
// rule, a port already in use is refused with Docker's message, and an ephemeral port is the
// kernel's choice. The sockets see no traffic: the DNAT rule redirects it before delivery.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { conflict } from "../lib/index.ts";

type Held = { kind: "tcp"; server: Server } | { kind: "udp"; socket: UdpSocket };

export class PortReservations {
  private readonly held = new Map<string, Held>();

  /** Binds hostIp:hostPort (0 = any free port) and returns the port held. */
  async reserve(proto: "tcp" | "udp", hostIp: string, hostPort: number): Promise<number> {
    const ip = hostIp === "" ? "0.0.0.0" : hostIp;
    // IPv6 bindings hold an IPv6-only socket: [::]:8080 must not take 0.0.0.0:8080 too.
    const v6 = ip.includes(":");
    const shown = v6 ? `[${ip}]` : ip;
    const inUse = (): Error =>
      conflict("PORT_ALLOCATED", `Bind for ${shown}:${hostPort} failed: port is already allocated`);
    if (hostPort !== 0 && this.held.has(key(proto, ip, hostPort))) throw inUse();
    try {
      if (proto === "tcp") {
        const server = createServer((s) => s.destroy());
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen({ host: ip, port: hostPort, exclusive: true, ipv6Only: v6 }, () => resolve());
        });
        const port = (server.address() as { port: number }).port;
        server.unref();
        this.held.set(key(proto, ip, port), { kind: "tcp", server });
        return port;
      }
      const socket = v6 ? createSocket({ type: "udp6", ipv6Only: true }) : createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ address: ip, port: hostPort, exclusive: true }, () => resolve());
      });
      socket.unref();
      const port = socket.address().port;
      this.held.set(key(proto, ip, port), { kind: "udp", socket });
      return port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw inUse();
      throw err;
    }
  }

  release(proto: "tcp" | "udp", hostIp: string, hostPort: number): void {
    const k = key(proto, hostIp === "" ? "0.0.0.0" : hostIp, hostPort);
    const h = this.held.get(k);
    if (!h) return;
    this.held.delete(k);
    if (h.kind === "tcp") h.server.close();
    else h.socket.close();
  }

  closeAll(): void {
    for (const h of this.held.values()) {
      if (h.kind === "tcp") h.server.close();
      else h.socket.close();
    }
    this.held.clear();
  }
}

function key(proto: string, ip: string, port: number): string {
  return `${proto}:${ip}:${port}`;
}
