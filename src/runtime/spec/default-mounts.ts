// The filesystems every Docker container gets, with moby's options (oci/defaults.go).
import type { SpecMount } from "./types.ts";

/** Docker's default --shm-size: 64 MiB. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface DefaultMountOptions {
  shmSize?: number;
  privileged?: boolean;
}

export function defaultMounts(options: DefaultMountOptions = {}): SpecMount[] {
  const shmSize = options.shmSize !== undefined && options.shmSize > 0 ? options.shmSize : DEFAULT_SHM_SIZE;
  const sysOptions = ["nosuid", "noexec", "nodev"];
  // moby clears "ro" on /sys and on the cgroup mount for privileged containers.
  const cgroupOptions = ["nosuid", "noexec", "nodev"];
  if (options.privileged !== true) {
    sysOptions.push("ro");
    cgroupOptions.unshift("ro");
  }
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      // gid=5 is the tty group of the usual images.
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: sysOptions },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: cgroupOptions },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      // Docker's private IPC mode: a tmpfs sized by --shm-size.
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${shmSize}`],
    },
  ];
}
