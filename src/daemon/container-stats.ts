// `docker stats` (GET /containers/{id}/stats; swagger "ContainerStatsResponse"): CPU, memory,
// block I/O and PIDs from the container's cgroup files (v1 controllers, or the v2 unified
// hierarchy), network counters from its namespace's /proc/<pid>/net/dev. One sampler per
// container reads the files once a second however many clients watch it.
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

const NS_PER_TICK = 1e9 / 100; // USER_HZ is 100 on Linux

export interface CgroupSample {
  cpuTotal: number;
  cpuPercpu: number[];
  cpuKernel: number;
  cpuUser: number;
  throttling: { periods: number; throttled_periods: number; throttled_time: number };
  memUsage: number;
  memMaxUsage: number;
  memLimit: number;
  memStats: Record<string, number>;
  pidsCurrent: number;
  pidsLimit: number;
  blkio: { major: number; minor: number; op: string; value: number }[];
}

// cgroup and /proc files are small and generated on read: one shared buffer, no fstat, no
// allocation per file (50 watched containers read ~500 of them a second).
const readBuffer = Buffer.allocUnsafe(64 * 1024);

function read(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (let n = -1; n !== 0 && length < readBuffer.length; length += n) {
      n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
    }
    return readBuffer.toString("latin1", 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function num(path: string): number {
  const v = read(path)?.trim();
  if (v === undefined || v === "" || v === "max") return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

function keyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** cgroup v1: one directory per controller, e.g. { memory: "/sys/fs/cgroup/memory/berth/<id>" }. */
export function readCgroupV1(dirs: Readonly<Record<string, string>>): CgroupSample {
  const cpuacct = dirs["cpuacct"] ?? dirs["cpu,cpuacct"] ?? "";
  const cpu = dirs["cpu"] ?? dirs["cpu,cpuacct"] ?? "";
  const memory = dirs["memory"] ?? "";
  const pids = dirs["pids"] ?? "";
  const blkio = dirs["blkio"] ?? "";
  const stat = keyValues(read(join(cpuacct, "cpuacct.stat")));
  const throttled = keyValues(read(join(cpu, "cpu.stat")));
  const memStats = keyValues(read(join(memory, "memory.stat")));
  const limit = num(join(memory, "memory.limit_in_bytes"));
  const blk: CgroupSample["blkio"] = [];
  for (const line of (read(join(blkio, "blkio.throttle.io_service_bytes")) ?? "").split("\n")) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m)
      blk.push({
        major: Number(m[1]),
        minor: Number(m[2]),
        op: (m[3] ?? "").toLowerCase(),
        value: Number(m[4]),
      });
  }
  return {
    cpuTotal: num(join(cpuacct, "cpuacct.usage")),
    cpuPercpu: (read(join(cpuacct, "cpuacct.usage_percpu")) ?? "")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number),
    cpuKernel: (stat["system"] ?? 0) * NS_PER_TICK,
    cpuUser: (stat["user"] ?? 0) * NS_PER_TICK,
    throttling: {
      periods: throttled["nr_periods"] ?? 0,
      throttled_periods: throttled["nr_throttled"] ?? 0,
      throttled_time: throttled["throttled_time"] ?? 0,
    },
    memUsage: num(join(memory, "memory.usage_in_bytes")),
    memMaxUsage: num(join(memory, "memory.max_usage_in_bytes")),
    // An unlimited v1 cgroup reports a huge page-aligned number; Docker shows the host's memory.
    memLimit: limit === 0 || limit >= 2 ** 62 ? hostMemory() : limit,
    memStats,
    pidsCurrent: num(join(pids, "pids.current")),
    pidsLimit: num(join(pids, "pids.max")),
    blkio: blk,
  };
}

