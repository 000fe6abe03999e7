// HTTP/1.1 requests to a daemon over its unix socket (node:http with socketPath), with JSON,
// raw and streamed request bodies, for tests of the Engine API.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";

/** A request body streamed from a file (e.g. a tarball for POST /images/load). */
export class FileBody {
  constructor(
    readonly path: string,
    readonly contentType?: string,
  ) {}
}

export const fileBody = (path: string, contentType?: string): FileBody => new FileBody(path, contentType);

/**
 * string / bytes: sent as they are; Readable: streamed (chunked); FileBody: streamed with a
 * Content-Length; anything else: JSON with `Content-Type: application/json`.
 */
export type RequestBody = string | Uint8Array | Readable | FileBody | object | number | boolean | null;

export interface DaemonResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  /** Parses the body; throws with status and body text when it is not JSON. */
  json<T = unknown>(): T;
}

export interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The live response; read it to the end (or destroy it) when done. */
  response: IncomingMessage;
}

export interface RequestOptions {
  /** Fail when the connection is idle this long (default 120 s). */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

interface PreparedBody {
  headers: OutgoingHttpHeaders;
  send(req: NodeJS.WritableStream & { end(data?: Uint8Array | string): void }): void;
}

async function prepareBody(body: RequestBody | undefined): Promise<PreparedBody> {
  if (body === undefined) return { headers: {}, send: (req) => req.end() };
  if (typeof body === "string" || body instanceof Uint8Array) {
    return { headers: { "Content-Length": Buffer.byteLength(body) }, send: (req) => req.end(body) };
  }
  if (body instanceof Readable) return { headers: {}, send: (req) => body.pipe(req) };
  if (body instanceof FileBody) {
    const { size } = await stat(body.path);
    const headers: OutgoingHttpHeaders = { "Content-Length": size };
    if (body.contentType !== undefined) headers["Content-Type"] = body.contentType;
    return { headers, send: (req) => createReadStream(body.path).pipe(req) };
  }
  const json = JSON.stringify(body);
  return {
    headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(json) },
    send: (req) => req.end(json),
  };
}

/** Sends a request and resolves once the response headers arrive. */
export async function unixStream(
  socketPath: string,
  method: string,
  path: string,
  body?: RequestBody,
  headers: OutgoingHttpHeaders = {},
  options: RequestOptions = {},
): Promise<StreamResponse> {
  const prepared = await prepareBody(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      socketPath,
      method: method.toUpperCase(),
      path,
      headers: { Host: "localhost", ...prepared.headers, ...headers },
    });
    req.setTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      req.destroy(
        new Error(
          `${method} ${path}: no activity for ${options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS} ms`,
        ),
      );
    });
    req.on("error", reject);
    req.on("response", (response) =>
      resolve({ status: response.statusCode ?? 0, headers: response.headers, response }),
    );
    prepared.send(req);
  });
}

/** Sends a request and reads the whole response. */
export async function unixRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: RequestBody,
  headers: OutgoingHttpHeaders = {},
  options: RequestOptions = {},
): Promise<DaemonResponse> {
  const {
    status,
    headers: responseHeaders,
    response,
  } = await unixStream(socketPath, method, path, body, headers, options);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  return {
    status,
    headers: responseHeaders,
    body: data,
    text: () => data.toString("utf8"),
    json: <T = unknown>(): T => {
      try {
        return JSON.parse(data.toString("utf8")) as T;
      } catch {
        throw new Error(
          `${method} ${path} -> ${status}: body is not JSON: ${data.toString("utf8").slice(0, 2000)}`,
        );
      }
    },
  };
}
