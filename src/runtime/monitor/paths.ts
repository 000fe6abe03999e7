// Where the runtime driver keeps its files under berth's --exec-root. One layout, used by the
// launcher (conmon.ts), the runc wrappers and adopt.ts, so a restarted berthd finds everything.
import { join } from "node:path";

export interface ExecRootLayout {
  /** runc's --root: its state.json per container. */
  readonly runcRoot: string;
  /** conmon --exit-dir: one file per container id holding the exit code. */
  readonly exitDir: string;
  /** conmon --socket-dir-path (its default /var/run/crio does not exist here). */
  readonly socketDir: string;
  /** Parent of the per-container monitor dirs (conmon --persist-dir). */
  readonly monitorDir: string;
}

export interface MonitorPaths {
  /** conmon --persist-dir: exit and oom files, conmon.pid, runtime.log. */
  readonly dir: string;
  readonly conmonPidFile: string;
  /** runc --log (JSON lines) for every runtime call about this container. */
  readonly runtimeLog: string;
  /** conmon writes the exit code here too (besides exitDir/<id>). */
  readonly exitFile: string;
  /** Created by conmon when the kernel OOM-killed a process of the container. */
  readonly oomFile: string;
  /** The exit-dir file conmon writes for this container. */
  readonly exitDirFile: string;
}

export function execRootLayout(execRoot: string): ExecRootLayout {
  return {
    runcRoot: join(execRoot, "runc"),
    exitDir: join(execRoot, "exits"),
    socketDir: join(execRoot, "socket"),
    monitorDir: join(execRoot, "monitor"),
  };
}

export function monitorPaths(execRoot: string, id: string): MonitorPaths {
  const layout = execRootLayout(execRoot);
  const dir = join(layout.monitorDir, id);
  return {
    dir,
    conmonPidFile: join(dir, "conmon.pid"),
    runtimeLog: join(dir, "runtime.log"),
    exitFile: join(dir, "exit"),
    oomFile: join(dir, "oom"),
    exitDirFile: join(layout.exitDir, id),
  };
}
