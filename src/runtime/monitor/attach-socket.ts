// conmon's attach socket (--full-attach: <bundle>/attach, SOCK_SEQPACKET). Observed with conmon
// 2.1.6: each packet conmon sends is one byte naming the stream (2 stdout, 3 stderr) followed by
// the bytes; whatever a client writes goes to the container's stdin, one packet per write (a
// packet longer than conmon's read buffer is cut, so writers keep them to ATTACH_MAX_PACKET),
// and the client's shutdown(SHUT_WR) closes that stdin (no --leave-stdin-open). The pty size
// goes through the `winsz` fifo beside it as "<rows> <cols>\n" (observed; `ctl` takes
// "1 <rows> <cols>\n").
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { native } from "../../lib/index.ts";

interface PipeHandle {
  open(fd: number): number;
}
interface PipeWrapBinding {
  Pipe: new (type: number) => PipeHandle;
  constants: { SOCKET: number };
}

/**
 * A Node socket on the container's attach socket. libuv reads a SOCK_SEQPACKET fd one packet per
 * read and writes one packet per write; net.Socket refuses the fd (libuv cannot guess its type),
 * so the fd goes into a pipe handle directly. Each 'data' chunk is one packet.
 */
export function connectAttachSocket(bundle: string): Socket {
  // The bundle path may exceed sun_path's 108 bytes: connect through /proc/self/fd/<dir>.
  const dir = openSync(bundle, constants.O_RDONLY | constants.O_DIRECTORY);
  let fd: number;
  try {
    fd = native().unixConnect(`/proc/self/fd/${dir}/attach`, true);
  } finally {
    closeSync(dir);
  }
  const { Pipe, constants: pipeConstants } = (
    process as unknown as { binding(name: string): PipeWrapBinding }
  ).binding("pipe_wrap");
  const handle = new Pipe(pipeConstants.SOCKET);
  const err = handle.open(fd);
  if (err !== 0) {
    closeSync(fd);
    throw new Error(`cannot open the attach socket of ${bundle} (uv error ${err})`);
  }
  return new Socket({ handle, readable: true, writable: true } as ConstructorParameters<typeof Socket>[0]);
}

/** Stream id (first byte) of a packet from the attach socket. */
export const ATTACH_STDOUT = 2;
export const ATTACH_STDERR = 3;
/** Largest write to the attach socket (conmon reads packets into a fixed buffer). */
export const ATTACH_MAX_PACKET = 4096;

/** Sets the container's pty size through conmon (non-blocking: no reader means no conmon). */
export function resizeContainerTerminal(bundle: string, rows: number, cols: number): void {
  const fd = openSync(join(bundle, "winsz"), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, `${rows} ${cols}\n`);
  } finally {
    closeSync(fd);
  }
}
