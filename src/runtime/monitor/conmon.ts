// Starts a container under conmon: conmon runs `runtime create`, reports the container pid on
// the sync pipe, then stays as the container's parent (subreaper) to hold its stdio, write its
// log and record its exit code, whatever happens to berthd. berthd then runs `runtime start`.
import { spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { conmonArgs } from "./conmon-args.ts";
import { execRootLayout, monitorPaths } from "./paths.ts";
import { resolveBinary } from "./resolve-binary.ts";
import { Runc, DEFAULT_RUNTIME } from "./runc.ts";
import { lastRuntimeError, logOffset } from "./runtime-log.ts";
import { forgetMonitor } from "./forget.ts";
import { isConmonFor, readPidFile } from "./pid-file.ts";
import { readSyncMessage } from "./sync-pipe.ts";
import { binaryNotFound, monitorFailed } from "../../lib/index.ts";

export interface StartContainerOptions {
  readonly id: string;
  /** Shown by conmon in its logs; defaults to the id. */
  readonly name?: string;
  /** OCI bundle: config.json and (usually) rootfs. */
  readonly bundle: string;
  readonly execRoot: string;
  /** The runtime setting (name in PATH or absolute path); defaults to "runc". */
  readonly runtime?: string;
  /** The conmon binary; defaults to "conmon" in PATH. */
  readonly conmon?: string;
  /** Container log, CRI k8s-file format. */
  readonly logPath: string;
  readonly terminal?: boolean;
  readonly stdin?: boolean;
  /** Keep stdin open when an attached client goes (TTY or not StdinOnce, as Docker does). */
  readonly leaveStdinOpen?: boolean;
  readonly logSizeMax?: number;
  /** Deadline for conmon to report the created container. */
  readonly timeoutMs?: number;
  /** Called as each step ends ("conmonCreate", "runcStart"), for the caller's timing log. */
  readonly onStep?: (name: string) => void;
  /** Awaited between create and start (work overlapped with `runc create`); throwing aborts. */
  readonly beforeStart?: () => Promise<void>;
}

export interface StartedContainer {
  readonly id: string;
  /** The container's init process, in the host pid namespace. */
  readonly pid: number;
  /** The daemonized conmon monitoring it. */
  readonly conmonPid: number;
}

// conmon finds its pipes by fd number in the environment; fds 3 and 4 are stdio[3] and [4].
const SYNC_FD = 3;
const START_FD = 4;

/** Creates the container under a new conmon and starts it. */
export async function startContainer(options: StartContainerOptions): Promise<StartedContainer> {
  const { id, execRoot } = options;
  const runtimeName = options.runtime ?? DEFAULT_RUNTIME;
  const runtimePath = await resolveBinary(runtimeName);
  if (runtimePath === undefined) throw binaryNotFound(runtimeName);
  const conmonPath = await resolveBinary(options.conmon ?? "conmon");
  if (conmonPath === undefined) throw binaryNotFound(options.conmon ?? "conmon");

  const layout = execRootLayout(execRoot);
  const paths = monitorPaths(execRoot, id);
  await Promise.all(
    [layout.runcRoot, layout.exitDir, layout.socketDir, paths.dir].map((d) => mkdir(d, { recursive: true })),
  );
  // A restarted container must not be reported with its previous run's exit code.
  await Promise.all(
    [paths.exitDirFile, paths.exitFile, paths.oomFile, paths.conmonPidFile].map((f) =>
      rm(f, { force: true }),
    ),
  );

  const runc = new Runc({ runtime: runtimePath, execRoot });
  const argv = conmonArgs({
    conmon: conmonPath,
    runtimePath,
    runtimeGlobalArgs: runc.globalArgs(paths.runtimeLog),
    execRoot,
    id,
    name: options.name ?? id,
    bundle: options.bundle,
    logPath: options.logPath,
    terminal: options.terminal ?? false,
    stdin: options.stdin ?? false,
    ...(options.leaveStdinOpen === true ? { leaveStdinOpen: true } : {}),
    ...(options.logSizeMax === undefined ? {} : { logSizeMax: options.logSizeMax }),
  });
  const offset = await logOffset(paths.runtimeLog);
  let pid: number;
  try {
    pid = await createUnderConmon(id, argv, paths.dir, options.timeoutMs ?? 60_000, async () =>
      lastRuntimeError(paths.runtimeLog, offset),
    );
  } catch (err) {
    // conmon is gone or wedged; its files would make scanMonitors report a "lost" container.
    await killConmon(paths.conmonPidFile, id);
    await forgetMonitor(execRoot, id);
    throw err;
  }
  const conmonPid = await readPidFile(paths.conmonPidFile);
  if (conmonPid === undefined) throw monitorFailed(id, `conmon wrote no pid to ${paths.conmonPidFile}`);
  options.onStep?.("conmonCreate");

  try {
    if (options.beforeStart) {
      await options.beforeStart();
      options.onStep?.("beforeStart");
    }
    await runc.start(id);
  } catch (err) {
    // Deleting the created container makes conmon see its exit and go away too.
    await runc.delete(id, true).catch(() => undefined);
    throw err;
  }
  options.onStep?.("runcStart");
  return { id, pid, conmonPid };
}

/** Runs conmon until it reports the created container's pid (or why create failed). */
async function createUnderConmon(
  id: string,
  argv: string[],
  cwd: string,
  timeoutMs: number,
  runtimeReason: () => Promise<string | undefined>,
): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) throw monitorFailed(id, "empty conmon argv");
  // detached: own session, so a signal to berthd's process group does not reach conmon;
  // stdin/stdout are /dev/null and stderr a pipe we drop: conmon never holds berthd's stdio.
  const child = spawn(file, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    env: { ...process.env, _OCI_SYNCPIPE: String(SYNC_FD), _OCI_STARTPIPE: String(START_FD) },
  });
  const syncPipe = child.stdio[SYNC_FD] as Readable;
  const startPipe = child.stdio[START_FD] as Writable;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4096);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const firstExit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const failure = (): { argv: string[]; exitCode: number | null; stderrTail: string } => ({
    argv,
    exitCode: child.exitCode,
    stderrTail: stderr.trim(),
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await spawned.catch((err: unknown) => {
      throw monitorFailed(id, err instanceof Error ? err.message : String(err), failure());
    });
    // conmon blocks on the start pipe so a caller can first move it into a cgroup; nothing to
    // do there yet, so release it at once.
    startPipe.end(Buffer.from([0]));
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const message = await Promise.race([readSyncMessage(syncPipe), timeout]);
    if (message === "timeout") {
      child.kill("SIGKILL");
      throw monitorFailed(id, `no answer from conmon within ${timeoutMs} ms`, failure());
    }
    // The first conmon process exits right after forking the monitor; by then it has written
    // --conmon-pidfile. A non-zero status means conmon refused to start at all.
    const exitCode = await firstExit;
    if (message === undefined) {
      const reason = (await runtimeReason()) ?? (stderr.trim() || `conmon exited with status ${exitCode}`);
      throw monitorFailed(id, reason, failure());
    }
    if (message.data <= 0) {
      const reason = (await runtimeReason()) ?? message.message?.trim() ?? "runtime create failed";
      throw monitorFailed(id, reason, failure());
    }
    return message.data;
  } finally {
    clearTimeout(timer);
    syncPipe.destroy();
    startPipe.destroy();
    child.stderr?.destroy();
    child.unref();
  }
}

async function killConmon(pidFile: string, id: string): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid === undefined || !(await isConmonFor(pid, id))) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
