// docker/cli container/stats_helpers.go and formatter stats.go: one container's figures from
// a /containers/{id}/stats sample (CPU % from the cpu_stats/precpu_stats deltas, memory
// without the inactive page cache, summed network and block I/O), and the row a template sees.
import { contextJSON } from "./table.ts";
import { bytesSize, humanSizeWithPrecision, truncateID } from "./humanize.ts";
import { formatFloat } from "./go-float.ts";

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** The parts of swagger ContainerStatsResponse that docker's CLI reads. */
export interface StatsSample {
  name?: string;
  id?: string;
  read?: string;
  pids_stats?: { current?: number };
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }> | null;
}

export interface StatsEntry {
  /** What the user named the container (its short ID when listing all). */
  container: string;
  name: string;
  id: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pidsCurrent: number;
  /** No sample could be read: every figure shows "--". */
  invalid: boolean;
}

/** calculateCPUPercentUnix. */
export function cpuPercent(s: StatsSample): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  let online = s.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** calculateMemUsageUnixNoCache: usage less the inactive file cache (cgroup v1, then v2 key). */
export function memUsageNoCache(mem: NonNullable<StatsSample["memory_stats"]>): number {
  const usage = mem.usage ?? 0;
  const v1 = mem.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = mem.stats?.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function statsEntry(container: string, s: StatsSample): StatsEntry {
  const memory = memUsageNoCache(s.memory_stats ?? {});
  const limit = s.memory_stats?.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === "read") read += e.value;
    else if (op === "write") write += e.value;
  }
  return {
    container,
    name: s.name ?? "",
    id: s.id ?? "",
    cpuPercentage: cpuPercent(s),
    memory,
    memoryLimit: limit,
    memoryPercentage: limit !== 0 ? (memory / limit) * 100 : 0,
    networkRx: rx,
    networkTx: tx,
    blockRead: read,
    blockWrite: write,
    pidsCurrent: s.pids_stats?.current ?? 0,
    invalid: false,
  };
}

export const STATS_HEADERS = {
  Container: "CONTAINER",
  ID: "CONTAINER ID",
  Name: "NAME",
  CPUPerc: "CPU %",
  MemUsage: "MEM USAGE / LIMIT",
  MemPerc: "MEM %",
  NetIO: "NET I/O",
  BlockIO: "BLOCK I/O",
  PIDs: "PIDS",
};

export const STATS_TABLE =
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

// formatter.statsContext: each method is a template field.
export class StatsRow {
  constructor(
    private readonly s: StatsEntry,
    private readonly trunc: boolean,
  ) {}
  Container(): string {
    return this.s.container;
  }
  Name(): string {
    return this.s.name.length > 1 ? this.s.name.slice(1) : "--";
  }
  ID(): string {
    return this.trunc ? truncateID(this.s.id) : this.s.id;
  }
  CPUPerc(): string {
    return this.s.invalid ? "--" : `${formatFloat(this.s.cpuPercentage, "f", 2)}%`;
  }
  MemUsage(): string {
    return this.s.invalid ? "-- / --" : `${bytesSize(this.s.memory)} / ${bytesSize(this.s.memoryLimit)}`;
  }
  MemPerc(): string {
    return this.s.invalid ? "--" : `${formatFloat(this.s.memoryPercentage, "f", 2)}%`;
  }
  NetIO(): string {
    if (this.s.invalid) return "--";
    return `${humanSizeWithPrecision(this.s.networkRx, 3)} / ${humanSizeWithPrecision(this.s.networkTx, 3)}`;
  }
  BlockIO(): string {
    if (this.s.invalid) return "--";
    return `${humanSizeWithPrecision(this.s.blockRead, 3)} / ${humanSizeWithPrecision(this.s.blockWrite, 3)}`;
  }
  PIDs(): string {
    return this.s.invalid ? "--" : String(this.s.pidsCurrent);
  }
  toJSON(): Record<string, unknown> {
    return contextJSON(this);
  }
}
