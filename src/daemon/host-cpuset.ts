// The CPUs and memory nodes containers may use, as moby's sysinfo reads them: the cpuset
// cgroup's effective lists (v1: cpuset.effective_cpus at the hierarchy root, v2:
// cpuset.cpus.effective), else the kernel's online lists. Read once per daemon.
import { readFileSync } from "node:fs";
import type { HostCpuset } from "../container/index.ts";

function firstReadable(paths: readonly string[]): string {
  for (const path of paths) {
    try {
      const text = readFileSync(path, "utf8").trim();
      if (text !== "") return text;
    } catch {
      // next candidate
    }
  }
  return "";
}

let cached: HostCpuset | undefined;

export function hostCpuset(): HostCpuset {
  cached ??= {
    cpus: firstReadable([
      "/sys/fs/cgroup/cpuset/cpuset.effective_cpus",
      "/sys/fs/cgroup/cpuset.cpus.effective",
      "/sys/devices/system/cpu/online",
    ]),
    mems: firstReadable([
      "/sys/fs/cgroup/cpuset/cpuset.effective_mems",
      "/sys/fs/cgroup/cpuset.mems.effective",
      "/sys/devices/system/node/online",
    ]),
  };
  return cached;
}
