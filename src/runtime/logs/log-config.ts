// --log-driver and --log-opt. The drivers Docker (and podman) users pick map onto conmon's
// k8s-file (the on-disk format is ours to choose, `docker logs` output is the same) or no log.
// Rotation is on by default, unlike Docker's json-file: 4 files × 64 MiB keep 100 MB of output
// readable while bounding disk use.
import { invalidLogConfig } from "../../lib/index.ts";

export type LogDriver = "json-file" | "local" | "k8s-file" | "none";

export interface LogConfig {
  readonly driver: LogDriver;
  /** Bytes after which the current file is rotated. */
  readonly maxSize: number;
  /** Files kept, the current one included (Docker's max-file). */
  readonly maxFiles: number;
}

export const DEFAULT_LOG_MAX_SIZE = 64 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 4;

const UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Docker's max-size syntax (go-units RAMInBytes: binary units, "10m", "1.5g", "512k", "100"). */
export function parseLogSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  if (m === null) return undefined;
  const size = Math.floor(Number(m[1]) * (UNITS[(m[2] ?? "").toLowerCase()] ?? 1));
  return Number.isSafeInteger(size) ? size : undefined;
}

export function parseLogConfig(
  driver: string | undefined,
  opts: Readonly<Record<string, string>> = {},
): LogConfig {
  const name = driver === undefined || driver === "" ? "json-file" : driver;
  if (name !== "json-file" && name !== "local" && name !== "k8s-file" && name !== "none") {
    throw invalidLogConfig(`logger: no log driver named '${name}' is registered`);
  }
  let maxSize = DEFAULT_LOG_MAX_SIZE;
  let maxFiles = DEFAULT_LOG_MAX_FILES;
  for (const [key, value] of Object.entries(opts)) {
    if (name === "none") throw invalidLogConfig(`unknown log opt '${key}' for none log driver`);
    if (key === "max-size") {
      const size = parseLogSize(value);
      if (size === undefined) throw invalidLogConfig(`invalid size: '${value}'`);
      // Docker: -1 or absent means unlimited; here a size is always applied.
      if (size <= 0) throw invalidLogConfig(`max-size must be a positive size: '${value}'`);
      maxSize = size;
    } else if (key === "max-file") {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1)) throw invalidLogConfig("max-file cannot be less than 1");
      maxFiles = n;
    } else if (["compress", "labels", "labels-regex", "env", "env-regex", "tag"].includes(key)) {
      // Accepted for compatibility; rotated files are kept uncompressed.
    } else {
      throw invalidLogConfig(`unknown log opt '${key}' for ${name} log driver`);
    }
  }
  return { driver: name, maxSize, maxFiles };
}
