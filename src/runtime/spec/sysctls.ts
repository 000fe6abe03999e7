// --sysctl: only namespaced keys can be set per container (runc refuses the others, and a
// host network namespace would make net.* leak to the host). Docker also opens ping and low
// ports to unprivileged users in a private network namespace (daemon/oci_linux.go WithSysctls).
// Messages are runc's (libcontainer/configs/validate), which is what Docker users see.
import { invalidContainerOption } from "../../lib/index.ts";
import { compareKernelVersions, parseKernelVersion } from "./kernel-version.ts";

// oci-runtime-spec config-linux.md "Sysctl"; the IPC namespace keys of the kernel.
const IPC_KEYS = new Set([
  "kernel.msgmax",
  "kernel.msgmnb",
  "kernel.msgmni",
  "kernel.sem",
  "kernel.shmall",
  "kernel.shmmax",
  "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);

export function containerSysctls(
  sysctls: Readonly<Record<string, string>>,
  hostNetwork: boolean,
  kernelVersion: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!hostNetwork) {
    out["net.ipv4.ping_group_range"] = "0 2147483647";
    // The knob exists since Linux 4.11.
    if (compareKernelVersions(parseKernelVersion(kernelVersion), { major: 4, minor: 11 }) >= 0) {
      out["net.ipv4.ip_unprivileged_port_start"] = "0";
    }
  }
  for (const [key, value] of Object.entries(sysctls)) {
    if (key.startsWith("net.")) {
      if (hostNetwork) throw invalidContainerOption(`sysctl "${key}" not allowed in host network namespace`);
    } else if (!IPC_KEYS.has(key) && !key.startsWith("fs.mqueue.")) {
      throw invalidContainerOption(`sysctl "${key}" is not in a separate kernel namespace`);
    }
    out[key] = value;
  }
  return out;
}
