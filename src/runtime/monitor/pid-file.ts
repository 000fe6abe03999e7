// Pid files written by conmon (--conmon-pidfile) and runc (--pid-file), and whether the process
// they name is still the one that wrote them.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, "utf8")).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 probes existence; EPERM still means the process exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True when `pid` is a live conmon monitoring container `id`: a bare pid may have been reused
 * by an unrelated process after a reboot or a long downtime, so its command line is checked.
 */
export async function isConmonFor(pid: number, id: string): Promise<boolean> {
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return false;
  }
  const argv = cmdline.split("\0");
  if (!basename(argv[0] ?? "").startsWith("conmon")) return false;
  const cid = argv.findIndex((a) => a === "-c" || a === "--cid");
  return cid >= 0 && argv[cid + 1] === id;
}
