// Finds and unmounts whatever is still mounted below a test's temp directory (overlay rootfs,
// netns bind mounts, tmpfs) so that the directory can be removed.
import { readFile, realpath } from "node:fs/promises";
import { runCommand } from "./run-command.ts";

export interface MountEntry {
  id: number;
  mountPoint: string;
  fsType: string;
}

// mountinfo escapes space, tab, newline and backslash as \ooo octal.
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses /proc/self/mountinfo (proc(5)). */
export async function readMountInfo(): Promise<MountEntry[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const fields = line.split(" ");
      const separator = fields.indexOf("-");
      return {
        id: Number(fields[0]),
        mountPoint: unescapeMountPath(fields[4] ?? ""),
        fsType: fields[separator + 1] ?? "",
      };
    });
}

/** Mounts at or below `dir`, deepest (and, at equal depth, most recent) first. */
export async function mountsUnder(dir: string): Promise<MountEntry[]> {
  const base = await realpath(dir).catch(() => dir);
  const inside = (path: string): boolean => path === base || path.startsWith(`${base}/`);
  const mounts = (await readMountInfo())
    .map((m, order) => ({ ...m, order }))
    .filter((m) => inside(m.mountPoint));
  const depth = (path: string): number => path.split("/").length;
  mounts.sort((a, b) => depth(b.mountPoint) - depth(a.mountPoint) || b.order - a.order);
  return mounts.map(({ order: _order, ...m }) => m);
}

/**
 * Unmounts everything below `dir`, deepest first; a busy mount is detached lazily. Returns the
 * mount points that could not be unmounted at all.
 */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  const failed: string[] = [];
  for (const mount of await mountsUnder(dir)) {
    const plain = await runCommand("umount", [mount.mountPoint]);
    if (plain.code === 0) continue;
    const lazy = await runCommand("umount", ["--lazy", mount.mountPoint]);
    if (lazy.code !== 0) failed.push(`${mount.mountPoint}: ${lazy.stderr.trim()}`);
  }
  return failed;
}
