// A container's HostConfig.LogConfig read as berth applies it: every driver that can be read
// (json-file, local, k8s-file) lands in conmon's k8s-file storage with the user's rotation
// limits; `none` keeps no readable log, so `docker logs` is refused as Docker refuses it.
import { EngineError } from "../lib/index.ts";
import { DEFAULT_LOG_MAX_FILES, type LogConfig, parseLogConfig } from "../runtime/index.ts";

export function logLimits(config: { Type: string; Config?: Record<string, string> | null }): LogConfig {
  return parseLogConfig(config.Type, config.Config ?? {});
}

/** moby logger.ErrReadLogsNotSupported: 501 with its message. */
export function assertReadableLogs(config: { Type: string } | undefined): void {
  if (config?.Type === "none") {
    throw new EngineError(
      "not-implemented",
      "LOGS_NOT_READABLE",
      "configured logging driver does not support reading",
    );
  }
}

/** How many rotated files to read back (the default for configs stored before checks existed). */
export function logFilesOf(
  config: { Type: string; Config?: Record<string, string> | null } | undefined,
): number {
  try {
    return logLimits(config ?? { Type: "json-file" }).maxFiles;
  } catch {
    return DEFAULT_LOG_MAX_FILES;
  }
}
