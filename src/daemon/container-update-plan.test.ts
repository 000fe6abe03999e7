import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planContainerUpdate, runtimeResources } from "./container-update-plan.ts";

const HOST = { cpuCount: 2, swapLimit: true, blkioWeight: false };
const MB = 1024 * 1024;
const ID = "c".repeat(64);

describe("planContainerUpdate", () => {
  it("merges only the fields the request sets, and resources carry only those", () => {
    const plan = planContainerUpdate(
      ID,
      { Memory: 0, CpuShares: 512, RestartPolicy: { Name: "no", MaximumRetryCount: 0 } },
      {
        Memory: 64 * MB,
        NanoCpus: 5e8,
        PidsLimit: 50,
        CpuShares: 0,
        CpusetCpus: "",
        RestartPolicy: { Name: "always" },
      },
      HOST,
    );
    assert.equal(plan.hostConfig.Memory, 64 * MB);
    assert.equal(plan.hostConfig.CpuShares, 512);
    assert.equal(plan.hostConfig.NanoCpus, 5e8);
    assert.equal(plan.hostConfig.PidsLimit, 50);
    assert.deepEqual(plan.hostConfig.RestartPolicy, { Name: "always", MaximumRetryCount: 0 });
    assert.deepEqual(plan.resources, {
      memory: { limit: 64 * MB },
      cpu: { period: 100_000, quota: 50_000 },
      pids: { limit: 50 },
    });
    assert.deepEqual(plan.warnings, []);
  });

  it("a restart policy alone changes no runtime resource", () => {
    const plan = planContainerUpdate(
      ID,
      {},
      { RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 } },
      HOST,
    );
    assert.equal(plan.resources, undefined);
    assert.deepEqual(plan.hostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 3 });
  });

  it("refuses what moby refuses, with its words", () => {
    assert.throws(() => planContainerUpdate(ID, {}, { Memory: 4 * MB }, HOST), {
      message: "Minimum memory limit allowed is 6MB",
      category: "invalid-argument",
    });
    assert.throws(() => planContainerUpdate(ID, {}, { Memory: 64 * MB, MemorySwap: 32 * MB }, HOST), {
      message: "Minimum memoryswap limit should be larger than memory limit, see usage",
    });
    assert.throws(
      () => planContainerUpdate(ID, { Memory: 32 * MB, MemorySwap: 64 * MB }, { Memory: 128 * MB }, HOST),
      {
        message: `Cannot update container ${ID}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`,
        category: "conflict",
      },
    );
    assert.throws(() => planContainerUpdate(ID, { CpuQuota: 50_000 }, { NanoCpus: 1e9 }, HOST), {
      message: `Cannot update container ${ID}: Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set`,
    });
    assert.throws(() => planContainerUpdate(ID, { NanoCpus: 1e9 }, { CpuPeriod: 50_000 }, HOST), {
      message: `Cannot update container ${ID}: Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set`,
    });
    assert.throws(() => planContainerUpdate(ID, {}, { NanoCpus: 3e9 }, HOST), {
      message: "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
    });
    assert.throws(() => planContainerUpdate(ID, {}, { CpusetCpus: "0-7" }, HOST), {
      message: "Requested CPUs are not available - requested 0-7, available: 0-1",
    });
    assert.throws(() => planContainerUpdate(ID, {}, { CpusetCpus: "1-0" }, HOST), {
      message: "Invalid value 1-0 for cpuset cpus",
    });
    assert.throws(() => planContainerUpdate(ID, {}, { RestartPolicy: { Name: "sometimes" as "no" } }, HOST), {
      category: "invalid-argument",
    });
    assert.throws(
      () => planContainerUpdate(ID, { AutoRemove: true }, { RestartPolicy: { Name: "always" } }, HOST),
      {
        message: `Cannot update container ${ID}: Restart policy cannot be updated because AutoRemove is enabled for the container`,
      },
    );
  });

  it("raising memory together with swap passes; an unsupported blkio weight is a warning", () => {
    const plan = planContainerUpdate(
      ID,
      { Memory: 32 * MB, MemorySwap: 64 * MB },
      { Memory: 128 * MB, MemorySwap: 256 * MB, BlkioWeight: 300 },
      HOST,
    );
    assert.equal(plan.hostConfig.MemorySwap, 256 * MB);
    assert.equal(plan.hostConfig.BlkioWeight, undefined);
    assert.equal(plan.warnings.length, 1);
    assert.deepEqual(plan.resources, { memory: { limit: 128 * MB, swap: 256 * MB } });
  });

  it("pids limit 0 or -1 is unlimited (-1 for runc)", () => {
    assert.deepEqual(runtimeResources({ PidsLimit: 0 }), { pids: { limit: -1 } });
    assert.deepEqual(runtimeResources({ PidsLimit: -1 }), { pids: { limit: -1 } });
    assert.equal(runtimeResources({ PidsLimit: null, Memory: 0 }), undefined);
  });
});
