// Checks of HostConfig values that need no runtime, with moby's messages
// (daemon/daemon_unix.go verifyPlatformContainerResources, api/types/container ValidateRestartPolicy).
import { invalidContainerConfig } from "./errors.ts";

/** moby linuxMinMemory. */
export const MIN_MEMORY = 6 * 1024 * 1024;

export const RESTART_POLICIES = ["no", "always", "on-failure", "unless-stopped"] as const;

export function validateRestartPolicy(name: string, maximumRetryCount: number): void {
  if (name === "" || name === "no" || name === "always" || name === "unless-stopped") {
    if (maximumRetryCount !== 0) {
      throw invalidContainerConfig(
        "invalid restart policy: maximum retry count can only be used with 'on-failure'",
      );
    }
    return;
  }
  if (name === "on-failure") {
    if (maximumRetryCount < 0) {
      throw invalidContainerConfig("invalid restart policy: maximum retry count cannot be negative");
    }
    return;
  }
  throw invalidContainerConfig(
    `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
  );
}

export interface MemoryLimits {
  memory: number;
  memorySwap: number;
  memoryReservation: number;
}

export function validateMemory({ memory, memorySwap, memoryReservation }: MemoryLimits): void {
  if (memory < 0 || memoryReservation < 0)
    throw invalidContainerConfig("invalid memory limit: must not be negative");
  if (memory > 0 && memory < MIN_MEMORY) throw invalidContainerConfig("Minimum memory limit allowed is 6MB");
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) {
    throw invalidContainerConfig("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  if (memory === 0 && memorySwap > 0) {
    throw invalidContainerConfig(
      "You should always set the Memory limit when using Memoryswap limit, see usage",
    );
  }
  if (memoryReservation > 0 && memoryReservation < MIN_MEMORY) {
    throw invalidContainerConfig("Minimum memory reservation allowed is 6MB");
  }
  if (memory > 0 && memoryReservation > 0 && memory < memoryReservation) {
    throw invalidContainerConfig(
      "Minimum memory limit can not be less than memory reservation limit, see usage",
    );
  }
}

export interface CpuLimits {
  nanoCpus: number;
  cpuPeriod: number;
  cpuQuota: number;
  hostCpus: number;
}

export function validateCpus({ nanoCpus, cpuPeriod, cpuQuota, hostCpus }: CpuLimits): void {
  if (nanoCpus > 0 && cpuPeriod > 0) {
    throw invalidContainerConfig("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  }
  if (nanoCpus > 0 && cpuQuota > 0) {
    throw invalidContainerConfig("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  }
  if (nanoCpus < 0 || nanoCpus > hostCpus * 1e9) {
    throw invalidContainerConfig(
      `Range of CPUs is from 0.01 to ${hostCpus}.00, as there are only ${hostCpus} CPUs available`,
    );
  }
  if (cpuPeriod !== 0 && (cpuPeriod < 1000 || cpuPeriod > 1000000)) {
    throw invalidContainerConfig(
      "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
    );
  }
  if (cpuQuota > 0 && cpuQuota < 1000) {
    throw invalidContainerConfig("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  }
}
