// The kernel's random ID for the current boot (proc(5) /proc/sys/kernel/random/boot_id). A
// record made in this boot whose files were not yet flushed is safe after a daemon crash (the
// page cache still holds them); one made in an earlier boot may have lost them with the power.
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function bootId(): string {
  cached ??= readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  return cached;
}
