// The host pid of a running container's init from runc's state.json (init_process_pid), checked
// against init_process_start (field 22 of /proc/<pid>/stat) as runc checks it, so a recycled
// pid is never taken for the container. Undefined when the container is not running.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export async function runcInitPid(runcRoot: string, id: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(join(runcRoot, id, "state.json"), "utf8")) as {
      init_process_pid?: unknown;
      init_process_start?: unknown;
    };
    const pid = state.init_process_pid;
    if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return undefined;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count after the last ')'.
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return start !== undefined && start === String(state.init_process_start) ? pid : undefined;
  } catch {
    return undefined;
  }
}
