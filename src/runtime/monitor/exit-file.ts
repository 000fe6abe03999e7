// The exit code conmon records when the container's init exits: <exit-dir>/<id> and
// <persist-dir>/exit (same content, written atomically by rename), plus <persist-dir>/oom when
// the kernel OOM-killed a process of the container. The files outlive berthd, so a restarted
// daemon still reports ExitCode and FinishedAt of containers that exited while it was down.
import { watch, type FSWatcher } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { execRootLayout, monitorPaths } from "./paths.ts";
import { exitTimeout } from "../../lib/index.ts";

export interface ContainerExit {
  /** 128+n for a death by signal n; -1 when conmon's --timeout killed it. */
  readonly exitCode: number;
  /** When conmon wrote the file, i.e. right after the container's init was reaped. */
  readonly finishedAt: Date;
  readonly oomKilled: boolean;
}

/** The recorded exit of container `id`, or undefined while it has not exited. */
export async function readExit(execRoot: string, id: string): Promise<ContainerExit | undefined> {
  const paths = monitorPaths(execRoot, id);
  for (const file of [paths.exitDirFile, paths.exitFile]) {
    const exit = await readExitFile(file);
    if (exit !== undefined) return { ...exit, oomKilled: await exists(paths.oomFile) };
  }
  return undefined;
}

async function readExitFile(path: string): Promise<Omit<ContainerExit, "oomKilled"> | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    const exitCode = Number.parseInt(text.trim(), 10);
    return Number.isInteger(exitCode) ? { exitCode, finishedAt: info.mtime } : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface WaitForExitOptions {
  /** Give up after this long with an EXIT_TIMEOUT error; default: wait forever. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Polling interval backing up fs.watch (which may miss events, e.g. on some overlay setups). */
  readonly pollMs?: number;
}

/** Resolves once conmon has recorded the exit of container `id`. */
export function waitForExit(
  execRoot: string,
  id: string,
  options: WaitForExitOptions = {},
): Promise<ContainerExit> {
  const exitDir = execRootLayout(execRoot).exitDir;
  return new Promise((resolve, reject) => {
    let unwatch = (): void => undefined;
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;
    let checking = false;
    let recheck = false;

    const finish = (error: Error | undefined, exit?: ContainerExit): void => {
      if (settled) return;
      settled = true;
      unwatch();
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) reject(error);
      else if (exit !== undefined) resolve(exit);
    };
    const check = (): void => {
      if (settled) return;
      // An event during a read in flight must not be lost: read again once it is done.
      if (checking) {
        recheck = true;
        return;
      }
      checking = true;
      readExit(execRoot, id).then(
        (exit) => {
          checking = false;
          if (exit !== undefined) finish(undefined, exit);
          else if (recheck) {
            recheck = false;
            check();
          }
        },
        (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
      );
    };
    const onAbort = (): void =>
      finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));

    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort);
    unwatch = watchExitDir(exitDir, options.pollMs ?? 500, id, check);
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      deadline = setTimeout(() => finish(exitTimeout(id, ms)), ms);
    }
    // After arming the watcher, so an exit between the two is not missed.
    check();
  });
}

/**
 * One inotify watch and one poll timer per exit dir, shared by every container waiting on it:
 * a watcher and a timer per running container cost memory and, worse, woke every waiter at
 * each exit (100 containers removed at once: 10 000 exit-file reads). An event names the file,
 * so only that container's waiter runs. The poll backs up fs.watch (which may miss events):
 * one readdir per period, waking the waiters whose exit file is there, and every 10th period all
 * of them (conmon's persist-dir copy of the exit file is not in this dir).
 */
interface ExitDirWatch {
  waiters: Map<string, Set<() => void>>;
  watcher: FSWatcher | undefined;
  timer: NodeJS.Timeout;
}

const exitDirWatches = new Map<string, ExitDirWatch>();

function watchExitDir(exitDir: string, pollMs: number, id: string, check: () => void): () => void {
  const key = `${pollMs}:${exitDir}`;
  let w = exitDirWatches.get(key);
  if (w === undefined) {
    const waiters = new Map<string, Set<() => void>>();
    const wake = (name: string): void => waiters.get(name)?.forEach((f) => f());
    const wakeAll = (): void => waiters.forEach((set) => set.forEach((f) => f()));
    let watcher: FSWatcher | undefined;
    const arm = (): void => {
      try {
        watcher = watch(exitDir, (_event, filename) => (filename === null ? wakeAll() : wake(filename)));
        watcher.on("error", () => undefined);
        if (w) w.watcher = watcher;
      } catch {
        // The exit dir may not exist yet (nothing started); polling covers it.
      }
    };
    arm();
    let round = 0;
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      round++;
      if (watcher === undefined) arm();
      if (round % 10 === 0 || watcher === undefined) return wakeAll();
      polling = true;
      readdir(exitDir).then(
        (names) => {
          polling = false;
          for (const name of names) wake(name);
        },
        () => {
          polling = false;
          wakeAll();
        },
      );
    }, pollMs);
    w = { waiters, watcher, timer };
    exitDirWatches.set(key, w);
  }
  const set = w.waiters.get(id) ?? new Set();
  set.add(check);
  w.waiters.set(id, set);
  const entry = w;
  return () => {
    set.delete(check);
    if (set.size === 0 && entry.waiters.get(id) === set) entry.waiters.delete(id);
    if (entry.waiters.size === 0 && exitDirWatches.get(key) === entry) {
      exitDirWatches.delete(key);
      entry.watcher?.close();
      clearInterval(entry.timer);
    }
  };
}
