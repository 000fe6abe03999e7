// `docker update` (POST /containers/{id}/update, swagger "ContainerUpdate"): what a request
// changes, decided without touching anything. Follows moby: the request is checked as
// verifyPlatformContainerResources(update=true) checks it (daemon/daemon_unix.go), merged into
// the stored HostConfig as Container.UpdateContainer merges it (container/container_unix.go:
// only non-zero fields change, NanoCpus and CpuPeriod/CpuQuota exclude each other across the
// old and the new values), and the running container gets only what the request set
// (daemon/update_linux.go toContainerdResources), as the OCI LinuxResources `runc update -r`
// reads (oci-runtime-spec config-linux.md "Control groups"; a 0 there means "leave as is").
import type { ContainerUpdateBody } from "../api/server/index.ts";
import type { HostConfig } from "../api/types/index.ts";
import { validateCpus, validateRestartPolicy } from "../container/index.ts";
import { EngineError, invalidArgument, parseCpuRanges } from "../lib/index.ts";

/** moby linuxMinMemory. */
const MIN_MEMORY = 6 * 1024 * 1024;
/** Docker's CFS period for --cpus: 100 ms. */
const NANO_CPU_PERIOD = 100_000;

/** The request body: swagger "Resources" plus RestartPolicy (fields berth does not apply are ignored). */
export type ContainerUpdateRequest = ContainerUpdateBody;

/** What `runc update -r <file>` reads: OCI LinuxResources with only the fields to change. */
export interface RuntimeResourceUpdate {
  memory?: { limit?: number; reservation?: number; swap?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight: number };
}

export interface HostFactsForUpdate {
  cpuCount: number;
  /** memory.memsw.* exist (swap accounting); without it a swap limit cannot be set. */
  swapLimit: boolean;
  /** blkio.weight exists (a proportional I/O scheduler). */
  blkioWeight: boolean;
}

export interface UpdatePlan {
  hostConfig: HostConfig;
  /** undefined when the request changes no runtime resource (a restart policy alone). */
  resources: RuntimeResourceUpdate | undefined;
  warnings: string[];
}

/** Indices of a cpuset list ("0-2,4"), or undefined when malformed. */
function cpusetIndices(text: string): number[] | undefined {
  const ranges = parseCpuRanges(text);
  if (ranges === undefined) return undefined;
  const out: number[] = [];
  for (const [lo, hi] of ranges) {
    for (let i = lo; i <= hi && out.length <= 4096; i++) out.push(i);
  }
  return out;
}

function checkCpuset(kind: "cpus" | "mems", value: string, available: number): void {
  const indices = cpusetIndices(value);
  if (indices === undefined)
    throw invalidArgument("INVALID_CPUSET", `Invalid value ${value} for cpuset ${kind}`);
  if (indices.some((i) => i >= available)) {
    const what = kind === "cpus" ? "CPUs" : "memory nodes";
    const range = available === 1 ? "0" : `0-${available - 1}`;
    throw invalidArgument(
      "CPUSET_UNAVAILABLE",
      `Requested ${what} are not available - requested ${value}, available: ${range}`,
    );
  }
}

