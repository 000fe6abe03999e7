// What a handler sees: parsed params and query, the negotiated API version, body readers with
// size caps, and response helpers that keep the wire format in one place.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { invalidArgument } from "../../lib/index.ts";
import { compareApiVersions } from "../types/index.ts";
import { readUpgradeBody } from "./upgrade-body.ts";
import { stringifyList } from "./json-text.ts";

/** JSON request bodies larger than this are refused (a 100 MB JSON body must not exhaust memory). */
export const MAX_JSON_BODY = 4 * 1024 * 1024;
/** Past this much, an oversized body is no longer read away: the connection is cut. */
const DISCARD_LIMIT = 256 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. Past it the rest is read away (not kept) so the
 * client, which may still be sending chunked data, gets the 400 instead of a reset; only past
 * `discardLimit` is the connection cut.
 */
function readBody(
  req: NodeJS.ReadableStream & { destroy(): void },
  limit: number,
  discardLimit: number,
): Promise<{ chunks: Buffer[]; size: number; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => resolve({ chunks, size, tooLarge: size > limit });
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      if (size > discardLimit) {
        req.removeAllListeners("data");
        req.destroy();
        done();
      }
    });
    req.once("end", done);
    req.once("error", reject);
    req.once("close", done);
  });
}

export class RequestContext {
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    readonly apiVersion: string,
    private readonly upgradeSocket?: Socket,
  ) {}

  /**
   * Takes over the connection for a raw stream (attach, exec start). With "Upgrade: tcp" the
   * answer is 101 UPGRADED and the socket is the client's; without, a 200 whose body is the
   * stream (swagger "Hijacking").
   */
  hijack(contentType = "application/vnd.docker.raw-stream"): Duplex {
    if (this.upgradeSocket) {
      this.res.detachSocket(this.upgradeSocket);
      this.upgradeSocket.write(
        `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
      );
      return this.upgradeSocket;
    }
    this.res.writeHead(200, { "Content-Type": contentType });
    this.res.flushHeaders();
    return Duplex.from({ readable: this.req, writable: this.res });
  }

  param(name: string): string {
    return this.params[name] ?? "";
  }

  /** Docker's boolean query values: "1", "true", "True" are true; absent or "0"/"false" false. */
  boolQuery(name: string, fallback = false): boolean {
    const v = this.query.get(name);
    if (v === null || v === "") return fallback;
    return !["0", "false", "False", "FALSE", "no"].includes(v);
  }

  intQuery(name: string): number | undefined {
    const v = this.query.get(name);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw invalidArgument("INVALID_QUERY", `invalid value for ${name}: ${v}`);
    return n;
  }

  versionAtLeast(v: string): boolean {
    return compareApiVersions(this.apiVersion, v) >= 0;
  }

  async readJson<T>(limit = MAX_JSON_BODY): Promise<T | undefined> {
    // Node hands an upgraded request's body to the socket, not to `req` (exec start sends JSON).
    const length = Number(this.req.headers["content-length"] ?? 0);
    const { chunks, size, tooLarge } = this.upgradeSocket
      ? length > limit
        ? { chunks: [], size: 0, tooLarge: true }
        : {
            chunks: [await readUpgradeBody(this.upgradeSocket, length, limit)],
            size: length,
            tooLarge: false,
          }
      : await readBody(this.req, limit, DISCARD_LIMIT);
    if (tooLarge) throw invalidArgument("BODY_TOO_LARGE", `request body too large: limit is ${limit} bytes`);
    if (size === 0) return undefined;
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8")) as T;
    } catch (err) {
      throw invalidArgument("INVALID_JSON", `invalid JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  json(status: number, body: unknown): void {
    this.sendJson(status, JSON.stringify(body));
  }

  /** json() of a list whose items may carry recorded JSON text (json-text.ts). */
  jsonList(status: number, items: readonly unknown[]): void {
    this.sendJson(status, stringifyList(items));
  }

  private sendJson(status: number, data: string): void {
    this.res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(data),
    });
    this.res.end(this.req.method === "HEAD" ? undefined : data);
  }

  noContent(status = 204): void {
    this.res.writeHead(status);
    this.res.end();
  }

  text(status: number, body: string, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
    this.res.end(this.req.method === "HEAD" ? undefined : body);
  }
}
