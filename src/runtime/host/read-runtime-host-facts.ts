// What the spec builder needs to know about this host, read once from /proc and /sys: the
// daemon's bounding capabilities (privileged containers get no more), its hard rlimits (this
// machine lacks CAP_SYS_RESOURCE, so runc fails on limits above them), cgroup version, kernel.
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { native } from "../../lib/index.ts";
import { ALL_CAPABILITIES, goArch } from "../spec/index.ts";
import type { HostFacts, RlimitName } from "../spec/index.ts";

// /proc/self/limits labels of the limits Docker sets by default or users commonly raise.
const LIMIT_LABELS: Record<string, RlimitName> = {
  "Max open files": "nofile",
  "Max processes": "nproc",
  "Max core file size": "core",
  "Max locked memory": "memlock",
  "Max stack size": "stack",
};

export function readRuntimeHostFacts(): HostFacts {
  const status = readFileSync("/proc/self/status", "utf8");
  const bounding = BigInt(`0x${/CapBnd:\s*([0-9a-f]+)/.exec(status)?.[1] ?? "0"}`);
  return {
    boundingCaps: ALL_CAPABILITIES.filter((_c, bit) => (bounding & (1n << BigInt(bit))) !== 0n),
    hardRlimits: parseHardLimits(readFileSync("/proc/self/limits", "utf8")),
    cgroupVersion: existsSync("/sys/fs/cgroup/cgroup.controllers") ? 2 : 1,
    kernelVersion: release(),
    arch: goArch(process.arch),
    x32Syscalls: process.arch === "x64" && (native().x32SyscallsRun?.() ?? true),
  };
}

/** Hard limits from /proc/<pid>/limits text ("unlimited" is Infinity). */
export function parseHardLimits(text: string): Partial<Record<RlimitName, number>> {
  const limits: Partial<Record<RlimitName, number>> = {};
  for (const line of text.split("\n")) {
    for (const [label, name] of Object.entries(LIMIT_LABELS)) {
      if (!line.startsWith(label)) continue;
      const hard = line.slice(label.length).trim().split(/\s+/)[1] ?? "unlimited";
      limits[name] = hard === "unlimited" ? Infinity : Number(hard);
    }
  }
  return limits;
}
