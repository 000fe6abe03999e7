// Stdin of an attach (`docker run -i`, `run -it`, `start -ai`, `attach`): the client's bytes go
// to conmon's attach socket once the container runs (docker run attaches before it starts; the
// client's early bytes wait in the connection). The client's half-close ends the container's
// stdin (conmon closes it unless it was started with --leave-stdin-open: TTY or not StdinOnce).
// With a TTY, the detach keys end the attach and leave the container running. Output is not
// read from here (the log serves it): packets conmon sends are read and dropped so it never
// blocks on us.
import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../lib/index.ts";
import { ATTACH_MAX_PACKET, connectAttachSocket } from "../runtime/index.ts";
import { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from "../lib/index.ts";

export interface AttachInputOptions {
  id: string;
  bundle: string;
  tty: boolean;
  detachKeys: string;
  /** Whether the container is running now. */
  running(): boolean;
  /** The lifecycle's emitter ("start", "exit", "removed" with the container id). */
  events: EventEmitter;
  log?: Logger;
  /** Called once when the user typed the detach keys. */
  onDetach(): void;
}

export function attachInput(client: Duplex, o: AttachInputOptions): void {
  const matcher = o.tty ? new DetachMatcher(parseDetachKeys(o.detachKeys || DEFAULT_DETACH_KEYS)) : undefined;
  let conn: Socket | undefined;
  let done = false;
  client.pause();
  const finish = (): void => {
    if (done) return;
    done = true;
    o.events.off("start", onStart);
    conn?.destroy();
  };
  const connect = (): void => {
    if (done || conn !== undefined) return;
    o.events.off("start", onStart);
    try {
      conn = connectAttachSocket(o.bundle);
    } catch (err) {
      o.log?.warn("attach socket unavailable", { id: o.id, err });
      client.resume(); // keep reading so the client never blocks
      return;
    }
    const target = conn;
    target.on("error", () => undefined);
    target.resume(); // conmon's copies of the output: the log has them
    const writer = packetWriter(target, client);
    client.on("data", (chunk: Buffer) => {
      let data = chunk;
      if (matcher !== undefined) {
        const r = matcher.feed(chunk);
        data = r.pass;
        if (r.detach) {
          writer.write(data);
          o.onDetach();
          writer.end(finish);
          return;
        }
      }
      writer.write(data);
    });
    client.on("end", () => writer.end());
    client.resume();
  };
  const onStart = (id: string): void => {
    if (id === o.id) connect();
  };
  client.on("close", finish);
  if (o.running()) connect();
  else o.events.on("start", onStart);
}

/** Queued packets above which the client is paused. */
const HIGH_WATER_PACKETS = 64;

/**
 * Writes to the SOCK_SEQPACKET attach socket one packet at a time, each at most
 * ATTACH_MAX_PACKET: a Writable batches queued chunks into one writev(2), which on a seqpacket
 * socket is one packet, and conmon cuts packets longer than its buffer.
 */
function packetWriter(
  target: Socket,
  client: Duplex,
): { write(data: Buffer): void; end(then?: () => void): void } {
  const queue: Buffer[] = [];
  let writing = false;
  let ending: (() => void) | undefined;
  const pump = (): void => {
    if (writing) return;
    const next = queue.shift();
    if (next === undefined) {
      if (ending !== undefined) {
        const then = ending;
        ending = undefined;
        target.end(then);
      }
      return;
    }
    if (queue.length < HIGH_WATER_PACKETS / 2) client.resume();
    writing = true;
    target.write(next, () => {
      writing = false;
      pump();
    });
  };
  return {
    write(data) {
      for (let at = 0; at < data.length; at += ATTACH_MAX_PACKET)
        queue.push(data.subarray(at, at + ATTACH_MAX_PACKET));
      if (queue.length > HIGH_WATER_PACKETS) client.pause();
      pump();
    },
    end(then = () => undefined) {
      ending = then;
      pump();
    },
  };
}
