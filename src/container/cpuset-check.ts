// --cpuset-cpus / --cpuset-mems checked at create as moby's verifyPlatformContainerResources
// does (daemon/daemon_unix.go): a malformed list is "Invalid value x for cpuset cpus", a CPU or
// memory node the host does not offer is "Requested CPUs are not available - requested x,
// available: y" (both 400), instead of a runc failure at start.
import { parseCpuRanges } from "../lib/index.ts";
import { invalidContainerConfig } from "./errors.ts";

/** "0-2,5" → {0,1,2,5}; undefined when malformed (moby parsers.ParseUintList). */
export function parseCpuList(text: string): Set<number> | undefined {
  const ranges = parseCpuRanges(text);
  if (ranges === undefined || ranges.some(([lo, hi]) => hi - lo > 1 << 16)) return undefined;
  const out = new Set<number>();
  for (const [lo, hi] of ranges) for (let i = lo; i <= hi; i++) out.add(i);
  return out;
}

export interface HostCpuset {
  /** The host's CPUs and memory nodes as cpuset lists ("0-3", "0"). */
  cpus: string;
  mems: string;
}

export function validateCpusets(requested: { cpus?: string; mems?: string }, host: HostCpuset): void {
  const check = (kind: "cpus" | "mems", value: string | undefined, available: string, what: string): void => {
    if (value === undefined || value === "") return;
    const wanted = parseCpuList(value);
    if (wanted === undefined) throw invalidContainerConfig(`Invalid value ${value} for cpuset ${kind}`);
    const offered = parseCpuList(available.trim());
    if (offered === undefined) return; // the host's list could not be read: left to the runtime
    for (const n of wanted) {
      if (!offered.has(n)) {
        throw invalidContainerConfig(
          `Requested ${what} are not available - requested ${value}, available: ${available.trim()}`,
        );
      }
    }
  };
  check("cpus", requested.cpus, host.cpus, "CPUs");
  check("mems", requested.mems, host.mems, "memory nodes");
}
