// Ends what a test daemon leaves running on purpose (berthd keeps containers alive when it
// stops): runc containers whose state lives under the test's directory, then any process
// whose command line names that directory (conmon, helpers). Nothing outside the directory.
import { readFile, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { runCommand } from "./run-command.ts";

/** runc keeps `<runc root>/<id>/state.json`; returns [runc root, id] pairs found below `dir`. */
export async function findRuncStates(dir: string, maxDepth = 6): Promise<[string, string][]> {
  const found: [string, string][] = [];
  async function walk(path: string, depth: number): Promise<void> {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isFile() && entry.name === "state.json") {
        const id = await stateId(child);
        if (id !== undefined && id === basename(path)) found.push([dirname(path), id]);
      } else if (entry.isDirectory() && depth < maxDepth) {
        await walk(child, depth + 1);
      }
    }
  }
  await walk(dir, 0);
  return found;
}

async function stateId(path: string): Promise<string | undefined> {
  try {
    const state = JSON.parse(await readFile(path, "utf8")) as { id?: unknown; init_process_pid?: unknown };
    return typeof state.id === "string" && typeof state.init_process_pid === "number" ? state.id : undefined;
  } catch {
    return undefined;
  }
}

/** `runc delete --force` every container whose state is below `dir`. */
export async function deleteRuncContainers(dir: string): Promise<void> {
  for (const [runcRoot, id] of await findRuncStates(dir)) {
    await runCommand("runc", ["--root", runcRoot, "delete", "--force", id], { timeoutMs: 30_000 });
  }
}

/** Pids (other than this process) whose command line mentions `dir`. */
export async function processesMentioning(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").some((arg) => arg.includes(dir))) pids.push(pid);
  }
  return pids;
}

/** SIGKILLs every process whose command line mentions `dir`; returns their pids. */
export async function killProcessesMentioning(dir: string): Promise<number[]> {
  const pids = await processesMentioning(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids;
}
