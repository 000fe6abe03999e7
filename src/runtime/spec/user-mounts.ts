// Mounts the user and the daemon add over the defaults: --tmpfs, binds (-v, /etc/hosts,
// /etc/hostname, /etc/resolv.conf) and the init binary, merged as moby's WithMounts.
import type { BindMount, SpecMount } from "./types.ts";

/** Docker mounts --init's binary here. */
export const INIT_PATH = "/sbin/docker-init";

// Flags of which the last one given wins (mount(8) opposites).
const FLAG_GROUPS: readonly (readonly string[])[] = [
  ["exec", "noexec"],
  ["suid", "nosuid"],
  ["dev", "nodev"],
  ["rw", "ro"],
  ["atime", "noatime"],
  ["diratime", "nodiratime"],
  ["relatime", "norelatime"],
  ["strictatime", "nostrictatime"],
  ["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"],
];

/** Later options override earlier ones: flags by their opposite, key=value by key (MergeTmpfsOptions). */
export function mergeMountOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const opt = options[i] ?? "";
    if (opt === "" || opt === "defaults") continue;
    const group = FLAG_GROUPS.findIndex((g) => g.includes(opt));
    const key = opt.includes("=") ? `=${opt.slice(0, opt.indexOf("="))}` : group >= 0 ? `#${group}` : opt;
    if (seen.has(key)) continue;
    seen.add(key);
    out.unshift(opt);
  }
  return out;
}

export function tmpfsMount(destination: string, data: string): SpecMount {
  const options = ["noexec", "nosuid", "nodev", "rprivate", ...data.split(",")];
  return { destination, type: "tmpfs", source: "tmpfs", options: mergeMountOptions(options) };
}

export function bindMount(b: BindMount): SpecMount {
  const options = [b.nonRecursive === true ? "bind" : "rbind"];
  if (b.readOnly === true) options.push("ro");
  options.push(b.propagation ?? "rprivate");
  return { destination: b.destination, type: "bind", source: b.source, options };
}

const depth = (path: string): number => path.split("/").filter((p) => p !== "").length;

// Directories runc must not be told to make read-only with the rootfs (Docker's exceptions).
const WRITABLE_WITH_READONLY_ROOT = new Set(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"]);

/**
 * Defaults first (minus those the user's mounts replace, and all of /dev/* when the user mounts
 * /dev), then the user's mounts, parents before children.
 */
export function mergeMounts(
  defaults: readonly SpecMount[],
  user: readonly SpecMount[],
  readOnlyRoot: boolean,
): SpecMount[] {
  const userDest = new Set(user.map((m) => m.destination));
  const mountsDev = userDest.has("/dev");
  const kept = defaults
    .filter((m) => !userDest.has(m.destination) && !(mountsDev && m.destination.startsWith("/dev/")))
    .map((m) => {
      if (!readOnlyRoot || WRITABLE_WITH_READONLY_ROOT.has(m.destination) || m.options?.includes("ro"))
        return m;
      return { ...m, options: [...(m.options ?? []), "ro"] };
    });
  const sorted = [...user].sort((a, b) => depth(a.destination) - depth(b.destination));
  return [...kept, ...sorted];
}
