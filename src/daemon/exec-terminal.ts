// The terminal of `exec -t` on berthd's side: a pty of berthd's whose slave is the stdio and
// controlling terminal of the exec helper (native/berth_exec.c). The helper switches it to raw
// mode and relays it to a pty it made in the container's own devpts, which is the process's
// terminal (as `runc exec -t` relays runc's console). A resize sets the master's size; the
// kernel then signals SIGWINCH to the helper (the slave's session leader), which copies the
// size inward. The master is read through a libuv tty handle (epoll, no busy loop) and written
// with fs.write on a dup of it.
import { closeSync, write } from "node:fs";
import { Writable } from "node:stream";
import { ReadStream } from "node:tty";
import { native } from "../lib/index.ts";

export interface ExecTerminal {
  /** The pty slave: the exec helper's stdin, stdout and stderr. Closed by `spawned`. */
  slaveFd: number;
  /** After spawning the exec's process: berthd keeps only the master. */
  spawned(): void;
  /** Bytes typed by the user: to the terminal. */
  input: Writable;
  /**
   * Input is held until `ready` settles: the helper has put the pty in raw mode by then, so
   * nothing typed early is echoed or edited by this pty as well as by the container's.
   */
  holdInput(ready: Promise<unknown>): void;
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
  let inputReady: Promise<unknown> = Promise.resolve();
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
      void inputReady.then(() => attempt(0));
    },
    final(done) {
      // stdin's end on a terminal is ^D (EOF for a reader in canonical mode).
      void inputReady.then(() => {
        if (writeFd < 0) return done();
        write(writeFd, Buffer.from([4]), () => done());
      });
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
    holdInput(ready) {
      inputReady = ready.catch(() => undefined);
    },
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
