// Facts about the host for /info and /version, read once at start (they do not change while
// berthd runs) except the few that do (memory, time), which callers read themselves.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";

export interface HostFacts {
  kernelVersion: string;
  operatingSystem: string;
  osVersion: string;
  architecture: string;
  goArch: string;
  ncpu: number;
  memTotal: number;
  hostname: string;
  cgroupVersion: "1" | "2";
}

const GOARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
};

export function readHostFacts(): HostFacts {
  const osRelease = parseOsRelease();
  return {
    kernelVersion: os.release(),
    operatingSystem: osRelease.PRETTY_NAME ?? "Linux",
    osVersion: osRelease.VERSION_ID ?? "",
    architecture: os.machine(),
    goArch: GOARCH[process.arch] ?? process.arch,
    ncpu: os.cpus().length,
    memTotal: os.totalmem(),
    hostname: os.hostname(),
    // A unified hierarchy has cgroup.controllers at its root; hybrid and legacy hosts do not.
    cgroupVersion: existsSync("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1",
  };
}

function parseOsRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  let text = "";
  try {
    text = readFileSync("/etc/os-release", "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return out;
}
