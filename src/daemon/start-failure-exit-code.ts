// The exit code Docker records for a container whose start failed (moby
// daemon/start.go translateContainerdStartErr and containerStart's deferred
// exitUnknown): 127 when the command does not exist, 126 when it cannot be
// executed, 128 for any other failure.
export const EXIT_CMD_NOT_FOUND = 127;
export const EXIT_EACCES = 126;
export const EXIT_UNKNOWN = 128;

export function startFailureExitCode(message: string): number {
  const m = message.toLowerCase();
  if (m.includes("executable file not found") || m.includes("no such file or directory")) {
    return EXIT_CMD_NOT_FOUND;
  }
  if (m.includes("permission denied")) return EXIT_EACCES;
  return EXIT_UNKNOWN;
}
