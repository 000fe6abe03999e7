// Docker-style rotation (<log>, <log>.1 newest rotated, ... <log>.<max-file - 1>) of a log conmon
// is writing. conmon 2.1.6's own --log-size-max does not rotate: it replaces the file with an
// empty one (src/ctr_logging.c reopen_k8s_file: open <log>.tmp O_TRUNC, rename over <log>), so
// what was written is lost. Its terminal control fifo <bundle>/ctl accepts "2 0 0\n"
// (REOPEN_LOGS_EVENT, src/ctrl.c), which runs that same reopen on demand. So berthd renames
// <log> to <log>.1 (conmon keeps appending to the renamed file through its fd), then asks for the
// reopen: conmon fsyncs and closes the old file, then creates the new <log>. No byte is lost,
// and readers that follow <log> see its inode change only after the old file is complete.
import { watch } from "node:fs";
import { constants, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** conmon's control fifo for a container started with bundle `bundle`. */
export function conmonCtlPath(bundle: string): string {
  return join(bundle, "ctl");
}

/** The log files to read, oldest first, the current one last (missing ones included). */
export function rotatedLogPaths(path: string, maxFiles: number): string[] {
  const paths: string[] = [];
  for (let i = maxFiles - 1; i >= 1; i--) paths.push(`${path}.${i}`);
  paths.push(path);
  return paths;
}

const REOPEN_LOGS = "2 0 0\n";

/**
 * Rotates `path` now. Returns false (and changes nothing) when no conmon listens on `ctlPath`:
 * after a rename nobody would create the new file.
 */
export async function rotateLog(path: string, ctlPath: string, maxFiles: number): Promise<boolean> {
  let ctl;
  try {
    // Non-blocking: ENXIO instead of waiting forever when conmon is gone.
    ctl = await open(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENXIO" || code === "ENOENT") return false;
    throw err;
  }
  try {
    if (maxFiles <= 1) {
      // Docker's max-file 1: no history, start over. conmon truncates on reopen, so just unlink.
      await rm(path, { force: true });
    } else {
      await rm(`${path}.${maxFiles - 1}`, { force: true });
      for (let i = maxFiles - 2; i >= 1; i--) await renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
      await rename(path, `${path}.1`);
    }
    await ctl.write(REOPEN_LOGS);
    return true;
  } finally {
    await ctl.close();
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

export interface LogRotatorOptions {
  readonly path: string;
  readonly ctlPath: string;
  readonly maxSize: number;
  readonly maxFiles: number;
  /** Re-check the size this often even without file-system events (default 10 s, 1 s unwatched). */
  readonly pollMs?: number;
  /** Rotation failures (the log keeps growing; the next check tries again). */
  readonly onError?: (err: unknown) => void;
}

export interface LogRotator {
  /** Checks the size now (and rotates when over); resolves when done. */
  check(): Promise<void>;
  close(): void;
}

/**
 * Watches the log's size while the container runs and rotates it past maxSize. A file may
 * exceed maxSize by what is written before the check runs (inotify events, or pollMs).
 */
export function watchLogRotation(options: LogRotatorOptions): LogRotator {
  const { path, ctlPath, maxSize, maxFiles } = options;
  const name = basename(path);
  let running: Promise<void> | undefined;
  let again = false;
  // The inode last rotated: until conmon reopens, never rotate the same file twice.
  let rotatedIno = -1;

  const once = async (): Promise<void> => {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    if (st.size < maxSize) {
      rotatedIno = -1;
      return;
    }
    if (st.ino === rotatedIno) return;
    if (await rotateLog(path, ctlPath, maxFiles)) rotatedIno = st.ino;
  };
  const check = (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await once().catch((err: unknown) => options.onError?.(err));
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) void check();
    });
    watcher.on("error", () => undefined);
  } catch {
    watcher = undefined;
  }
  // The watch reports every write, so the poll is only a safety net for lost events: slow while
  // the watch works (one stat a second per running container added up to 100 stats/s, idle).
  const timer = setInterval(() => void check(), options.pollMs ?? (watcher ? 10_000 : 1000));
  timer.unref();
  return {
    check,
    close() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
