// Kernel versions as Docker compares them for seccomp minKernel (major.minor only).
import { internal } from "../../lib/index.ts";

export interface KernelVersion {
  major: number;
  minor: number;
}

/** "6.1.0-18-amd64" → {6, 1}; a missing minor is 0. */
export function parseKernelVersion(text: string): KernelVersion {
  const m = /^(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (m === null) throw internal("INVALID_KERNEL_VERSION", `invalid kernel version ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2] ?? "0") };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}
