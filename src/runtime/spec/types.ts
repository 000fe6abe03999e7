// The subset of the OCI runtime spec (config.json) berth writes, and the plain input that
// buildSpec turns into it. Field names follow oci-runtime-spec config.md / config-linux.md.

/** oci-runtime-spec config.md "POSIX process" rlimits; `Infinity` is RLIM_INFINITY (see specToJson). */
export interface PosixRlimit {
  type: string;
  hard: number;
  soft: number;
}

/** oci-runtime-spec config.md "Linux Process" capabilities. */
export interface LinuxCapabilities {
  bounding: string[];
  effective: string[];
  inheritable: string[];
  permitted: string[];
  ambient: string[];
}

export interface SpecUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface SpecProcess {
  terminal: boolean;
  user: SpecUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: LinuxCapabilities;
  rlimits?: PosixRlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
}

export interface SpecRoot {
  path: string;
  readonly: boolean;
}

export interface SpecMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export type NamespaceType = "pid" | "network" | "mount" | "ipc" | "uts" | "user" | "cgroup";

export interface LinuxNamespace {
  type: NamespaceType;
  path?: string;
}

/** oci-runtime-spec config-linux.md "Devices". */
export interface LinuxDevice {
  path: string;
  type: "c" | "b" | "u" | "p";
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** oci-runtime-spec config-linux.md "Device allowlist". */
export interface LinuxDeviceCgroup {
  allow: boolean;
  type?: "a" | "c" | "b";
  major?: number;
  minor?: number;
  access?: string;
}

export interface LinuxMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  disableOOMKiller?: boolean;
}

export interface LinuxCpu {
  shares?: number;
  quota?: number;
  period?: number;
  cpus?: string;
  mems?: string;
}

export interface LinuxPids {
  limit: number;
}

export interface LinuxResources {
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCpu;
  pids?: LinuxPids;
  unified?: Record<string, string>;
}

export interface LinuxSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface LinuxSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
}

/** oci-runtime-spec config-linux.md "Seccomp". */
export interface LinuxSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: LinuxSyscall[];
}

export interface SpecLinux {
  namespaces: LinuxNamespace[];
  resources: LinuxResources;
  cgroupsPath: string;
  devices?: LinuxDevice[];
  sysctl?: Record<string, string>;
  seccomp?: LinuxSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface Spec {
  ociVersion: string;
  process: SpecProcess;
  root: SpecRoot;
  hostname?: string;
  domainname?: string;
  mounts: SpecMount[];
  linux: SpecLinux;
}

// --- Docker's seccomp profile format (profiles/seccomp default.json) ---

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface DockerSyscall {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: LinuxSeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

export interface DockerArchMap {
  architecture: string;
  subArchitectures: string[] | null;
}

export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: DockerArchMap[];
  flags?: string[];
  syscalls?: DockerSyscall[];
}

// --- input ---

export interface ImageRunConfig {
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
}

export interface ResourceOptions {
  memory?: number;
  /** -1 is unlimited swap; 0/absent means twice the memory limit, as Docker. */
  memorySwap?: number;
  memoryReservation?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  oomKillDisable?: boolean;
}

export interface BindMount {
  source: string;
  destination: string;
  readOnly?: boolean;
  /** rprivate (Docker's default), private, rshared, shared, rslave, slave. */
  propagation?: string;
  /** Docker's bind-recursive=disabled: "bind" instead of "rbind". */
  nonRecursive?: boolean;
}

/** A host device as the daemon found it (stat of the host path), for --device and --privileged. */
export interface HostDevice {
  /** Path on the host; only used in messages. */
  hostPath: string;
  /** Path inside the container. */
  path: string;
  type: "c" | "b";
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  /** cgroup permissions, "rwm" by default. */
  permissions?: string;
}

export type RlimitName =
  | "core"
  | "cpu"
  | "data"
  | "fsize"
  | "locks"
  | "memlock"
  | "msgqueue"
  | "nice"
  | "nofile"
  | "nproc"
  | "rss"
  | "rtprio"
  | "rttime"
  | "sigpending"
  | "stack";

/** Facts about the host the daemon gathers once; keeps the spec builders pure. */
export interface HostFacts {
  /** Hard limits of the daemon process (`Infinity` = unlimited); missing = unlimited. */
  hardRlimits?: Partial<Record<RlimitName, number>>;
  /** The daemon's bounding capability set, `CAP_` names. */
  boundingCaps: string[];
  cgroupVersion: 1 | 2;
  /** `uname -r`, e.g. "6.1.0-18-amd64". */
  kernelVersion: string;
  /** Go-style architecture ("amd64", "arm64"); see goArch(). */
  arch: string;
  /**
   * False when the kernel runs no x32-ABI syscalls (amd64 without CONFIG_X86_X32_ABI, or
   * syscall.x32=n): seccomp filters then leave out SCMP_ARCH_X32. Absent = true (Docker's list).
   */
  x32Syscalls?: boolean;
  /** Whether the memory cgroup accounts swap (v1 memory.memsw.*); false drops swap limits as Docker does. */
  swapLimit?: boolean;
  /** Host-specific paths to mask too, e.g. /sys/devices/system/cpu/cpu0/thermal_throttle. */
  extraMaskedPaths?: string[];
  /** Online CPUs, for Docker's --cpus range check. */
  cpuCount?: number;
}

export interface ContainerSpecInput {
  /** Container id, used for the default cgroups path. */
  id: string;
  image: ImageRunConfig;
  /** User env (`-e`), applied over the image's. */
  env?: string[];
  /** `--entrypoint`; `[]` or `[""]` clears the image's entrypoint. Setting it drops the image's CMD. */
  entrypoint?: string[];
  cmd?: string[];
  tty?: boolean;
  user?: string;
  groupAdd?: string[];
  workdir?: string;
  hostname?: string;
  domainname?: string;
  readOnly?: boolean;
  /** `--tmpfs` destination → options ("size=64m,exec"). */
  tmpfs?: Record<string, string>;
  shmSize?: number;
  /** `--ulimit` values, "nofile=1024:2048". */
  ulimits?: string[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  noNewPrivileges?: boolean;
  /** "default" (the shipped profile), "unconfined", or a profile's JSON text. */
  seccompProfile?: string;
  /** Resolved `--device` entries. */
  devices?: HostDevice[];
  /** Every device on the host, used when privileged. */
  hostDevices?: HostDevice[];
  sysctls?: Record<string, string>;
  /** Host path of the init binary (tini/catatonit) when `--init`. */
  init?: string;
  resources?: ResourceOptions;
  /** A netns path, "host", or "none" (a fresh empty netns). */
  network: string;
  rootfs: string;
  hostsPath?: string;
  hostnamePath?: string;
  resolvConfPath?: string;
  binds?: BindMount[];
  cgroupParent?: string;
  cgroupsPath?: string;
  /** The image's /etc/passwd and /etc/group, when present. */
  passwd?: string;
  group?: string;
  host: HostFacts;
}
