// berth update / container update: docker/cli container/update.go. Sends swagger's
// ContainerUpdate (Resources + RestartPolicy) to POST /containers/{id}/update for each
// container; prints each name updated, then the daemon's warnings; errors joined at the end.
import { command } from "../cli-context.ts";
import { type FlagValues, parseGoInt, UsageError } from "../flags.ts";
import { ramInBytes } from "../humanize.ts";
import { CREATE_FLAGS } from "./create.ts";

const bytesFlag = (description: string, short?: string) =>
  ({
    type: "value",
    valueName: "bytes",
    default: 0,
    description,
    parse: (v: string): number => ramInBytes(v),
    ...(short !== undefined && { short }),
  }) as const;

export const UPDATE_FLAGS = {
  "blkio-weight": {
    type: "value",
    valueName: "uint16",
    default: 0,
    defaultText: "0",
    description: "Block IO (relative weight), between 10 and 1000, or 0 to disable",
    parse: (v: string): number => {
      const n = parseGoInt(v);
      if (n < 0 || n > 65535) throw new Error(`strconv.ParseUint: parsing "${v}": value out of range`);
      return n;
    },
  },
  "cpu-period": { type: "int", description: "Limit CPU CFS (Completely Fair Scheduler) period" },
  "cpu-quota": { type: "int", description: "Limit CPU CFS (Completely Fair Scheduler) quota" },
  "cpu-rt-period": { type: "int", description: "Limit the CPU real-time period in microseconds" },
  "cpu-rt-runtime": { type: "int", description: "Limit the CPU real-time runtime in microseconds" },
  "cpu-shares": { type: "int", short: "c", description: "CPU shares (relative weight)" },
  cpus: CREATE_FLAGS.cpus,
  "cpuset-cpus": { type: "string", description: "CPUs in which to allow execution (0-3, 0,1)" },
  "cpuset-mems": { type: "string", description: "MEMs in which to allow execution (0-3, 0,1)" },
  memory: bytesFlag("Memory limit", "m"),
  "memory-reservation": bytesFlag("Memory soft limit"),
  "memory-swap": {
    type: "value",
    valueName: "bytes",
    default: 0,
    description: "Swap limit equal to memory plus swap: -1 to enable unlimited swap",
    // opts.MemSwapBytes: -1 means unlimited.
    parse: (v: string): number => (v === "-1" ? -1 : ramInBytes(v)),
  },
  "pids-limit": { type: "int", description: "Tune container pids limit (set -1 for unlimited)" },
  restart: { type: "string", description: "Restart policy to apply when a container exits" },
} as const;

export type UpdateFlags = FlagValues<typeof UPDATE_FLAGS>;

/** swagger ContainerUpdate as docker's UpdateConfig marshals it (zero means unchanged). */
export interface ContainerUpdateBody {
  BlkioWeight: number;
  CpusetCpus: string;
  CpusetMems: string;
  CpuShares: number;
  Memory: number;
  MemoryReservation: number;
  MemorySwap: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpuRealtimePeriod: number;
  CpuRealtimeRuntime: number;
  NanoCpus: number;
  PidsLimit?: number;
  RestartPolicy: { Name: string; MaximumRetryCount: number };
}

/** The request body for the flags, or docker's error for none or a bad --restart. */
export function buildUpdateBody(flags: UpdateFlags): ContainerUpdateBody {
  const defaults: Record<string, unknown> = { restart: "", "cpuset-cpus": "", "cpuset-mems": "" };
  const given = Object.entries(flags as Record<string, unknown>).some(
    ([k, v]) => k !== "help" && v !== false && v !== (defaults[k] ?? 0),
  );
  if (!given) throw new UsageError("you must provide one or more flags when using this command", 1);
  const body: ContainerUpdateBody = {
    BlkioWeight: flags["blkio-weight"],
    CpusetCpus: flags["cpuset-cpus"],
    CpusetMems: flags["cpuset-mems"],
    CpuShares: flags["cpu-shares"],
    Memory: flags.memory,
    MemoryReservation: flags["memory-reservation"],
    MemorySwap: flags["memory-swap"],
    CpuPeriod: flags["cpu-period"],
    CpuQuota: flags["cpu-quota"],
    CpuRealtimePeriod: flags["cpu-rt-period"],
    CpuRealtimeRuntime: flags["cpu-rt-runtime"],
    NanoCpus: flags.cpus,
    RestartPolicy: parseRestartPolicy(flags.restart),
  };
  if (flags["pids-limit"] !== 0) body.PidsLimit = flags["pids-limit"];
  return body;
}

/** opts.ParseRestartPolicy: "name[:max-retries]"; "" leaves the policy as it is. */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } {
  if (policy === "") return { Name: "", MaximumRetryCount: 0 };
  const colon = policy.indexOf(":");
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? "" : policy.slice(colon + 1);
  if (colon >= 0 && name === "") {
    throw new UsageError("invalid restart policy format: no policy provided before colon", 1);
  }
  let max = 0;
  if (count !== "") {
    if (!/^[+-]?\d+$/.test(count)) {
      throw new UsageError("invalid restart policy format: maximum retry count must be an integer", 1);
    }
    max = Number(count);
  }
  return { Name: name, MaximumRetryCount: max };
}

export const updateCommand = command({
  paths: [["update"], ["container", "update"]],
  spec: {
    path: "berth update",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Update configuration of one or more containers",
    aliases: ["berth container update", "berth update"],
    args: { min: 1 },
    flags: UPDATE_FLAGS,
  },
  async run(ctx, flags, args) {
    const body = JSON.stringify(buildUpdateBody(flags));
    const warnings: string[] = [];
    const errors: string[] = [];
    for (const name of args) {
      try {
        const res = await ctx.client.json<{ Warnings?: string[] | null }>(
          "POST",
          `/containers/${encodeURIComponent(name)}/update`,
          { body, headers: { "Content-Type": "application/json" } },
        );
        ctx.stdout.write(`${name}\n`);
        warnings.push(...(res?.Warnings ?? []));
      } catch (err) {
        errors.push(err instanceof Error ? `Error response from daemon: ${err.message}` : String(err));
      }
    }
    if (warnings.length > 0) ctx.stdout.write(`${warnings.join("\n")}\n`);
    if (errors.length > 0) {
      ctx.stderr.write(`${errors.join("\n")}\n`);
      return 1;
    }
    return 0;
  },
});
