// Three runtime operations that berthd does itself from runc's own state dir, instead of
// spawning the runc binary (~15–20 ms of fork+exec and Go start-up each, three times per
// `docker run --rm`, 100 times in a `docker rm -f` of 100 containers):
//
// - starting a created container (`runc start`): runc's init waits, blocked, to open its
//   state dir's exec.fifo for writing; `runc start` opens it for reading, reads the byte init
//   writes, and removes the fifo (which is how runc tells "created" from "running"). Then init
//   execs the container's process. We do the same.
// - signalling a container's init process (`runc kill <id> SIG` without --all): runc reads
//   state.json's init_process_pid and checks init_process_start against /proc/<pid>/stat field
//   22 so a recycled pid is never signalled; then kill(2). We do the same checks.
// - deleting a container whose init has exited (`runc delete`): runc removes the container's
//   cgroup directories (state.json cgroup_paths) and its state directory. We do exactly that
//   when the init is gone, the container had its own pid namespace (so the kernel killed every
//   process in it with its init) and the cgroups are empty.
//
// The same state read gives healthcheck probes their container's init pid (runningInitPid).
//
// Anything else — another runtime's state format (crun), a paused container, a live or
// recycled pid, a shared pid namespace, a non-empty cgroup, Intel RDT — returns false and the
// caller runs the runtime binary as before, which then reports its own errors.
import { constants } from "node:os";
import { constants as fsConstants } from "node:fs";
import { open, readFile, rm, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";

interface RuncState {
  init_process_pid?: unknown;
  init_process_start?: unknown;
  cgroup_paths?: unknown;
  intel_rdt_path?: unknown;
  config?: { namespaces?: unknown; hooks?: unknown; cgroups?: { Systemd?: unknown } };
}

interface InitProcess {
  pid: number;
  start: string;
  cgroupPaths: string[];
  ownPidNamespace: boolean;
  /** Intel RDT, hooks (poststop runs at delete) or systemd-managed cgroups: the runtime's job. */
  special: boolean;
}

async function readInit(runcRoot: string, id: string): Promise<InitProcess | undefined> {
  let state: RuncState;
  try {
    state = JSON.parse(await readFile(join(runcRoot, id, "state.json"), "utf8")) as RuncState;
  } catch {
    return undefined;
  }
  const pid = state.init_process_pid;
  const start = state.init_process_start;
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof start !== "number" && typeof start !== "string") return undefined;
  const paths =
    state.cgroup_paths !== null && typeof state.cgroup_paths === "object"
      ? Object.values(state.cgroup_paths).filter((p): p is string => typeof p === "string" && p !== "")
      : [];
  const namespaces = Array.isArray(state.config?.namespaces) ? (state.config.namespaces as unknown[]) : [];
  // libcontainer's config: {"type": "NEWPID", "path": ""} for a namespace of its own.
  const ownPidNamespace = namespaces.some((n) => {
    const ns = n as { type?: unknown; path?: unknown };
    return ns.type === "NEWPID" && (ns.path === undefined || ns.path === "");
  });
  return {
    pid,
    start: String(start),
    cgroupPaths: paths,
    ownPidNamespace,
    special:
      (typeof state.intel_rdt_path === "string" && state.intel_rdt_path !== "") ||
      (state.config?.hooks !== undefined &&
        state.config.hooks !== null &&
        Object.keys(state.config.hooks).length > 0) ||
      state.config?.cgroups?.Systemd === true,
  };
}

/** Field 22 (starttime) of /proc/<pid>/stat; undefined once the process is gone. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * The host pid of a running container's init, checked against its start time as runc checks it
 * (a recycled pid is never taken for the container); undefined when it is not running.
 */
export async function runningInitPid(runcRoot: string, id: string): Promise<number | undefined> {
  const init = await readInit(runcRoot, id);
  return init !== undefined && (await startTimeOf(init.pid)) === init.start ? init.pid : undefined;
}

