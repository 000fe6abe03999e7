// Hijacked connections (attach, exec start): an HTTP request asking for "Upgrade: tcp", answered
// with 101 UPGRADED, after which the socket carries the raw or multiplexed stream both ways.
import { request as httpRequest } from "node:http";
import type { Duplex } from "node:stream";
import { API_VERSION } from "../api/types/index.ts";
import { ApiError, readAll, unixSocket } from "./engine-client.ts";

/** `body` (exec start's JSON) is sent with the upgrade request. */
export function hijack(
  socketPath: string,
  path: string,
  query: URLSearchParams,
  body?: unknown,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest({
      ...unixSocket(socketPath),
      method: "POST",
      path: `/v${API_VERSION}${path}?${query.toString()}`,
      headers: {
        Connection: "Upgrade",
        Upgrade: "tcp",
        "Content-Type": data === undefined ? "text/plain" : "application/json",
        ...(data === undefined ? {} : { "Content-Length": String(Buffer.byteLength(data)) }),
      },
    });
    req.on("upgrade", (_res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.on("response", (res) => {
      // No upgrade: an error status with a JSON message.
      void readAll(res).then((body) => {
        let message = body.toString("utf8").trim();
        try {
          message = (JSON.parse(message) as { message?: string }).message ?? message;
        } catch {
          // not JSON
        }
        reject(new ApiError(res.statusCode ?? 500, message));
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}
