// Device nodes and the device cgroup allowlist, as moby's oci/defaults.go and WithDevices.
// oci-runtime-spec config-linux.md "Devices" and "Device allowlist". runc appends its own
// always-allowed rules (mknod of anything, /dev/pts, /dev/ptmx, /dev/net/tun) after these.
import type { HostDevice, LinuxDevice, LinuxDeviceCgroup } from "./types.ts";

const char = (major: number, minor: number, allow = true): LinuxDeviceCgroup => ({
  allow,
  type: "c",
  major,
  minor,
  access: "rwm",
});

/** Deny everything, then the standard character devices; /dev/fuse stays denied. */
export function defaultDeviceRules(): LinuxDeviceCgroup[] {
  return [
    { allow: false, access: "rwm" },
    char(1, 5), // /dev/zero
    char(1, 3), // /dev/null
    char(1, 9), // /dev/urandom
    char(1, 8), // /dev/random
    char(5, 0), // /dev/tty
    char(5, 1), // /dev/console
    char(10, 229, false), // /dev/fuse
  ];
}

function node(d: HostDevice): LinuxDevice {
  return {
    path: d.path,
    type: d.type,
    major: d.major,
    minor: d.minor,
    fileMode: d.fileMode,
    uid: d.uid,
    gid: d.gid,
  };
}

export interface ContainerDevices {
  devices: LinuxDevice[];
  rules: LinuxDeviceCgroup[];
}

/** --device entries, or every host device with everything allowed when privileged. */
export function containerDevices(
  devices: readonly HostDevice[],
  privileged: boolean,
  hostDevices: readonly HostDevice[] = [],
): ContainerDevices {
  if (privileged) return { devices: hostDevices.map(node), rules: [{ allow: true, access: "rwm" }] };
  return {
    devices: devices.map(node),
    rules: [
      ...defaultDeviceRules(),
      ...devices.map((d) => ({
        allow: true,
        type: d.type,
        major: d.major,
        minor: d.minor,
        access: d.permissions ?? "rwm",
      })),
    ],
  };
}
