// One HTTP/1.1 request on its own connection to the daemon's unix socket, written and read by
// hand over node:net. The CLI's short commands use it instead of node:http: loading node:http
// and running its client (agent, parser, ClientRequest, IncomingMessage) for the first time is
// ~6 ms of CPU in a process that lives ~60 ms (`berth exec ctr true`: docker's CLI needs a
// third of that time for the same requests).
import { connect, type Socket } from "node:net";
import { HttpResponseReader, type ResponseHead } from "./http-response-reader.ts";

export interface UnixRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface UnixResponse extends ResponseHead {
  body: Buffer;
}

/** Sends the request and resolves with the whole response; the connection is then closed. */
export function unixRequest(socketPath: string, req: UnixRequest): Promise<UnixResponse> {
  return exchange(socketPath, req, false).then(({ response }) => response);
}

/**
 * Sends a request that asks for a protocol upgrade. A 101 resolves with the socket (paused, any
 * bytes that came with the 101 put back in it); any other status with the whole response.
 */
export function unixUpgrade(
  socketPath: string,
  req: UnixRequest,
): Promise<{ response: UnixResponse; socket?: Socket }> {
  return exchange(socketPath, req, true);
}

function exchange(
  socketPath: string,
  req: UnixRequest,
  upgrade: boolean,
): Promise<{ response: UnixResponse; socket?: Socket }> {
  const head = requestHead(req, upgrade);
  return new Promise((resolve, reject) => {
    const reader = new HttpResponseReader(req.method);
    const socket = connect(socketPath);
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    const complete = (): void => {
      const head = reader.head;
      if (settled || head === undefined) return;
      settled = true;
      socket.off("data", onData).off("end", onEnd);
      const response = { ...head, body: reader.body };
      if (upgrade && head.status === 101) {
        socket.off("error", onError); // the caller's now
        socket.pause();
        if (reader.rest.length > 0) socket.unshift(reader.rest);
        resolve({ response, socket });
      } else {
        resolve({ response });
        // After the caller has gone on with the response (its next request is on the critical
        // path; closing the socket is not).
        setImmediate(() => socket.destroy());
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        reader.push(chunk);
      } catch (err) {
        return fail(err as Error);
      }
      if (reader.done) complete();
    };
    const onEnd = (): void => {
      try {
        reader.end();
      } catch (err) {
        return fail(err as Error);
      }
      complete();
    };
    const onError = (err: Error): void => fail(err);
    socket.on("data", onData).on("end", onEnd).on("error", onError);
    if (typeof req.body === "string") socket.write(head + req.body);
    else {
      socket.cork(); // head and body in one writev
      socket.write(head);
      if (req.body !== undefined && req.body.length > 0) socket.write(req.body);
      socket.uncork();
    }
  });
}

export function requestHead(req: UnixRequest, upgrade: boolean): string {
  const headers: Record<string, string> = {
    Host: "localhost",
    ...req.headers,
    Connection: upgrade ? "Upgrade" : "close",
  };
  // RFC 9110 §8.6: a request with content, or a POST/PUT without, says its length.
  if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
  else if (req.method === "POST" || req.method === "PUT") headers["Content-Length"] = "0";
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
      throw new Error(`invalid header field ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}
