// The terminal of `exec -t`: a pty of berthd's whose slave is the exec process's stdin, stdout,
// stderr and controlling terminal (native/berth_exec.c makes it so: setsid + TIOCSCTTY), as
// runc's --console-socket would give it, without a copy loop in between. A resize sets the
// master's size; the kernel then signals SIGWINCH to the terminal's foreground process group.
// The master is read through a libuv tty handle (epoll, no busy loop) and written with
// fs.write on a dup of it.
import { closeSync, write } from "node:fs";
import { Writable } from "node:stream";
import { ReadStream } from "node:tty";
import { native } from "../lib/index.ts";

export interface ExecTerminal {
  /** The pty slave: the exec process's stdin, stdout and stderr. Closed by `spawned`. */
  slaveFd: number;
  /** After spawning the exec's process: berthd keeps only the master. */
  spawned(): void;
  /** Bytes typed by the user: to the terminal. */
  input: Writable;
  /** What the process writes to its terminal. */
  output: ReadStream;
  resize(rows: number, cols: number): void;
  /** After the process exited: no more input. Output ends by itself once read to the end (EIO). */
  close(): void;
  /** Everything, output included (when the process never ran). */
  destroy(): void;
}

export function openExecTerminal(): ExecTerminal {
  const [masterFd, slaveFd] = native().openpty();
  let writeFd = native().dupCloexec(masterFd);
  let slave = slaveFd;
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
    spawned() {
      closeSlave();
    },
    input,
    output,
    resize(rows, cols) {
      if (closed) return;
      native().setWinsize(masterFd, rows, cols);
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
