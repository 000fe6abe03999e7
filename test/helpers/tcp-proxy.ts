// A TCP proxy in front of a test server that can misbehave on purpose: cut every connection
// once it has carried `cutAfter` bytes towards the client, or flip one byte past `corruptAfter`.
// It records the requests it saw (plain HTTP only) so tests can look for Range headers.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  host: string;
  /** Cut the connection that carries this offset of all bytes sent to clients (undefined: never). */
  cutAfter: number | undefined;
  /** Flip the byte at this offset of all bytes sent to clients (undefined: never). */
  corruptAt: number | undefined;
  /** Stop forwarding (keep the connection open, silent) at this offset (undefined: never). */
  stallAt: number | undefined;
  /** Request heads seen (first line and headers). */
  requests: string[];
  /** Bytes sent to clients in total. */
  bytesDown: number;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [targetHost, targetPort] = target.split(":");
  const sockets = new Set<Socket>();
  const proxy: TcpProxy = {
    host: "",
    cutAfter: undefined,
    corruptAt: undefined,
    stallAt: undefined,
    requests: [],
    bytesDown: 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(targetPort), targetHost ?? "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (chunk: Buffer) => {
      const text = chunk.toString("latin1");
      for (const m of text.matchAll(/(?:GET|HEAD|PUT|POST|PATCH|DELETE) [^\r\n]+\r\n(?:[^\r\n]+\r\n)*/g)) {
        proxy.requests.push(m[0]);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      // Offsets count every byte sent to clients, over all connections (keep-alive connections
      // outlive one pull, so a per-connection count would not say where a layer is).
      const start = proxy.bytesDown;
      let out = chunk;
      const at = proxy.corruptAt;
      if (at !== undefined && start <= at && at < start + chunk.length) {
        out = Buffer.from(chunk);
        out[at - start] = (out[at - start] ?? 0) ^ 0xff;
      }
      const stall = proxy.stallAt;
      if (stall !== undefined && start + out.length > stall) {
        const keep = Math.max(0, stall - start);
        proxy.bytesDown += keep;
        client.write(out.subarray(0, keep));
        upstream.pause();
        return;
      }
      const cut = proxy.cutAfter;
      if (cut !== undefined && start + out.length > cut) {
        const keep = Math.max(0, cut - start);
        proxy.bytesDown += keep;
        client.write(out.subarray(0, keep), () => {
          client.destroy();
          upstream.destroy();
        });
        return;
      }
      proxy.bytesDown += out.length;
      client.write(out);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  proxy.host = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  return proxy;
}