/** verifyPlatformContainerResources with update=true: 400s, plus warnings for discarded values. */
function checkRequest(r: ContainerUpdateRequest, host: HostFactsForUpdate, memNodes: number): string[] {
  const warnings: string[] = [];
  const fail = (message: string): never => {
    throw invalidArgument("INVALID_UPDATE", message);
  };
  const memory = r.Memory ?? 0;
  const swap = r.MemorySwap ?? 0;
  const reservation = r.MemoryReservation ?? 0;
  if (memory < 0) fail("invalid memory limit: negative values are not allowed");
  if (memory !== 0 && memory < MIN_MEMORY) fail("Minimum memory limit allowed is 6MB");
  if (memory > 0 && swap > 0 && swap < memory)
    fail("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (reservation < 0) fail("invalid memory reservation: negative values are not allowed");
  if (reservation !== 0 && reservation < MIN_MEMORY) fail("Minimum memory reservation allowed is 6MB");
  if (memory > 0 && reservation > 0 && memory < reservation)
    fail("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (swap !== 0 && !host.swapLimit)
    warnings.push(
      "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.",
    );
  validateCpus({
    nanoCpus: r.NanoCpus ?? 0,
    cpuPeriod: r.CpuPeriod ?? 0,
    cpuQuota: r.CpuQuota ?? 0,
    hostCpus: host.cpuCount,
  });
  if ((r.CpuShares ?? 0) < 0) fail("invalid CPU shares: negative values are not allowed");
  if (r.CpusetCpus) checkCpuset("cpus", r.CpusetCpus, host.cpuCount);
  if (r.CpusetMems) checkCpuset("mems", r.CpusetMems, memNodes);
  const weight = r.BlkioWeight ?? 0;
  if (weight > 0 && (weight < 10 || weight > 1000)) fail("Range of blkio weight is from 10 to 1000");
  if (weight > 0 && !host.blkioWeight)
    warnings.push(
      "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.",
    );
  const policy = r.RestartPolicy;
  if (policy && policy.Name) validateRestartPolicy(policy.Name, policy.MaximumRetryCount ?? 0);
  return warnings;
}

/** moby's conflictingUpdateOptions: a 409 wrapped as "Cannot update container <id>: ...". */
export function cannotUpdate(
  id: string,
  message: string,
  category: "conflict" | "internal" = "conflict",
  cause?: unknown,
): EngineError {
  return new EngineError(category, "CANNOT_UPDATE_CONTAINER", `Cannot update container ${id}: ${message}`, {
    cause,
  });
}

/**
 * Checks `request` against the container's stored HostConfig and returns the merged HostConfig
 * to store and the resources to write into a running container's cgroup.
 */
export function planContainerUpdate(
  id: string,
  current: HostConfig,
  request: ContainerUpdateRequest,
  host: HostFactsForUpdate,
  memNodes = 1,
): UpdatePlan {
  const warnings = checkRequest(request, host, memNodes);
  const r = { ...request };
  if (!host.blkioWeight) delete r.BlkioWeight;
  if (!host.swapLimit) delete r.MemorySwap;
  const hc: HostConfig = { ...current };
  const nano = r.NanoCpus ?? 0;
  const refuse = (message: string): never => {
    throw cannotUpdate(id, message);
  };
  if (nano > 0 && (hc.CpuPeriod ?? 0) > 0)
    refuse("Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
  if (nano > 0 && (hc.CpuQuota ?? 0) > 0)
    refuse("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
  if ((r.CpuPeriod ?? 0) > 0 && (hc.NanoCpus ?? 0) > 0)
    refuse("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
  if ((r.CpuQuota ?? 0) > 0 && (hc.NanoCpus ?? 0) > 0)
    refuse("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");

  if (r.BlkioWeight) hc.BlkioWeight = r.BlkioWeight;
  if (r.CpuShares) hc.CpuShares = r.CpuShares;
  if (nano) hc.NanoCpus = nano;
  if (r.CpuPeriod) hc.CpuPeriod = r.CpuPeriod;
  if (r.CpuQuota) hc.CpuQuota = r.CpuQuota;
  if (r.CpusetCpus) hc.CpusetCpus = r.CpusetCpus;
  if (r.CpusetMems) hc.CpusetMems = r.CpusetMems;
  const memory = r.Memory ?? 0;
  const swap = r.MemorySwap ?? 0;
  if (memory !== 0) {
    // The kernel refuses a memory limit above memory+swap: the swap must move with it.
    const storedSwap = hc.MemorySwap ?? 0;
    if (storedSwap > 0 && memory > storedSwap && swap === 0)
      refuse(
        "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time",
      );
    hc.Memory = memory;
  }
  if (swap !== 0) hc.MemorySwap = swap;
  if (r.MemoryReservation) hc.MemoryReservation = r.MemoryReservation;
  if (r.PidsLimit !== undefined && r.PidsLimit !== null) hc.PidsLimit = r.PidsLimit;
  const policy = r.RestartPolicy;
  if (policy && policy.Name) {
    if (hc.AutoRemove && policy.Name !== "no")
      refuse("Restart policy cannot be updated because AutoRemove is enabled for the container");
    hc.RestartPolicy = { Name: policy.Name, MaximumRetryCount: policy.MaximumRetryCount ?? 0 };
  }
  return { hostConfig: hc, resources: runtimeResources(r), warnings };
}

/** toContainerdResources: only what the request sets; 0 stays out (runc leaves it as is). */
export function runtimeResources(r: ContainerUpdateRequest): RuntimeResourceUpdate | undefined {
  const out: RuntimeResourceUpdate = {};
  const memory: NonNullable<RuntimeResourceUpdate["memory"]> = {};
  if (r.Memory) memory.limit = r.Memory;
  if (r.MemoryReservation) memory.reservation = r.MemoryReservation;
  // -1 is unlimited swap, which runc writes as such.
  if (r.MemorySwap) memory.swap = r.MemorySwap;
  if (Object.keys(memory).length > 0) out.memory = memory;
  const cpu: NonNullable<RuntimeResourceUpdate["cpu"]> = {};
  if (r.CpuShares) cpu.shares = r.CpuShares;
  if (r.NanoCpus) {
    cpu.period = NANO_CPU_PERIOD;
    cpu.quota = Math.floor((r.NanoCpus * NANO_CPU_PERIOD) / 1e9);
  } else {
    if (r.CpuPeriod) cpu.period = r.CpuPeriod;
    if (r.CpuQuota) cpu.quota = r.CpuQuota;
  }
  if (r.CpusetCpus) cpu.cpus = r.CpusetCpus;
  if (r.CpusetMems) cpu.mems = r.CpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  // Zero or negative is "unlimited" in Docker's API; runc's unlimited is -1 (0 means unchanged).
  if (r.PidsLimit !== undefined && r.PidsLimit !== null)
    out.pids = { limit: r.PidsLimit > 0 ? r.PidsLimit : -1 };
  if (r.BlkioWeight) out.blockIO = { weight: r.BlkioWeight };
  return Object.keys(out).length > 0 ? out : undefined;
}
