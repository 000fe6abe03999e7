// Reads /proc/self/mountinfo (proc(5)) to find mounts a crashed daemon left under the volumes dir.
import { readFile } from "node:fs/promises";

// mountinfo escapes space, tab, newline and backslash as \ooo.
const unescape = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Mount points at or below `dir`, deepest and most recent first (the order to unmount them). */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  const points = text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => unescape(line.split(" ")[4] ?? ""))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return points
    .map((p, order) => ({ p, order, depth: p.split("/").length }))
    .sort((a, b) => b.depth - a.depth || b.order - a.order)
    .map((m) => m.p);
}
