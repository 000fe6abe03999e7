// --ulimit name=soft[:hard] (docker/go-units ParseUlimit) → process.rlimits, clamped to the
// daemon's own hard limits: without CAP_SYS_RESOURCE runc cannot raise a hard limit and fails.
// oci-runtime-spec config.md "POSIX process" rlimits.
import { invalidContainerOption } from "../../lib/index.ts";
import type { PosixRlimit, RlimitName } from "./types.ts";

const NAMES: readonly RlimitName[] = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
];

/** Docker's default open-files limit for containers. */
export const DEFAULT_NOFILE = 1048576;

export interface Ulimit {
  name: RlimitName;
  /** `Infinity` for unlimited (-1 on the command line). */
  soft: number;
  hard: number;
}

function parseLimit(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw invalidContainerOption(`invalid ulimit value: ${JSON.stringify(text)}`);
  const n = Number(text);
  return n === -1 ? Infinity : n;
}

/** Parses one `--ulimit` value with go-units' rules and messages. */
export function parseUlimit(value: string): Ulimit {
  const eq = value.indexOf("=");
  if (eq < 0) throw invalidContainerOption(`invalid ulimit argument: ${value}`);
  const name = value.slice(0, eq);
  if (!(NAMES as readonly string[]).includes(name))
    throw invalidContainerOption(`invalid ulimit type: ${name}`);
  const limits = value.slice(eq + 1).split(":");
  if (limits.length > 2) {
    throw invalidContainerOption(
      `too many limit value arguments - ${value.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``,
    );
  }
  const soft = parseLimit(limits[0] ?? "");
  const hard = limits[1] === undefined ? soft : parseLimit(limits[1]);
  if (soft < -1 || hard < -1) throw invalidContainerOption(`invalid ulimit value: ${value}`);
  if (hard !== Infinity && soft > hard) {
    throw invalidContainerOption(
      `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`,
    );
  }
  return { name: name as RlimitName, soft, hard };
}

/**
 * process.rlimits: Docker's default nofile, then the user's ulimits (which replace a default of
 * the same name), each clamped to the host's hard limit.
 */
export function containerRlimits(
  ulimits: readonly string[],
  hostHard: Partial<Record<RlimitName, number>> = {},
): PosixRlimit[] {
  const byName = new Map<RlimitName, Ulimit>();
  byName.set("nofile", { name: "nofile", soft: DEFAULT_NOFILE, hard: DEFAULT_NOFILE });
  for (const text of ulimits) {
    const u = parseUlimit(text);
    byName.set(u.name, u);
  }
  return [...byName.values()].map((u) => {
    const hard = Math.min(u.hard, hostHard[u.name] ?? Infinity);
    return { type: `RLIMIT_${u.name.toUpperCase()}`, hard, soft: Math.min(u.soft, hard) };
  });
}
