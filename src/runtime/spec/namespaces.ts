// Docker's namespaces: private mount, uts, pid and ipc; the network namespace the daemon
// prepared (by path), the host's, or a fresh one for "none"; a private cgroup namespace on
// cgroup v2 (Docker's default cgroupns mode there; "host" on v1).
// oci-runtime-spec config-linux.md "Namespaces".
import type { LinuxNamespace } from "./types.ts";

export function containerNamespaces(network: string, cgroupVersion: 1 | 2): LinuxNamespace[] {
  const out: LinuxNamespace[] = [{ type: "mount" }];
  if (network === "none" || network === "") out.push({ type: "network" });
  else if (network !== "host") out.push({ type: "network", path: network });
  out.push({ type: "uts" }, { type: "pid" }, { type: "ipc" });
  if (cgroupVersion === 2) out.push({ type: "cgroup" });
  return out;
}