/** "KILL", "SIGKILL", "9" → a signal Node's process.kill takes; undefined when unknown. */
export function signalOf(signal: string | number): NodeJS.Signals | number | undefined {
  if (typeof signal === "number") return Number.isInteger(signal) && signal > 0 ? signal : undefined;
  if (/^\d+$/.test(signal)) return signalOf(Number(signal));
  const name = (signal.toUpperCase().startsWith("SIG") ? signal : `SIG${signal}`).toUpperCase();
  return name in constants.signals ? (name as NodeJS.Signals) : undefined;
}

/**
 * `runc kill <id> <signal>` done in-process; false when the runtime must do it (see above).
 * A frozen container is left to the runtime, which thaws it for SIGKILL.
 */
export async function signalInitDirect(
  runcRoot: string,
  id: string,
  signal: string | number,
): Promise<boolean> {
  const sig = signalOf(signal);
  if (sig === undefined) return false;
  const init = await readInit(runcRoot, id);
  if (!init || init.special) return false;
  if ((await startTimeOf(init.pid)) !== init.start) return false;
  const freezer = init.cgroupPaths.find((p) => p.includes("/freezer/"));
  if (freezer !== undefined) {
    const state = await readFile(join(freezer, "freezer.state"), "utf8").catch(() => "");
    if (state.trim() !== "THAWED") return false;
  }
  try {
    process.kill(init.pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** `runc delete` of a container whose init has exited, done in-process; false otherwise. */
export async function deleteStoppedDirect(runcRoot: string, id: string): Promise<boolean> {
  const init = await readInit(runcRoot, id);
  if (!init || init.special || !init.ownPidNamespace) return false;
  if ((await startTimeOf(init.pid)) === init.start) return false; // still running (or created)
  const removed = await Promise.all([...new Set(init.cgroupPaths)].map(removeCgroup));
  if (removed.includes(false)) return false;
  await rm(join(runcRoot, id), { recursive: true, force: true });
  return true;
}

/**
 * rmdir of an (empty) cgroup; the last tasks of a killed pid namespace may take a moment to
 * leave it (EBUSY), so retry briefly, as runc's own removal does. Sub-cgroups the container
 * made itself (ENOTEMPTY) are the runtime's job.
 */
async function removeCgroup(path: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(path);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return true;
      if (code !== "EBUSY" || attempt >= 4) return false;
      await new Promise((resolve) => setTimeout(resolve, 5 << attempt));
    }
  }
}

/**
 * `runc start` of a created container done in-process; false when the runtime must do it (no
 * fifo, init gone or not ours, hooks...). The fifo is opened non-blocking so a dead init can
 * never wedge a thread: until init's byte arrives, a read sees EOF or EAGAIN and is retried
 * while the init lives (runc's own start polls the init the same way).
 */
export async function startCreatedDirect(runcRoot: string, id: string, timeoutMs = 10_000): Promise<boolean> {
  const init = await readInit(runcRoot, id);
  if (!init || init.special) return false;
  if ((await startTimeOf(init.pid)) !== init.start) return false;
  const fifo = join(runcRoot, id, "exec.fifo");
  let handle;
  try {
    handle = await open(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const buffer = Buffer.alloc(16);
    const readByte = (): Promise<boolean> =>
      handle.read(buffer, 0, buffer.length, null).then(
        (r) => r.bytesRead > 0,
        (err: NodeJS.ErrnoException) => {
          if (err.code === "EAGAIN") return false;
          throw err;
        },
      );
    const deadline = Date.now() + timeoutMs;
    for (let wait = 1; !(await readByte()); wait = Math.min(wait * 2, 20)) {
      if (Date.now() > deadline) return false;
      // Gone: it may have written its byte, exec'd and exited since the last read (`true`
      // takes no time), so the byte decides; without one it died before starting.
      if ((await startTimeOf(init.pid)) !== init.start) {
        if (await readByte()) break;
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    await handle.close();
  }
  // Started: without the fifo runc (and `runc state`) see the container as running.
  await unlink(fifo).catch(() => undefined);
  return true;
}
