import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { linuxResources, validateResources } from "./resources.ts";
import type { ResourceOptions } from "./types.ts";

const MiB = 1024 * 1024;

const rejects = (r: ResourceOptions, message: string, cpus?: number) =>
  assert.throws(
    () => validateResources(r, cpus),
    (err: unknown) =>
      err instanceof EngineError && err.category === "invalid-argument" && err.message === message,
  );

test("Docker's validation messages", () => {
  rejects({ memory: 4 * MiB }, "Minimum memory limit allowed is 6MB");
  rejects(
    { memory: 64 * MiB, memorySwap: 32 * MiB },
    "Minimum memoryswap limit should be larger than memory limit, see usage",
  );
  rejects(
    { memorySwap: 32 * MiB },
    "You should always set the Memory limit when using Memoryswap limit, see usage",
  );
  rejects(
    { memory: 64 * MiB, memoryReservation: 128 * MiB },
    "Minimum memory limit can not be less than memory reservation limit, see usage",
  );
  rejects({ memoryReservation: MiB }, "Minimum memory reservation allowed is 6MB");
  rejects(
    { nanoCpus: 1e9, cpuPeriod: 50000 },
    "Conflicting options: Nano CPUs and CPU Period cannot both be set",
  );
  rejects(
    { nanoCpus: 1e9, cpuQuota: 50000 },
    "Conflicting options: Nano CPUs and CPU Quota cannot both be set",
  );
  rejects({ nanoCpus: 9e9 }, "Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available", 4);
  rejects(
    { cpuPeriod: 10 },
    "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
  );
  rejects({ cpuQuota: 10 }, "CPU cfs quota can not be less than 1ms (i.e. 1000)");
  rejects({ cpusetCpus: "0-a" }, "Invalid value 0-a for cpuset cpus");
  rejects({ cpusetMems: "3-1" }, "Invalid value 3-1 for cpuset mems");
  validateResources({ memory: 6 * MiB, memorySwap: -1, cpusetCpus: "0-1,3", nanoCpus: 1.5e9 }, 4);
});

const all: ResourceOptions = {
  memory: 256 * MiB,
  memoryReservation: 128 * MiB,
  nanoCpus: 1.5e9,
  cpuShares: 512,
  cpusetCpus: "0-1",
  cpusetMems: "0",
  pidsLimit: 100,
  oomKillDisable: true,
};

test("cgroup v1 resources", () => {
  assert.deepEqual(linuxResources(all, 1), {
    memory: { limit: 256 * MiB, reservation: 128 * MiB, swap: 512 * MiB, disableOOMKiller: true },
    cpu: { shares: 512, period: 100000, quota: 150000, cpus: "0-1", mems: "0" },
    pids: { limit: 100 },
  });
});

test("cgroup v2 gets the fields runc maps to v2 files, without the OOM killer switch", () => {
  const v2 = linuxResources(all, 2);
  assert.equal(v2.unified, undefined);
  assert.deepEqual(v2, {
    memory: { limit: 256 * MiB, reservation: 128 * MiB, swap: 512 * MiB },
    cpu: { shares: 512, period: 100000, quota: 150000, cpus: "0-1", mems: "0" },
    pids: { limit: 100 },
  });
});

test("swap, quota and pids edge cases", () => {
  assert.deepEqual(linuxResources({ memory: 64 * MiB, memorySwap: -1 }, 2).memory, {
    limit: 64 * MiB,
    swap: -1,
  });
  assert.deepEqual(linuxResources({ cpuQuota: 50000, cpuPeriod: 200000 }, 1).cpu, {
    period: 200000,
    quota: 50000,
  });
  assert.deepEqual(linuxResources({ pidsLimit: 0 }, 1).pids, { limit: -1 });
  assert.deepEqual(linuxResources({}, 1), {});
  assert.deepEqual(linuxResources({ memory: 64 * MiB, memorySwap: 128 * MiB }, 1, false).memory, {
    limit: 64 * MiB,
  });
  assert.equal(linuxResources({ nanoCpus: 1e7 }, 1).cpu?.quota, 1000);
});
