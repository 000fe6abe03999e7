// The terminal of `exec -t`. runc refuses --console-socket unless it detaches, and a detached
// exec's exit code would be lost (the process is not our child), so runc runs in the
// foreground with a pty of berthd's as its stdio: runc makes the container-side pty, puts ours
// in raw mode and copies bytes both ways; SIGWINCH makes it copy our size to the inner pty.
// The master is read through a libuv tty handle (epoll, no busy loop) and written with
// fs.write on a dup of it.
import type { ChildProcess } from "node:child_process";
import { closeSync, write } from "node:fs";
import { Writable } from "node:stream";
import { ReadStream } from "node:tty";
import { native } from "../lib/index.ts";

export interface ExecTerminal {
  /** The pty slave: runc's stdin, stdout and stderr. Closed by `spawned`. */
  slaveFd: number;
  /** After spawning runc: berthd keeps only the master. */
  spawned(child: ChildProcess): void;
  /** Bytes typed by the user: to the terminal. */
  input: Writable;
  /** What the process writes to its terminal. */
  output: ReadStream;
  resize(rows: number, cols: number): void;
  /** After runc exited: no more input. Output ends by itself once read to the end (EIO). */
  close(): void;
  /** Everything, output included (when runc never ran). */
  destroy(): void;
}

export function openExecTerminal(): ExecTerminal {
  const [masterFd, slaveFd] = native().openpty();
  let writeFd = native().dupCloexec(masterFd);
  let slave = slaveFd;
  let child: ChildProcess | undefined;
  let closed = false;
  const output = new ReadStream(masterFd);
  const input = new Writable({
    write(chunk: Buffer, _enc, done) {
      const attempt = (offset: number): void => {
        if (writeFd < 0) return done();
        write(writeFd, chunk, offset, chunk.length - offset, null, (err, n) => {
          // The master is non-blocking: when the pty's buffer is full, try again shortly.
          if (err && (err as NodeJS.ErrnoException).code === "EAGAIN") setTimeout(() => attempt(offset), 5);
          else if (err) done(err);
          else if (offset + n < chunk.length) attempt(offset + n);
          else done();
        });
      };
      attempt(0);
    },
    final(done) {
      // stdin's end on a terminal is ^D (EOF for a reader in canonical mode).
      if (writeFd < 0) return done();
      write(writeFd, Buffer.from([4]), () => done());
    },
  });
  const closeSlave = (): void => {
    if (slave >= 0) closeSync(slave);
    slave = -1;
  };
  return {
    slaveFd,
    spawned(c) {
      child = c;
      closeSlave();
    },
    input,
    output,
    resize(rows, cols) {
      if (closed) return;
      native().setWinsize(masterFd, rows, cols);
      child?.kill("SIGWINCH");
    },
    close() {
      if (closed) return;
      closed = true;
      closeSlave();
      if (writeFd >= 0) closeSync(writeFd);
      writeFd = -1;
      input.destroy();
    },
    destroy() {
      this.close();
      output.destroy();
    },
  };
}
