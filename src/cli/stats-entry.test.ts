import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuPercent, memUsageNoCache, StatsRow, statsEntry } from "./stats-entry.ts";

describe("stats entry", () => {
  const sample = {
    name: "/web",
    id: "0123456789abcdef0123",
    pids_stats: { current: 3 },
    blkio_stats: {
      io_service_bytes_recursive: [
        { op: "Read", value: 4096 },
        { op: "Write", value: 1500 },
        { op: "read", value: 4096 },
        { op: "Total", value: 9692 },
      ],
    },
    cpu_stats: {
      cpu_usage: { total_usage: 3_000_000_000, percpu_usage: [1, 2] },
      system_cpu_usage: 20_000_000_000,
    },
    precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 16_000_000_000 },
    memory_stats: {
      usage: 10 * 1024 * 1024,
      limit: 100 * 1024 * 1024,
      stats: { total_inactive_file: 2 * 1024 * 1024 },
    },
    networks: { eth0: { rx_bytes: 1156, tx_bytes: 936 }, eth1: { rx_bytes: 1000, tx_bytes: 64 } },
  };
  it("computes CPU % from the deltas, times the CPUs, as docker's CLI", () => {
    // (1e9 / 4e9) * 2 CPUs (percpu_usage length, online_cpus absent) * 100
    assert.equal(cpuPercent(sample), 50);
    assert.equal(cpuPercent({ ...sample, precpu_stats: sample.cpu_stats }), 0);
    assert.equal(cpuPercent({ ...sample, cpu_stats: { ...sample.cpu_stats, online_cpus: 4 } }), 100);
  });
  it("leaves the inactive file cache out of memory (cgroup v1, then v2)", () => {
    assert.equal(memUsageNoCache(sample.memory_stats), 8 * 1024 * 1024);
    assert.equal(memUsageNoCache({ usage: 100, stats: { inactive_file: 30 } }), 70);
    assert.equal(memUsageNoCache({ usage: 100, stats: { total_inactive_file: 300 } }), 100);
  });
  it("formats a row as docker's stats context", () => {
    const row = new StatsRow(statsEntry("web", sample), true);
    assert.deepEqual(row.toJSON(), {
      BlockIO: "8.19kB / 1.5kB",
      CPUPerc: "50.00%",
      Container: "web",
      ID: "0123456789ab",
      MemPerc: "8.00%",
      MemUsage: "8MiB / 100MiB",
      Name: "web",
      NetIO: "2.16kB / 1kB",
      PIDs: "3",
    });
    assert.equal(new StatsRow(statsEntry("x", {}), true).Name(), "--");
  });
});
