// Host device nodes for --device and --privileged (moby's devices.DeviceFromPath and
// HostDevices): stat the host path for type, major/minor, mode and owner. A directory given
// to --device brings every device node below it, at the matching path in the container.
import { lstatSync, readdirSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import { invalidArgument } from "../../lib/index.ts";
import type { HostDevice } from "../spec/types.ts";

/** Linux dev_t split (glibc gnu_dev_major/minor). */
function majorMinor(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { major, minor };
}

function toDevice(
  st: BigIntStats,
  hostPath: string,
  path: string,
  permissions: string,
): HostDevice | undefined {
  const type = st.isCharacterDevice() ? "c" : st.isBlockDevice() ? "b" : undefined;
  if (type === undefined) return undefined;
  return {
    hostPath,
    path,
    type,
    ...majorMinor(st.rdev),
    fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    permissions,
  };
}

const gatherError = (hostPath: string, why: string): Error =>
  invalidArgument(
    "INVALID_DEVICE",
    `error gathering device information while adding custom device "${hostPath}": ${why}`,
  );

/** One `--device` entry (HostConfig.Devices item) as device nodes; Docker's error when missing. */
export function readDevice(hostPath: string, containerPath: string, permissions: string): HostDevice[] {
  let st: BigIntStats;
  try {
    st = lstatSync(hostPath, { bigint: true });
  } catch {
    throw gatherError(hostPath, "no such file or directory");
  }
  const perms = permissions || "rwm";
  const target = containerPath || hostPath;
  if (st.isDirectory()) {
    const out: HostDevice[] = [];
    for (const name of readdirSync(hostPath)) {
      try {
        out.push(...readDevice(join(hostPath, name), join(target, name), perms));
      } catch {
        // not a device: skipped inside a directory, as moby does
      }
    }
    return out;
  }
  const device = toDevice(st, hostPath, target, perms);
  if (device === undefined) throw gatherError(hostPath, "not a device node");
  return [device];
}

/** Every device node under /dev (skipping pts and shm), for --privileged. */
export function listHostDevices(dir = "/dev"): HostDevice[] {
  const out: HostDevice[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (["pts", "shm", "fd", "mqueue"].includes(name)) continue;
      out.push(...listHostDevices(path));
      continue;
    }
    if (name === "console") continue; // runc sets up the container's own console
    const device = toDevice(st, path, path, "rwm");
    if (device) out.push(device);
  }
  return out;
}
