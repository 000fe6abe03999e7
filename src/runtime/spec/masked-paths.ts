// Paths Docker hides (bind of /dev/null or an empty ro tmpfs) or makes read-only inside the
// container, from moby's oci/defaults.go. oci-runtime-spec config-linux.md "Masked Paths".

const MASKED_PATHS: readonly string[] = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];

// oci-runtime-spec config-linux.md "Readonly Paths".
const READONLY_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** Docker's masked paths plus the host's extra ones; privileged containers see everything. */
export function maskedPaths(privileged = false, extra: readonly string[] = []): string[] {
  return privileged ? [] : [...MASKED_PATHS, ...extra.filter((p) => !MASKED_PATHS.includes(p))];
}

/** Docker's read-only paths; none when privileged. */
export function readonlyPaths(privileged = false): string[] {
  return privileged ? [] : [...READONLY_PATHS];
}
