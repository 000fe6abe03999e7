// The HTTP server behind the Engine API: strips and checks the /vX.Y prefix, dispatches to the
// route table and turns every thrown error into Docker's {"message": ...} body.
import { createServer, type IncomingMessage, type Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type Logger, toEngineError } from "../../lib/index.ts";
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from "../types/index.ts";
import { statusForCategory } from "./error-status.ts";
import { RequestContext } from "./request-context.ts";
import type { Router } from "./router.ts";

const VERSIONED_PATH = /^\/v(\d+\.\d+)(\/.*)$/;

export function createApiServer(router: Router, log: Logger): Server {
  const server = createServer((req, res) => {
    handle(router, log, req, res).catch((err: unknown) => {
      log.error("request failed after response started", { err });
      res.destroy();
    });
  });
  // Attach and exec start ask for "Upgrade: tcp" (swagger "Hijacking"): the same routes serve
  // them, with a response bound to the raw socket that the handler may take over.
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    handle(router, log, req, res, socket).catch((err: unknown) => {
      log.error("upgraded request failed", { err });
      socket.destroy();
    });
  });
  // Long-running streams (logs -f, events, attach) must not be cut by Node's defaults.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5000;
  return server;
}

async function handle(
  router: Router,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  upgradeSocket?: Socket,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://berth");
  let path = url.pathname;
  let apiVersion = API_VERSION;
  const versioned = VERSIONED_PATH.exec(path);
  if (versioned) {
    apiVersion = versioned[1] ?? API_VERSION;
    path = versioned[2] ?? "/";
  }
  const method = req.method ?? "GET";
  const started = process.hrtime.bigint();
  res.setHeader("Server", `Berth/${process.env.BERTH_VERSION ?? "dev"} (linux)`);
  res.setHeader("Api-Version", API_VERSION);

  const fail = (status: number, message: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ message });
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(method === "HEAD" ? undefined : body);
  };

  if (compareApiVersions(apiVersion, API_VERSION) > 0) {
    fail(400, `client version ${apiVersion} is too new. Maximum supported API version is ${API_VERSION}`);
    return;
  }
  if (compareApiVersions(apiVersion, MIN_API_VERSION) < 0) {
    fail(
      400,
      `client version ${apiVersion} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
    return;
  }

  const match = router.match(method, path);
  if (match === null) {
    req.resume();
    fail(404, "page not found");
    return;
  }
  if (match === "method") {
    req.resume();
    fail(405, "method not allowed");
    return;
  }
  const ctx = new RequestContext(req, res, match.params, url.searchParams, apiVersion, upgradeSocket);
  try {
    await match.handler(ctx);
  } catch (err) {
    const e = toEngineError(err);
    const status = statusForCategory(e.category);
    if (status >= 500) log.error("request failed", { method, path, err: e, cause: e.cause });
    else log.debug("request refused", { method, path, status, message: e.message });
    req.resume();
    fail(status, e.message);
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log.debug("request", {
      method,
      path: url.pathname,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    });
  }
}
