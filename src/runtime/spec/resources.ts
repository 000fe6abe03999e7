// Docker's resource options → linux.resources, with moby's validation messages
// (daemon/daemon_unix.go verifyPlatformContainerResources). oci-runtime-spec config-linux.md
// "Memory", "CPU", "PIDs". runc maps these v1-style fields onto cgroup v2 files itself
// (shares → cpu.weight, quota/period → cpu.max, swap → memory.swap.max = swap - limit,
// reservation → memory.low), so the same fields serve both versions and `unified` stays unset.
import { invalidContainerOption, parseCpuRanges } from "../../lib/index.ts";
import type { LinuxCpu, LinuxMemory, LinuxResources, ResourceOptions } from "./types.ts";

/** moby's linuxMinMemory: 6 MiB. */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** Docker's CFS period for --cpus: 100 ms. */
export const DEFAULT_CPU_PERIOD = 100_000;

function validCpuset(text: string): boolean {
  return parseCpuRanges(text) !== undefined;
}

/** Throws Docker's invalid-argument errors for options Docker rejects. */
export function validateResources(r: ResourceOptions, cpuCount?: number): void {
  const fail = (message: string): never => {
    throw invalidContainerOption(message);
  };
  const memory = r.memory ?? 0;
  const swap = r.memorySwap ?? 0;
  const reservation = r.memoryReservation ?? 0;
  if (memory < 0) fail("invalid memory limit: negative values are not allowed");
  if (memory !== 0 && memory < MIN_MEMORY) fail("Minimum memory limit allowed is 6MB");
  if (memory > 0 && swap > 0 && swap < memory)
    fail("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (memory === 0 && swap > 0)
    fail("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (memory > 0 && reservation > 0 && reservation > memory)
    fail("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (reservation !== 0 && reservation < MIN_MEMORY) fail("Minimum memory reservation allowed is 6MB");

  const nano = r.nanoCpus ?? 0;
  if (nano > 0 && (r.cpuPeriod ?? 0) > 0)
    fail("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  if (nano > 0 && (r.cpuQuota ?? 0) > 0)
    fail("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  if (cpuCount !== undefined && (nano < 0 || nano > cpuCount * 1e9))
    fail(`Range of CPUs is from 0.01 to ${cpuCount}.00, as there are only ${cpuCount} CPUs available`);
  const period = r.cpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000))
    fail("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  const quota = r.cpuQuota ?? 0;
  if (quota > 0 && quota < 1000) fail("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  if ((r.cpuShares ?? 0) < 0) fail("invalid CPU shares: negative values are not allowed");
  if (r.cpusetCpus !== undefined && r.cpusetCpus !== "" && !validCpuset(r.cpusetCpus))
    fail(`Invalid value ${r.cpusetCpus} for cpuset cpus`);
  if (r.cpusetMems !== undefined && r.cpusetMems !== "" && !validCpuset(r.cpusetMems))
    fail(`Invalid value ${r.cpusetMems} for cpuset mems`);
}

function memoryResources(
  r: ResourceOptions,
  cgroupVersion: 1 | 2,
  swapLimit: boolean,
): LinuxMemory | undefined {
  const m: LinuxMemory = {};
  const memory = r.memory ?? 0;
  if (memory > 0) m.limit = memory;
  if ((r.memoryReservation ?? 0) > 0) m.reservation = r.memoryReservation as number;
  // Docker's default swap is twice the memory (adaptContainerSettings); -1 is unlimited.
  // Without swap accounting Docker limits memory only ("Memory limited without swap"), and
  // runc would fail writing memory.memsw.limit_in_bytes.
  const swap = r.memorySwap ?? 0;
  if (swapLimit && swap !== 0) m.swap = swap;
  else if (swapLimit && memory > 0) m.swap = memory * 2;
  // cgroup v2 has no switch for the OOM killer: Docker discards the option there.
  if (r.oomKillDisable === true && cgroupVersion === 1) m.disableOOMKiller = true;
  return Object.keys(m).length > 0 ? m : undefined;
}

function cpuResources(r: ResourceOptions): LinuxCpu | undefined {
  const c: LinuxCpu = {};
  if ((r.cpuShares ?? 0) !== 0) c.shares = r.cpuShares as number;
  if ((r.nanoCpus ?? 0) > 0) {
    c.period = DEFAULT_CPU_PERIOD;
    c.quota = Math.floor(((r.nanoCpus as number) * DEFAULT_CPU_PERIOD) / 1e9);
  }
  if ((r.cpuPeriod ?? 0) !== 0) c.period = r.cpuPeriod as number;
  if ((r.cpuQuota ?? 0) !== 0) c.quota = r.cpuQuota as number;
  if (r.cpusetCpus !== undefined && r.cpusetCpus !== "") c.cpus = r.cpusetCpus;
  if (r.cpusetMems !== undefined && r.cpusetMems !== "") c.mems = r.cpusetMems;
  return Object.keys(c).length > 0 ? c : undefined;
}

/** linux.resources (without devices) for the options, after validateResources. */
export function linuxResources(r: ResourceOptions, cgroupVersion: 1 | 2, swapLimit = true): LinuxResources {
  const out: LinuxResources = {};
  const memory = memoryResources(r, cgroupVersion, swapLimit);
  if (memory !== undefined) out.memory = memory;
  const cpu = cpuResources(r);
  if (cpu !== undefined) out.cpu = cpu;
  // Zero or negative is unlimited in Docker's API; runc wants -1 for that.
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 };
  return out;
}
