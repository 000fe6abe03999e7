// A minimal RFC 6455 client over berthd's unix socket, written by hand so tests see the bytes:
// the opening handshake, masked client frames (§5.3), and the server's frames as they come.
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface WsFrame {
  opcode: number;
  payload: Buffer;
}

export interface WsConnection {
  /** The status line's code (101 on success) and the raw response head. */
  status: number;
  head: string;
  /** The body of a refused handshake (an error JSON). */
  body: string;
  socket: Socket;
  /** Sends one masked frame (fin set unless told otherwise). */
  send(opcode: number, payload: Buffer | string, fin?: boolean): void;
  /** Sends raw bytes (e.g. an unmasked frame to see it refused). */
  sendRaw(bytes: Buffer): void;
  /** The next server frame, or undefined once the connection ended. */
  next(timeoutMs?: number): Promise<WsFrame | undefined>;
  /** Data frames' payloads until `predicate` holds on the text so far or a close frame comes. */
  readUntil(
    predicate: (text: string) => boolean,
    timeoutMs?: number,
  ): Promise<{ text: string; closed?: WsFrame }>;
  destroy(): void;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export async function openWebsocket(socketPath: string, path: string): Promise<WsConnection> {
  const socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const key = randomBytes(16).toString("base64");
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  const frames: WsFrame[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  let headDone: ((head: string) => void) | undefined;
  const headPromise = new Promise<string>((resolve) => (headDone = resolve));
  let head: string | undefined;
  const parse = (): void => {
    if (head === undefined) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      head = buffer.subarray(0, end).toString("latin1");
      buffer = buffer.subarray(end + 4);
      headDone?.(head);
      if (!head.startsWith("HTTP/1.1 101")) return; // the rest is an HTTP body
    }
    if (!head.startsWith("HTTP/1.1 101")) return;
    for (;;) {
      if (buffer.length < 2) return;
      const b1 = buffer[1] ?? 0;
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      if ((b1 & 0x80) !== 0) throw new Error("server frames must not be masked");
      if (buffer.length < at + len) return;
      frames.push({ opcode: (buffer[0] ?? 0) & 0x0f, payload: Buffer.from(buffer.subarray(at, at + len)) });
      buffer = buffer.subarray(at + len);
    }
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    parse();
    wake?.();
  });
  socket.on("close", () => {
    ended = true;
    headDone?.(head ?? "");
    wake?.();
  });
  socket.on("error", () => undefined);
  const responseHead = await headPromise;
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(responseHead)?.[1] ?? 0);
  if (status === 101) {
    const accept = /sec-websocket-accept: *(\S+)/i.exec(responseHead)?.[1];
    const expected = createHash("sha1")
      .update(key + GUID)
      .digest("base64");
    if (accept !== expected) throw new Error(`bad Sec-WebSocket-Accept: ${accept}`);
  } else {
    await new Promise<void>((resolve) => (ended ? resolve() : socket.once("close", () => resolve())));
  }
  const next = async (timeoutMs = 10_000): Promise<WsFrame | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (frames.length === 0 && !ended) {
      if (Date.now() > deadline) throw new Error("timed out waiting for a websocket frame");
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return frames.shift();
  };
  const send = (opcode: number, data: Buffer | string, fin = true): void => {
    const payload = typeof data === "string" ? Buffer.from(data) : data;
    const mask = randomBytes(4);
    const len = payload.length;
    const lenBytes = len < 126 ? Buffer.from([0x80 | len]) : Buffer.from([0x80 | 126, len >> 8, len & 0xff]);
    const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i & 3] ?? 0)));
    socket.write(Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), lenBytes, mask, masked]));
  };
  return {
    status,
    head: responseHead,
    body: status === 101 ? "" : buffer.toString("utf8"),
    socket,
    send,
    sendRaw: (bytes) => socket.write(bytes),
    next,
    async readUntil(predicate, timeoutMs = 10_000) {
      let text = "";
      const deadline = Date.now() + timeoutMs;
      while (!predicate(text)) {
        const frame = await next(Math.max(1, deadline - Date.now()));
        if (frame === undefined) return { text };
        if (frame.opcode === 8) return { text, closed: frame };
        if (frame.opcode === 1 || frame.opcode === 2) text += frame.payload.toString("utf8");
      }
      return { text };
    },
    destroy: () => socket.destroy(),
  };
}
