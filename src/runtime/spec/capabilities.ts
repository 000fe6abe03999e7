// Docker's capability rules (moby oci/caps): the default set, --cap-add/--cap-drop with ALL,
// names with or without CAP_ in any case, and --privileged.
import { unknownCapability } from "../../lib/index.ts";

/** Every capability Linux knows, by bit number (include/uapi/linux/capability.h). */
export const ALL_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/** Docker's default set (moby oci/caps/defaults.go), in Docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

const ALL = "ALL";

/** "sys_admin", "CAP_SYS_ADMIN", "Sys_Admin" → "CAP_SYS_ADMIN"; "all" → "ALL". */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === ALL) return ALL;
  const full = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw unknownCapability(full);
  return full;
}

/** The /proc/<pid>/status CapEff-style bit mask of a set, as a bigint. */
export function capabilityMask(caps: readonly string[]): bigint {
  let mask = 0n;
  for (const cap of caps) {
    const bit = ALL_CAPABILITIES.indexOf(cap);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask;
}

export interface CapabilityOptions {
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  privileged?: boolean;
  /** The host's bounding set: "all capabilities" never goes beyond it (runc would fail). */
  boundingCaps: readonly string[];
}

/** The container's capability set, following moby's TweakCapabilities. */
export function containerCapabilities(options: CapabilityOptions): string[] {
  const allOnHost = ALL_CAPABILITIES.filter((c) => options.boundingCaps.includes(c));
  if (options.privileged === true) return allOnHost;
  const adds = (options.capAdd ?? []).map(normalizeCapability);
  const drops = (options.capDrop ?? []).map(normalizeCapability);
  let caps: string[];
  if (adds.includes(ALL)) {
    caps = allOnHost.filter((c) => !drops.includes(c));
  } else if (drops.includes(ALL)) {
    caps = adds;
  } else {
    caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  }
  return [...new Set(caps)];
}
