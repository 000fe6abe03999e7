// buildSpec: a container's OCI runtime spec (config.json) from its configuration, assembled the
// way moby's daemon/oci_linux.go createSpec does. Pure: every host fact comes in the input.
import { invalidContainerOption } from "../../lib/index.ts";
import { containerCapabilities } from "./capabilities.ts";
import { defaultMounts } from "./default-mounts.ts";
import { containerDevices } from "./devices.ts";
import { containerEnv } from "./env.ts";
import { maskedPaths, readonlyPaths } from "./masked-paths.ts";
import { containerNamespaces } from "./namespaces.ts";
import { processArgs } from "./process-args.ts";
import { linuxResources, validateResources } from "./resources.ts";
import { containerSeccomp } from "./seccomp.ts";
import { containerSysctls } from "./sysctls.ts";
import type { ContainerSpecInput, Spec, SpecLinux, SpecMount, SpecProcess } from "./types.ts";
import { containerRlimits } from "./ulimits.ts";
import { bindMount, INIT_PATH, mergeMounts, tmpfsMount } from "./user-mounts.ts";
import { resolveUser } from "./user.ts";

export const OCI_VERSION = "1.2.0";
/** Parent of containers' cgroups when none is given. */
export const DEFAULT_CGROUP_PARENT = "/berth";

function userMounts(input: ContainerSpecInput): SpecMount[] {
  const readOnly = input.readOnly === true;
  const mounts: SpecMount[] = [];
  // Docker keeps these writable unless the whole rootfs is read-only.
  const managed: [string | undefined, string][] = [
    [input.resolvConfPath, "/etc/resolv.conf"],
    [input.hostnamePath, "/etc/hostname"],
    [input.hostsPath, "/etc/hosts"],
  ];
  for (const [source, destination] of managed) {
    if (source !== undefined) mounts.push(bindMount({ source, destination, readOnly }));
  }
  for (const b of input.binds ?? []) mounts.push(bindMount(b));
  for (const [destination, data] of Object.entries(input.tmpfs ?? {}))
    mounts.push(tmpfsMount(destination, data));
  if (input.init !== undefined) {
    mounts.push({ destination: INIT_PATH, type: "bind", source: input.init, options: ["bind", "ro"] });
  }
  return mounts;
}

export function buildSpec(input: ContainerSpecInput): Spec {
  const privileged = input.privileged === true;
  const { host } = input;
  const resources = input.resources ?? {};
  validateResources(resources, host.cpuCount);

  const cwd = input.workdir ?? (input.image.workingDir || "/");
  if (!cwd.startsWith("/")) {
    throw invalidContainerOption(
      `the working directory '${cwd}' is invalid, it needs to be an absolute path`,
    );
  }
  // Docker's default hostname is the short container id.
  const hostname = input.hostname ?? input.id.slice(0, 12);
  const user = resolveUser({
    user: input.user ?? input.image.user ?? "",
    groupAdd: input.groupAdd ?? [],
    ...(input.passwd === undefined ? {} : { passwd: input.passwd }),
    ...(input.group === undefined ? {} : { group: input.group }),
  });
  let args = processArgs({
    ...(input.image.entrypoint === undefined ? {} : { imageEntrypoint: input.image.entrypoint }),
    ...(input.image.cmd === undefined ? {} : { imageCmd: input.image.cmd }),
    ...(input.entrypoint === undefined ? {} : { entrypoint: input.entrypoint }),
    ...(input.cmd === undefined ? {} : { cmd: input.cmd }),
  });
  // --init: the init reaps zombies and forwards signals to the real command.
  if (input.init !== undefined) args = [INIT_PATH, "--", ...args];

  const caps = containerCapabilities({
    capAdd: input.capAdd ?? [],
    capDrop: input.capDrop ?? [],
    privileged,
    boundingCaps: host.boundingCaps,
  });

  const process: SpecProcess = {
    terminal: input.tty === true,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    args,
    env: containerEnv({
      imageEnv: input.image.env ?? [],
      userEnv: input.env ?? [],
      hostname,
      tty: input.tty === true,
      home: user.home,
    }),
    cwd,
    capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
    rlimits: containerRlimits(input.ulimits ?? [], host.hardRlimits),
    noNewPrivileges: input.noNewPrivileges === true,
    oomScoreAdj: 0,
  };

  const devices = containerDevices(input.devices ?? [], privileged, input.hostDevices ?? []);
  const linux: SpecLinux = {
    namespaces: containerNamespaces(input.network, host.cgroupVersion),
    resources: {
      devices: devices.rules,
      ...linuxResources(resources, host.cgroupVersion, host.swapLimit ?? true),
    },
    cgroupsPath: input.cgroupsPath ?? `${input.cgroupParent ?? DEFAULT_CGROUP_PARENT}/${input.id}`,
    devices: devices.devices,
    sysctl: containerSysctls(input.sysctls ?? {}, input.network === "host", host.kernelVersion),
    maskedPaths: maskedPaths(privileged, host.extraMaskedPaths ?? []),
    readonlyPaths: readonlyPaths(privileged),
  };
  const seccomp = containerSeccomp({
    ...(input.seccompProfile === undefined ? {} : { profile: input.seccompProfile }),
    privileged,
    caps,
    arch: host.arch,
    kernelVersion: host.kernelVersion,
    ...(host.x32Syscalls === undefined ? {} : { x32Syscalls: host.x32Syscalls }),
  });
  if (seccomp !== undefined) linux.seccomp = seccomp;

  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: input.rootfs, readonly: input.readOnly === true },
    hostname,
    mounts: mergeMounts(
      defaultMounts({ privileged, ...(input.shmSize === undefined ? {} : { shmSize: input.shmSize }) }),
      userMounts(input),
      input.readOnly === true,
    ),
    linux,
  };
  if (input.domainname !== undefined && input.domainname !== "") spec.domainname = input.domainname;
  return spec;
}
