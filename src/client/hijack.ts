// Hijacked connections (attach, exec start): an HTTP request asking for "Upgrade: tcp", answered
// with 101 UPGRADED, after which the socket carries the raw or multiplexed stream both ways.
// Written over node:net (unix-http.ts): `berth exec` and `berth run` never load node:http.
import type { Duplex } from "node:stream";
import { API_VERSION } from "../api/types/index.ts";
import { ApiError, connectionError, errorMessage } from "./engine-client.ts";
import { unixUpgrade } from "./unix-http.ts";

/**
 * `body` (exec start's JSON) is sent with the upgrade request. The socket comes back paused
 * (read it with `for await`, or resume it), holding any stream bytes that came with the 101.
 */
export async function hijack(
  socketPath: string,
  path: string,
  query: URLSearchParams,
  body?: unknown,
): Promise<Duplex> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  let result;
  try {
    result = await unixUpgrade(socketPath, {
      method: "POST",
      path: `/v${API_VERSION}${path}?${query.toString()}`,
      headers: { Upgrade: "tcp", "Content-Type": data === undefined ? "text/plain" : "application/json" },
      ...(data === undefined ? {} : { body: data }),
    });
  } catch (err) {
    throw connectionError(err as NodeJS.ErrnoException, socketPath);
  }
  const { response, socket } = result;
  if (socket !== undefined) return socket;
  // No upgrade: an error status with a JSON message.
  throw new ApiError(response.status, errorMessage(response.body, response.status));
}