/** cgroup v2: the unified directory of the container. */
export function readCgroupV2(dir: string): CgroupSample {
  const cpu = keyValues(read(join(dir, "cpu.stat")));
  const memStats = keyValues(read(join(dir, "memory.stat")));
  const max = read(join(dir, "memory.max"))?.trim();
  const blk: CgroupSample["blkio"] = [];
  for (const line of (read(join(dir, "io.stat")) ?? "").split("\n")) {
    const m = /^(\d+):(\d+) (.*)$/.exec(line.trim());
    if (!m) continue;
    const fields = Object.fromEntries((m[3] ?? "").split(" ").map((kv) => kv.split("=")));
    for (const [key, op] of [
      ["rbytes", "read"],
      ["wbytes", "write"],
    ] as const) {
      blk.push({ major: Number(m[1]), minor: Number(m[2]), op, value: Number(fields[key] ?? 0) });
    }
  }
  return {
    cpuTotal: (cpu["usage_usec"] ?? 0) * 1000,
    cpuPercpu: [],
    cpuKernel: (cpu["system_usec"] ?? 0) * 1000,
    cpuUser: (cpu["user_usec"] ?? 0) * 1000,
    throttling: {
      periods: cpu["nr_periods"] ?? 0,
      throttled_periods: cpu["nr_throttled"] ?? 0,
      throttled_time: (cpu["throttled_usec"] ?? 0) * 1000,
    },
    memUsage: num(join(dir, "memory.current")),
    memMaxUsage: num(join(dir, "memory.peak")),
    memLimit: max === undefined || max === "max" ? hostMemory() : Number(max),
    memStats,
    pidsCurrent: num(join(dir, "pids.current")),
    pidsLimit: num(join(dir, "pids.max")),
    blkio: blk,
  };
}

let memTotal: number | undefined;

/** MemTotal, read once: /proc/meminfo is generated on each read, and 50 watched containers read it 50 times a second. */
function hostMemory(): number {
  if (memTotal === undefined) {
    const m = /MemTotal:\s+(\d+) kB/.exec(read("/proc/meminfo") ?? "");
    memTotal = m ? Number(m[1]) * 1024 : 0;
  }
  return memTotal;
}

/** Host CPU time in nanoseconds (the first line of /proc/stat), Docker's system_cpu_usage. */
export function systemCpuUsage(): number {
  const line = (read("/proc/stat") ?? "").split("\n")[0] ?? "";
  return line
    .split(/\s+/)
    .slice(1, 8)
    .reduce((sum, v) => sum + Number(v || 0) * NS_PER_TICK, 0);
}

/** CPUs online, from a list like "0-3,6" (/sys/devices/system/cpu/online): Docker's online_cpus. */
export function countCpuList(list: string): number {
  let count = 0;
  for (const range of list.trim().split(",")) {
    if (range === "") continue;
    const [first, last = first] = range.split("-").map(Number);
    if (first !== undefined && last !== undefined && last >= first) count += last - first + 1;
  }
  return count;
}

interface HostCpu {
  at: number;
  system: number;
  online: number;
}
let hostCpuCache: HostCpu | undefined;

/** system_cpu_usage and online_cpus, shared by every sample taken in the same few ms (one tick). */
function hostCpu(): HostCpu {
  const now = Date.now();
  if (hostCpuCache === undefined || now - hostCpuCache.at > 5) {
    hostCpuCache = {
      at: now,
      system: systemCpuUsage(),
      online: countCpuList(read("/sys/devices/system/cpu/online") ?? "") || 1,
    };
  }
  return hostCpuCache;
}

