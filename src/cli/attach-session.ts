// A client's side of an attach (berth run -i/-it, start -ai, attach): the hijacked stream's
// output onto stdout/stderr; with stdin, the local stdin into it (EOF half-closes). With a TTY and
// a terminal on stdin, the local terminal goes raw, the container's pty follows the window size,
// and the detach keys (default ctrl-p,ctrl-q) end the session leaving the container running.
import type { Duplex } from "node:stream";
import { hijack } from "../client/index.ts";
import { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from "../lib/index.ts";
import type { CliContext } from "./cli-context.ts";
import { demuxStream } from "./demux-stream.ts";

export interface AttachOptions {
  stdin: boolean;
  tty: boolean;
  detachKeys?: string;
  /** --sig-proxy: signals we get are sent to the container (not with a TTY: keys do that). */
  sigProxy?: boolean;
}

const PROXIED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export interface AttachSession {
  /** Resolves when the output has ended; `detached` when the user typed the detach keys. */
  done: Promise<{ detached: boolean }>;
  /** Sends the local window size to the container (call after start). */
  resize(): void;
  /** Ends the session early (the container was not started): `done` then resolves. */
  close(): void;
}

export async function attachContainer(ctx: CliContext, id: string, o: AttachOptions): Promise<AttachSession> {
  const keys = o.detachKeys || DEFAULT_DETACH_KEYS;
  const matcher = o.stdin && o.tty ? new DetachMatcher(parseDetachKeys(keys)) : undefined;
  const query = new URLSearchParams({ stream: "1", stdout: "1", stderr: "1" });
  if (o.stdin) query.set("stdin", "1");
  if (o.detachKeys) query.set("detachKeys", o.detachKeys);
  const socket: Duplex = await hijack(ctx.client.socketPath, `/containers/${id}/attach`, query);
  const terminal = o.tty && ctx.stdout.isTTY === true;
  const raw = o.stdin && o.tty && ctx.stdin.isTTY === true;
  const resize = (): void => {
    if (!terminal) return;
    const query = { h: ctx.stdout.rows, w: ctx.stdout.columns };
    ctx.client.call("POST", `/containers/${id}/resize`, { query }).catch(() => undefined);
  };
  let detached = false;
  let closed = false;
  const proxy = o.sigProxy === true && !o.tty;
  const forward = (signal: NodeJS.Signals): void => {
    ctx.client.call("POST", `/containers/${id}/kill`, { query: { signal } }).catch(() => undefined);
  };
  if (proxy) for (const signal of PROXIED_SIGNALS) process.on(signal, forward);
  if (terminal) ctx.stdout.on("resize", resize);
  if (raw) ctx.stdin.setRawMode(true);
  if (o.stdin) {
    ctx.stdin.on("data", (chunk: Buffer) => {
      if (detached) return;
      let data = chunk;
      if (matcher !== undefined) {
        const r = matcher.feed(chunk);
        data = r.pass;
        if (r.detach) {
          detached = true;
          if (data.length > 0) socket.write(data);
          socket.destroy();
          return;
        }
      }
      socket.write(data);
    });
    ctx.stdin.on("end", () => socket.end());
  }
  // process.stdout/stderr made on the first byte for them (`run busybox true` needs neither).
  const out = { write: (b: Buffer) => ctx.stdout.write(b) };
  const err = { write: (b: Buffer) => ctx.stderr.write(b) };
  const done = demuxStream(socket, out, err, o.tty)
    .catch((err: unknown) => {
      if (!detached && !closed) throw err;
    })
    .finally(() => {
      if (raw) ctx.stdin.setRawMode(false);
      if (terminal) ctx.stdout.off("resize", resize);
      if (proxy) for (const signal of PROXIED_SIGNALS) process.off(signal, forward);
      if (o.stdin) ctx.stdin.pause();
    })
    .then(() => ({ detached }));
  const close = (): void => {
    closed = true;
    socket.destroy();
  };
  return { done, resize, close };
}
