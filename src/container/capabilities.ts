// Linux capability names for --cap-add/--cap-drop validation at create (moby's
// oci/caps.NormalizeLegacyCapabilities), without depending on the runtime folder.
import { invalidContainerConfig } from "./errors.ts";

const KNOWN = new Set(
  [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
  ].map((c) => `CAP_${c}`),
);

/**
 * Normalizes capability names ("net_admin" -> "CAP_NET_ADMIN", "ALL" kept) and refuses unknown
 * ones with moby's wording: `invalid CapAdd: unknown capability: "CAP_FOO"`.
 */
export function normalizeCapabilities(field: "CapAdd" | "CapDrop", caps: readonly string[]): string[] {
  return caps.map((c) => {
    const upper = c.toUpperCase();
    if (upper === "ALL") return "ALL";
    const name = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
    if (!KNOWN.has(name)) throw invalidContainerConfig(`invalid ${field}: unknown capability: "${name}"`);
    return name;
  });
}
