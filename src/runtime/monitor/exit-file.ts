// The exit code conmon records when the container's init exits: <exit-dir>/<id> and
// <persist-dir>/exit (same content, written atomically by rename), plus <persist-dir>/oom when
// the kernel OOM-killed a process of the container. The files outlive berthd, so a restarted
// daemon still reports ExitCode and FinishedAt of containers that exited while it was down.
import { watch, type FSWatcher } from "node:fs";
import { readFile, stat } from "node:fs/promises";
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
    let watcher: FSWatcher | undefined;
    // Polling backs up fs.watch; `check` is defined below and runs only after this tick.
    const poll = setInterval(() => check(), options.pollMs ?? 500);
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;
    let checking = false;
    let recheck = false;

    const finish = (error: Error | undefined, exit?: ContainerExit): void => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(poll);
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
    try {
      watcher = watch(exitDir, (_event, filename) => {
        if (filename === null || filename === id) check();
      });
      watcher.on("error", () => undefined);
    } catch {
      // The exit dir may not exist yet (nothing started); polling covers it.
    }
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      deadline = setTimeout(() => finish(exitTimeout(id, ms)), ms);
    }
    // After arming the watcher, so an exit between the two is not missed.
    check();
  });
}