/** Interfaces of the namespace `pid` lives in, loopback excluded (Docker lists eth0...). */
export function readNetDev(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split("\n").slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === "lo") continue;
    const f = (m[2] ?? "").trim().split(/\s+/).map(Number);
    out[m[1] ?? ""] = {
      rx_bytes: f[0] ?? 0,
      rx_packets: f[1] ?? 0,
      rx_errors: f[2] ?? 0,
      rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0,
      tx_packets: f[9] ?? 0,
      tx_errors: f[10] ?? 0,
      tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

/** The cgroup directories of a process: v1 controllers, or { unified } on a pure v2 host. */
export function cgroupDirsOf(pid: number): { v1: Record<string, string>; unified?: string } {
  const v1: Record<string, string> = {};
  let unified: string | undefined;
  for (const line of (read(`/proc/${pid}/cgroup`) ?? "").split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const path = m[2] ?? "/";
    if (m[1] === "") unified = join("/sys/fs/cgroup", path);
    for (const c of (m[1] ?? "").split(",")) if (c) v1[c] = join("/sys/fs/cgroup", m[1] ?? "", path);
  }
  return Object.keys(v1).some((k) => k === "memory") ? { v1 } : { v1, ...(unified ? { unified } : {}) };
}

interface Sample {
  read: string;
  system: number;
  onlineCpus: number;
  cgroup: CgroupSample;
  networks: Record<string, Record<string, number>> | undefined;
}

/** `dirs`: the process's cgroup directories, which a watcher looks up once (they stay put while it runs). */
function sample(pid: number, dirs = cgroupDirsOf(pid)): Sample {
  const cgroup = dirs.unified !== undefined ? readCgroupV2(dirs.unified) : readCgroupV1(dirs.v1);
  const net = read(`/proc/${pid}/net/dev`);
  const host = hostCpu();
  return {
    read: new Date().toISOString(),
    system: host.system,
    onlineCpus: host.online,
    cgroup,
    networks: net === undefined ? undefined : readNetDev(net),
  };
}

const ZERO_TIME = "0001-01-01T00:00:00Z";

function cpuStats(s: Sample | undefined): Record<string, unknown> {
  return {
    cpu_usage: {
      total_usage: s?.cgroup.cpuTotal ?? 0,
      ...(s && s.cgroup.cpuPercpu.length > 0 ? { percpu_usage: s.cgroup.cpuPercpu } : {}),
      usage_in_kernelmode: s?.cgroup.cpuKernel ?? 0,
      usage_in_usermode: s?.cgroup.cpuUser ?? 0,
    },
    ...(s ? { system_cpu_usage: s.system, online_cpus: s.onlineCpus } : {}),
    throttling_data: s?.cgroup.throttling ?? { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/** The Engine API document for a sample and the one before it (precpu). */
export function statsDocument(
  id: string,
  name: string,
  current: Sample | undefined,
  previous: Sample | undefined,
): Record<string, unknown> {
  const c = current?.cgroup;
  return {
    name,
    id,
    read: current?.read ?? ZERO_TIME,
    preread: previous?.read ?? ZERO_TIME,
    pids_stats: c ? { current: c.pidsCurrent, ...(c.pidsLimit > 0 ? { limit: c.pidsLimit } : {}) } : {},
    blkio_stats: {
      io_service_bytes_recursive: c ? c.blkio : null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(current),
    precpu_stats: cpuStats(previous),
    memory_stats: c
      ? { usage: c.memUsage, max_usage: c.memMaxUsage, stats: c.memStats, limit: c.memLimit }
      : {},
    ...(current?.networks ? { networks: current.networks } : {}),
  };
}

type Listener = (doc: Record<string, unknown>) => void;

interface Watched {
  pid: number;
  name: string;
  dirs: ReturnType<typeof cgroupDirsOf>;
  listeners: Set<Listener>;
  last?: Sample;
}

/**
 * One sampler per watched container, all on one timer: a tick reads the host's CPU figures once
 * for every container, and wakes the daemon once instead of once per container.
 */
export class StatsSampler {
  private readonly watched = new Map<string, Watched>();
  private readonly recent = new Map<string, Sample>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 1000) {}

  /** Two samples a short moment apart (or the shared sampler's last one), for stream=false. */
  async once(id: string, name: string, pid: number, oneShot = false): Promise<Record<string, unknown>> {
    if (pid <= 0) return statsDocument(id, name, undefined, undefined);
    if (oneShot) return statsDocument(id, name, sample(pid), undefined);
    const known = this.watched.get(id)?.last ?? this.recent.get(id);
    let previous = known !== undefined && Date.now() - Date.parse(known.read) < 2000 ? known : undefined;
    if (previous === undefined) {
      previous = sample(pid);
      await new Promise((r) => setTimeout(r, 100));
    }
    const current = sample(pid);
    this.recent.set(id, current);
    if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value ?? "");
    return statsDocument(id, name, current, previous);
  }

  /** Calls `listener` with a document every interval until the returned function is called. */
  watch(id: string, name: string, pid: number, listener: Listener): () => void {
    let entry = this.watched.get(id);
    if (entry === undefined) {
      const dirs = cgroupDirsOf(pid);
      entry = { pid, name, dirs, listeners: new Set(), last: sample(pid, dirs) };
      this.watched.set(id, entry);
      this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    }
    entry.listeners.add(listener);
    listener(statsDocument(id, name, entry.last, undefined));
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.watched.get(id) === current) this.watched.delete(id);
      if (this.watched.size === 0) this.close();
    };
  }

  private tick(): void {
    for (const [id, entry] of this.watched) {
      let next: Sample;
      try {
        next = sample(entry.pid, entry.dirs);
      } catch {
        continue;
      }
      const doc = statsDocument(id, entry.name, next, entry.last);
      entry.last = next;
      for (const l of entry.listeners) l(doc);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }
}
