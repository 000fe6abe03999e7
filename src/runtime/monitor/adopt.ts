// Live restore: a restarted berthd scans <exec-root>/monitor for the containers conmon was
// started for, and learns which are still monitored (re-adopt them), which exited while it was
// down (report their exit), and which lost their monitor (conmon killed: nobody will record
// an exit; the caller decides to kill and clean them up).
import { readdir } from "node:fs/promises";
import { readExit, type ContainerExit } from "./exit-file.ts";
import { execRootLayout, monitorPaths } from "./paths.ts";
import { isConmonFor, readPidFile } from "./pid-file.ts";
import { DEFAULT_RUNTIME, Runc } from "./runc.ts";
import type { RuntimeState } from "./runtime-state.ts";

export type MonitorStatus = "monitored" | "exited" | "lost";

export interface MonitoredContainer {
  readonly id: string;
  readonly status: MonitorStatus;
  /** The live conmon's pid (status "monitored"). */
  readonly conmonPid?: number;
  /** The runtime's view, when it still knows the container. */
  readonly state?: RuntimeState;
  /** The recorded exit (status "exited"). */
  readonly exit?: ContainerExit;
}

export interface ScanOptions {
  readonly execRoot: string;
  /** The runtime setting; defaults to "runc". */
  readonly runtime?: string;
}

/** Every container with a monitor dir under the exec-root, classified for re-adoption. */
export async function scanMonitors(options: ScanOptions): Promise<MonitoredContainer[]> {
  const { execRoot } = options;
  const ids = await listDir(execRootLayout(execRoot).monitorDir);
  if (ids.length === 0) return [];
  // One `runtime list` instead of one `runtime state` per container.
  const runc = new Runc({ runtime: options.runtime ?? DEFAULT_RUNTIME, execRoot });
  const states = new Map((await runc.list()).map((s) => [s.id, s]));
  return Promise.all(ids.map((id) => classify(execRoot, id, states.get(id))));
}

/** The containers a restarted berthd re-adopts: their conmon is alive. */
export async function listMonitored(options: ScanOptions): Promise<MonitoredContainer[]> {
  return (await scanMonitors(options)).filter((c) => c.status === "monitored");
}

async function classify(
  execRoot: string,
  id: string,
  state: RuntimeState | undefined,
): Promise<MonitoredContainer> {
  const withState = state === undefined ? {} : { state };
  const exit = await readExit(execRoot, id);
  if (exit !== undefined) return { id, status: "exited", exit, ...withState };
  const conmonPid = await readPidFile(monitorPaths(execRoot, id).conmonPidFile);
  if (conmonPid !== undefined && (await isConmonFor(conmonPid, id))) {
    return { id, status: "monitored", conmonPid, ...withState };
  }
  return { id, status: "lost", ...withState };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
