// A typed Engine API client over the daemon's unix socket. It calls our own API version
// directly (no /_ping round trip: client and daemon ship together) and turns error bodies
// into ApiError with the daemon's message.
import {
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions as HttpRequestOptions,
} from "node:http";
import type { Readable } from "node:stream";
import { API_VERSION } from "../api/types/index.ts";
import { type UnixRequest, unixRequest } from "./unix-http.ts";
import { unixRequestEarly } from "./unix-http-early.ts";

export const DEFAULT_HOST = "unix:///run/berth/berth.sock";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: Buffer | string | Readable;
  headers?: Record<string, string>;
}

export function socketPathFromHost(host: string): string {
  if (!host.startsWith("unix://"))
    throw new Error(`unsupported host: ${host} (only unix:// sockets are supported)`);
  return host.slice("unix://".length);
}

export class EngineClient {
  constructor(readonly socketPath: string) {}

  /** Sends a request and returns the response once its headers arrive; errors become ApiError. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.send(method, path, options);
    if (res.statusCode !== undefined && res.statusCode >= 400) {
      const body = await readAll(res);
      throw new ApiError(res.statusCode, errorMessage(body, res.statusCode));
    }
    return res;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const body = await this.buffered(method, path, options);
    return (body.length === 0 ? undefined : JSON.parse(body.toString("utf8"))) as T;
  }

  async call(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    await this.buffered(method, path, options);
  }

  /**
   * Sends a request and resolves once the response head is in (an error status becomes ApiError);
   * `result` is the JSON body that follows (`POST /containers/{id}/wait`: registered, then done).
   */
  async early<T>(
    method: string,
    path: string,
    options: RequestOptions & { body?: string },
  ): Promise<{ result: Promise<T>; close(): void }> {
    let res;
    try {
      res = await unixRequestEarly(this.socketPath, unixRequestOf(method, path, options, options.body));
    } catch (err) {
      throw connectionError(err as NodeJS.ErrnoException, this.socketPath);
    }
    if (res.status >= 400) throw new ApiError(res.status, errorMessage(await res.body, res.status));
    const result = res.body.then((b) => (b.length === 0 ? undefined : JSON.parse(b.toString("utf8"))) as T);
    return { result, close: res.close };
  }

  /** The whole response body. Without a streamed request body, over unix-http.ts, not node:http. */
  private async buffered(method: string, path: string, options: RequestOptions): Promise<Buffer> {
    const { body } = options;
    if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body))
      return readAll(await this.stream(method, path, options));
    let res;
    try {
      res = await unixRequest(this.socketPath, unixRequestOf(method, path, options, body));
    } catch (err) {
      throw connectionError(err as NodeJS.ErrnoException, this.socketPath);
    }
    if (res.status >= 400) throw new ApiError(res.status, errorMessage(res.body, res.status));
    return res.body;
  }

  private send(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...options.headers };
      const body = options.body;
      if (typeof body === "string" || Buffer.isBuffer(body))
        headers["Content-Length"] = String(Buffer.byteLength(body));
      const req = httpRequest(
        { ...unixSocket(this.socketPath), method, path: apiPath(path, options), headers },
        resolve,
      );
      req.on("error", (err: NodeJS.ErrnoException) => reject(connectionError(err, this.socketPath)));
      if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on("error", (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }
}

/** The request target: our API version's prefix, the path, the query. */
function apiPath(path: string, options: RequestOptions): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v === undefined || v === false) continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, item);
    else qs.append(k, v === true ? "1" : String(v));
  }
  return `/v${API_VERSION}${path}${qs.size > 0 ? `?${qs.toString()}` : ""}`;
}

/** The request for unix-http.ts and unix-http-early.ts: API-versioned path, headers, body. */
function unixRequestOf(
  method: string,
  path: string,
  options: RequestOptions,
  body: string | Buffer | undefined,
): UnixRequest {
  return {
    method,
    path: apiPath(path, options),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(body === undefined ? {} : { body }),
  };
}

/** http.request options for the daemon's socket. */
export function unixSocket(socketPath: string): HttpRequestOptions {
  // No TLS on a unix socket: without a servername (an https option http's agent reads too), the
  // agent derives one from the Host header through net.isIP(), whose IPv6 regular expression
  // costs ~4 ms to compile: a tenth of berth's own start-up.
  return { socketPath, servername: "" } as HttpRequestOptions;
}

export function connectionError(err: NodeJS.ErrnoException, socketPath: string): Error {
  if (err.code === "ENOENT" || err.code === "ECONNREFUSED") {
    return new Error(
      `Cannot connect to the berth daemon at unix://${socketPath}. Is the berth daemon running?`,
    );
  }
  if (err.code === "EACCES") {
    return new Error(
      `permission denied while trying to connect to the berth daemon socket at unix://${socketPath}`,
    );
  }
  return err;
}

export async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function errorMessage(body: Buffer, status: number): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON
  }
  return body.toString("utf8").trim() || `request failed with status ${status}`;
}
