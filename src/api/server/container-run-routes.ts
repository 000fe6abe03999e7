// Running containers: start, stop, restart, kill, wait, logs and (output-only) attach
// (swagger.yaml tag "Container"). Handlers parse the request and call the backend.
import type { Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "../../lib/index.ts";
import type { RequestContext } from "./request-context.ts";
import type { Router } from "./router.ts";

export interface LogsRequest {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  since: string;
  until: string;
  timestamps: boolean;
  tail: number | "all";
}

export interface LogStream {
  tty: boolean;
  /** Encoded frames (multiplexed without a TTY), in order. */
  chunks: AsyncIterable<Buffer>;
}

export interface ContainerRunBackend {
  startContainer(ref: string): Promise<void>;
  stopContainer(ref: string, timeoutSeconds: number | undefined, signal: string): Promise<void>;
  restartContainer(ref: string, timeoutSeconds: number | undefined, signal: string): Promise<void>;
  killContainer(ref: string, signal: string): Promise<void>;
  pauseContainer(ref: string): Promise<void>;
  unpauseContainer(ref: string): Promise<void>;
  topContainer(ref: string, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  waitContainer(
    ref: string,
    condition: "not-running" | "next-exit" | "removed",
    /** Aborted when the client goes away: the wait is dropped. */
    signal?: AbortSignal,
  ): Promise<{ StatusCode: number }>;
  containerLogs(ref: string, request: LogsRequest, signal: AbortSignal): Promise<LogStream>;
  /** Output from now (and the past when `logs`) until the container exits. */
  attachOutput(
    ref: string,
    request: { logs: boolean; stream: boolean; stdout: boolean; stderr: boolean },
    signal: AbortSignal,
  ): Promise<LogStream>;
  /**
   * Stdin for an attach with stdin=1 (undefined when the container has no open stdin): checks
   * the detach keys before the connection is taken over, then feeds the client's bytes in.
   */
  attachInput?(ref: string, detachKeys: string): ((client: Duplex, onDetach: () => void) => void) | undefined;
}

const WAIT_CONDITIONS = ["not-running", "next-exit", "removed"] as const;

export function addContainerRunRoutes(router: Router, backend: ContainerRunBackend): void {
  router.add("POST", "/containers/{id}/start", async (ctx) => {
    await backend.startContainer(ctx.param("id"));
    ctx.noContent();
  });
  router.add("POST", "/containers/{id}/stop", async (ctx) => {
    await backend.stopContainer(ctx.param("id"), ctx.intQuery("t"), ctx.query.get("signal") ?? "");
    ctx.noContent();
  });
  router.add("POST", "/containers/{id}/restart", async (ctx) => {
    await backend.restartContainer(ctx.param("id"), ctx.intQuery("t"), ctx.query.get("signal") ?? "");
    ctx.noContent();
  });
  router.add("POST", "/containers/{id}/kill", async (ctx) => {
    await backend.killContainer(ctx.param("id"), ctx.query.get("signal") || "SIGKILL");
    ctx.noContent();
  });
  router.add("POST", "/containers/{id}/pause", async (ctx) => {
    await backend.pauseContainer(ctx.param("id"));
    ctx.noContent();
  });
  router.add("POST", "/containers/{id}/unpause", async (ctx) => {
    await backend.unpauseContainer(ctx.param("id"));
    ctx.noContent();
  });
  router.add("GET", "/containers/{id}/top", async (ctx) => {
    ctx.json(200, await backend.topContainer(ctx.param("id"), ctx.query.get("ps_args") ?? ""));
  });
  router.add("POST", "/containers/{id}/wait", async (ctx) => {
    const condition = ctx.query.get("condition") || "not-running";
    if (!(WAIT_CONDITIONS as readonly string[]).includes(condition)) {
      throw invalidArgument("INVALID_CONDITION", `invalid condition: "${condition}"`);
    }
    const result = backend.waitContainer(
      ctx.param("id"),
      condition as (typeof WAIT_CONDITIONS)[number],
      abortOnClose(ctx).signal,
    );
    // The wait is registered once the backend has looked the container up (synchronously). Bad
    // requests fail with a status; otherwise the headers go out at once, so `docker run` knows
    // the wait is in place before it starts the container, and the result follows.
    let failed: unknown;
    result.catch((err: unknown) => (failed = err));
    await new Promise((resolve) => setImmediate(resolve));
    if (failed !== undefined) throw failed;
    ctx.res.writeHead(200, { "Content-Type": "application/json" });
    ctx.res.flushHeaders();
    try {
      ctx.res.end(JSON.stringify(await result));
    } catch (err) {
      ctx.res.end(JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } }));
    }
  });
  router.add("GET", "/containers/{id}/logs", async (ctx) => {
    if (!ctx.boolQuery("stdout") && !ctx.boolQuery("stderr")) {
      throw invalidArgument("LOGS_NO_STREAM", "Bad parameters: you must choose at least one stream");
    }
    const abort = abortOnClose(ctx);
    const tail = ctx.query.get("tail");
    const stream = await backend.containerLogs(
      ctx.param("id"),
      {
        follow: ctx.boolQuery("follow"),
        stdout: ctx.boolQuery("stdout"),
        stderr: ctx.boolQuery("stderr"),
        since: ctx.query.get("since") ?? "",
        until: ctx.query.get("until") ?? "",
        timestamps: ctx.boolQuery("timestamps"),
        tail: tail === null || tail === "" || tail === "all" || Number(tail) < 0 ? "all" : Number(tail),
      },
      abort.signal,
    );
    ctx.res.writeHead(200, { "Content-Type": contentType(stream.tty) });
    ctx.res.flushHeaders();
    await pipeline(stream.chunks, ctx.res).catch(() => undefined);
  });
  router.add("POST", "/containers/{id}/attach", async (ctx) => {
    const abort = abortOnClose(ctx);
    const stream = await backend.attachOutput(
      ctx.param("id"),
      {
        logs: ctx.boolQuery("logs"),
        stream: ctx.boolQuery("stream"),
        stdout: ctx.boolQuery("stdout"),
        stderr: ctx.boolQuery("stderr"),
      },
      abort.signal,
    );
    const input = ctx.boolQuery("stdin")
      ? backend.attachInput?.(ctx.param("id"), ctx.query.get("detachKeys") ?? "")
      : undefined;
    const socket = ctx.hijack(contentType(stream.tty));
    socket.on("close", () => abort.abort());
    socket.on("error", () => abort.abort());
    // Without stdin, keep reading so a client's writes never block.
    if (input === undefined) socket.resume();
    else input(socket, () => abort.abort());
    for await (const chunk of stream.chunks) if (!socket.write(chunk)) await onceDrained(socket);
    socket.end();
  });
}

function contentType(tty: boolean): string {
  return tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
}

function abortOnClose(ctx: RequestContext): AbortController {
  const abort = new AbortController();
  ctx.res.on("close", () => abort.abort());
  return abort;
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once("drain", () => resolve()));
}
