// Where a process is written to join a container's cgroups, as runc exec joins them: every
// hierarchy the container's init is in (/proc/<pid>/cgroup, cgroups(7) "/proc/[pid]/cgroup"),
// the v1 controllers under /sys/fs/cgroup/<controllers> (named hierarchies such as
// name=systemd under /sys/fs/cgroup/<name>) and the v2 one ("0::") under /sys/fs/cgroup, or
// /sys/fs/cgroup/unified on a hybrid host.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CgroupLayout {
  /** The mount root of cgroup hierarchies (/sys/fs/cgroup). */
  root: string;
  /** Where the v2 hierarchy is mounted: the root itself (v2 only) or root/unified (hybrid). */
  unified: string | undefined;
}

/** The cgroup.procs files of every hierarchy listed in a /proc/<pid>/cgroup text. */
export function cgroupProcsPaths(procCgroup: string, layout: CgroupLayout): string[] {
  const out: string[] = [];
  for (const line of procCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    const [, , controllers = "", path = "/"] = m;
    let base: string | undefined;
    if (controllers === "") base = layout.unified;
    else base = join(layout.root, controllers.replace(/^name=/, ""));
    if (base !== undefined) out.push(join(base, path, "cgroup.procs"));
  }
  return out;
}

/** This host's layout, read once. */
export function hostCgroupLayout(root = "/sys/fs/cgroup"): CgroupLayout {
  if (existsSync(join(root, "cgroup.controllers"))) return { root, unified: root };
  const unified = join(root, "unified");
  return { root, unified: existsSync(join(unified, "cgroup.procs")) ? unified : undefined };
}

/** The cgroup.procs files for joining the cgroups of the process `pid`. */
export function processCgroupProcs(pid: number, layout: CgroupLayout): string[] {
  return cgroupProcsPaths(readFileSync(`/proc/${pid}/cgroup`, "utf8"), layout).filter((p) => existsSync(p));
}
