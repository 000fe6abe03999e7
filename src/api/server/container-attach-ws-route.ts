// GET /containers/{id}/attach/ws (swagger.yaml "ContainerAttachWebsocket"): attach over a
// websocket (RFC 6455), as browsers and some SDKs do. Output goes out raw (not multiplexed,
// as with a TTY) in binary frames, or text frames before API 1.28 (CHANGELOG v1.28); stdin
// comes from the client's data frames. The stdin/stdout/stderr parameters count from API 1.42;
// older clients get all three (CHANGELOG v1.42). The client's close frame or the container's
// exit ends the attach; the detach keys end it leaving the container running.
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { invalidArgument } from "../../lib/index.ts";
import type { ContainerRunBackend } from "./container-run-routes.ts";
import type { Router } from "./router.ts";
import {
  CLOSE_STATUS,
  FrameDecoder,
  MultiplexedSplitter,
  OPCODE,
  closeFrame,
  encodeFrame,
  validWebsocketKey,
  websocketAccept,
} from "./websocket.ts";

export function addContainerAttachWsRoute(
  router: Router,
  backend: Pick<ContainerRunBackend, "attachOutput" | "attachInput">,
): void {
  router.add("GET", "/containers/{id}/attach/ws", async (ctx) => {
    const socket = ctx.req.socket as Socket;
    // An upgrade refused with an HTTP error says "Connection: close": close it then.
    let upgraded = false;
    if (ctx.req.headers.upgrade !== undefined)
      ctx.res.once("finish", () => {
        if (!upgraded) socket.end();
      });
    const headers = ctx.req.headers;
    const key = headers["sec-websocket-key"];
    // §4.2.1: a GET with Upgrade: websocket, Connection: Upgrade, a key and version 13.
    if ((headers.upgrade ?? "").toLowerCase() !== "websocket" || !validWebsocketKey(key))
      throw invalidArgument(
        "WEBSOCKET_REQUIRED",
        "websocket: not a websocket handshake (Upgrade: websocket, Sec-WebSocket-Key)",
      );
    if (headers["sec-websocket-version"] !== "13")
      throw invalidArgument(
        "WEBSOCKET_VERSION",
        "websocket: unsupported version (Sec-WebSocket-Version must be 13)",
      );
    const all = !ctx.versionAtLeast("1.42");
    const want = (name: string): boolean => all || ctx.boolQuery(name);
    const opcode = ctx.versionAtLeast("1.28") ? OPCODE.binary : OPCODE.text;
    const abort = new AbortController();
    // A missing container fails here, before the handshake, with its HTTP status.
    const output = await backend.attachOutput(
      ctx.param("id"),
      {
        logs: ctx.boolQuery("logs"),
        stream: ctx.boolQuery("stream"),
        stdout: want("stdout"),
        stderr: want("stderr"),
      },
      abort.signal,
    );
    const input = want("stdin")
      ? backend.attachInput?.(ctx.param("id"), ctx.query.get("detachKeys") ?? "")
      : undefined;

    upgraded = true;
    ctx.res.detachSocket(socket);
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${websocketAccept(key.trim())}\r\n\r\n`,
    );
    let closing = false;
    /** §5.5.1: send our close frame once, then end our side. */
    const close = (status: number, reason = ""): void => {
      if (closing) return;
      closing = true;
      abort.abort();
      if (!socket.destroyed) socket.end(closeFrame(status, reason));
    };
    const stdin = new PassThrough();
    stdin.on("error", () => undefined);
    stdin.on("drain", () => socket.resume());
    const decoder = new FrameDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.kind === "data") {
          if (input !== undefined && !stdin.writableEnded && !stdin.write(frame.payload)) socket.pause();
        } else if (frame.kind === "ping") {
          if (!closing) socket.write(encodeFrame(OPCODE.pong, frame.payload));
        } else if (frame.kind === "close") {
          stdin.end();
          close(CLOSE_STATUS.normal);
        } else if (frame.kind === "error") {
          stdin.end();
          close(frame.status, frame.reason);
        }
      }
    });
    socket.on("end", () => stdin.end());
    socket.on("error", () => undefined);
    socket.on("close", () => {
      abort.abort();
      stdin.destroy();
    });
    if (input !== undefined) input(stdin, () => close(CLOSE_STATUS.normal));

    const split = output.tty ? undefined : new MultiplexedSplitter();
    try {
      for await (const chunk of output.chunks) {
        if (closing || socket.destroyed) break;
        for (const payload of split ? split.push(chunk) : [chunk]) {
          if (!socket.write(encodeFrame(opcode, payload))) await drained(socket);
        }
      }
    } catch {
      // the attach was aborted: the client went away
    }
    close(CLOSE_STATUS.normal);
  });
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}
