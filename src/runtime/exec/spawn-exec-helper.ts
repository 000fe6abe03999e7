// Starts native/berth_exec.c (build/Release/berth-exec) for one exec: the configuration goes
// down its fd 3 (a socket pair libuv makes), the helper's answers come back on it: the exec
// process's host pid once forked, and the reason when the process could not be started.
import { spawn, type ChildProcess } from "node:child_process";
import type { Duplex } from "node:stream";
import { findBuildOutput, internal } from "../../lib/index.ts";

export interface ExecHelper {
  child: ChildProcess;
  /** The exec process's host pid, once the helper has forked it (0 when it never did). */
  pid: Promise<number>;
  /** Why the process could not be started, as the helper reported it (complete at "close"). */
  errors: string[];
}

let helperPath: string | undefined;

/** `stdio` are the exec's stdin, stdout and stderr (pipes, "ignore", or a terminal's fd). */
export type ExecStdio = "pipe" | "ignore" | number;

export function spawnExecHelper(
  config: readonly Buffer[],
  stdio: readonly [ExecStdio, ExecStdio, ExecStdio],
): ExecHelper {
  helperPath ??= findExecHelper();
  const child = spawn(helperPath, [], { stdio: [...stdio, "pipe"] });
  const channel = child.stdio[3] as Duplex | null;
  const errors: string[] = [];
  let resolvePid: (pid: number) => void = () => undefined;
  const pid = new Promise<number>((resolve) => {
    resolvePid = resolve;
  });
  if (channel === null) {
    resolvePid(0);
    return { child, pid, errors };
  }
  let pending = "";
  channel.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith("pid ")) resolvePid(Number.parseInt(line.slice(4), 10) || 0);
      else if (line.startsWith("error ")) errors.push(line.slice(6));
    }
  });
  channel.on("close", () => resolvePid(0));
  // The helper may be gone before reading it all (it failed): that is reported by its exit.
  channel.on("error", () => undefined);
  for (const chunk of config) channel.write(chunk);
  channel.end();
  return { child, pid, errors };
}

/** build/Release/berth-exec (native/berth_exec.c, built by node-gyp beside the addon). */
function findExecHelper(): string {
  const path = findBuildOutput("berth-exec");
  if (path === undefined) {
    throw internal(
      "EXEC_HELPER_MISSING",
      "build/Release/berth-exec not found; run npm install (node-gyp rebuild, needs libseccomp-dev)",
    );
  }
  return path;
}
