// docker update against a real berthd: limits land in the running container's cgroup files
// (runc update), the stored HostConfig shows them and the next start uses them, the new restart
// policy applies, and bad requests get Docker's statuses and words with nothing changed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const MB = 1024 * 1024;

interface Inspect {
  Id: string;
  RestartCount: number;
  State: { Pid: number; Running: boolean; Paused: boolean };
  HostConfig: {
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    PidsLimit: number | null;
    CpusetCpus: string;
    CpuShares: number;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
  };
}

/** The v1 controller directory of a process (this host is cgroup v1 hybrid). */
function cgroupFile(pid: number, controller: string, file: string): string {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n")) {
    const [, controllers = "", path = ""] = line.split(":");
    if (controllers.split(",").includes(controller))
      return readFileSync(join("/sys/fs/cgroup", controllers, path, file), "utf8").trim();
  }
  throw new Error(`no ${controller} cgroup for ${pid}`);
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("docker update", () => {
  const daemon = useBusyboxDaemon();
  const inspect = async (ref: string): Promise<Inspect> =>
    (await daemon.request("GET", `/containers/${ref}/json`)).json<Inspect>();

  it("changes a running container's cgroup, inspect, and the restart policy that restarts it", async () => {
    const since = Math.floor(Date.now() / 1000);
    const run = await daemon.docker(["run", "-d", "--name", "upd", "busybox", "sleep", "600"]);
    assert.equal(run.code, 0, run.stderr);
    const update = await daemon.docker([
      "update",
      "--memory",
      "64m",
      "--cpus",
      "0.5",
      "--pids-limit",
      "50",
      "--restart",
      "always",
      "upd",
    ]);
    assert.equal(update.code, 0, update.stderr);
    assert.equal(update.stdout, "upd\n");
    const before = await inspect("upd");
    const pid = before.State.Pid;
    assert.equal(cgroupFile(pid, "memory", "memory.limit_in_bytes"), String(64 * MB));
    assert.equal(cgroupFile(pid, "cpu", "cpu.cfs_quota_us"), "50000");
    assert.equal(cgroupFile(pid, "cpu", "cpu.cfs_period_us"), "100000");
    assert.equal(cgroupFile(pid, "pids", "pids.max"), "50");
    assert.equal(before.HostConfig.Memory, 64 * MB);
    assert.equal(before.HostConfig.NanoCpus, 5e8);
    assert.equal(before.HostConfig.PidsLimit, 50);
    assert.deepEqual(before.HostConfig.RestartPolicy, { Name: "always", MaximumRetryCount: 0 });

    const events = await daemon.docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.floor(Date.now() / 1000) + 1),
      "--filter",
      "event=update",
      "--format",
      "{{.Action}} {{.Actor.Attributes.name}}",
    ]);
    assert.equal(events.stdout, "update upd\n");

    // The process dies on its own (not a user's kill): `always` restarts it with the new limits.
    process.kill(pid, "SIGKILL");
    const restarted = await until("the restart", async () => {
      const c = await inspect("upd");
      return c.RestartCount >= 1 && c.State.Running && c.State.Pid !== pid ? c : undefined;
    });
    assert.equal(cgroupFile(restarted.State.Pid, "memory", "memory.limit_in_bytes"), String(64 * MB));
    assert.equal(cgroupFile(restarted.State.Pid, "pids", "pids.max"), "50");
  });

  it("stores the update of a stopped container; its next start uses it", async () => {
    assert.equal((await daemon.docker(["create", "--name", "stopped", "busybox", "sleep", "600"])).code, 0);
    const update = await daemon.docker([
      "update",
      "--memory",
      "32m",
      "--cpuset-cpus",
      "0",
      "--cpu-shares",
      "512",
      "stopped",
    ]);
    assert.equal(update.code, 0, update.stderr);
    const c = await inspect("stopped");
    assert.equal(c.HostConfig.Memory, 32 * MB);
    assert.equal(c.HostConfig.CpusetCpus, "0");
    assert.equal(c.HostConfig.CpuShares, 512);
    assert.equal((await daemon.docker(["start", "stopped"])).code, 0);
    const pid = (await inspect("stopped")).State.Pid;
    assert.equal(cgroupFile(pid, "memory", "memory.limit_in_bytes"), String(32 * MB));
    assert.equal(cgroupFile(pid, "cpuset", "cpuset.cpus"), "0");
    assert.equal(cgroupFile(pid, "cpu", "cpu.shares"), "512");
  });

  it("updates a paused container", async () => {
    assert.equal((await daemon.docker(["run", "-d", "--name", "paused", "busybox", "sleep", "600"])).code, 0);
    assert.equal((await daemon.docker(["pause", "paused"])).code, 0);
    const update = await daemon.docker(["update", "--pids-limit", "20", "paused"]);
    assert.equal(update.code, 0, update.stderr);
    const c = await inspect("paused");
    assert.equal(c.State.Paused, true);
    assert.equal(cgroupFile(c.State.Pid, "pids", "pids.max"), "20");
    assert.equal((await daemon.docker(["unpause", "paused"])).code, 0);
  });

  it("refuses bad values with Docker's statuses and words, changing nothing", async () => {
    assert.equal(
      (await daemon.docker(["run", "-d", "--name", "mem", "-m", "32m", "busybox", "sleep", "600"])).code,
      0,
    );
    const id = (await inspect("mem")).Id;
    const small = await daemon.request("POST", "/containers/mem/update", { Memory: 4 * MB });
    assert.equal(small.status, 400);
    assert.equal(small.json<{ message: string }>().message, "Minimum memory limit allowed is 6MB");
    const cli = await daemon.docker(["update", "--memory", "4m", "mem"]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /Minimum memory limit allowed is 6MB/);
    // -m 32m stored MemorySwap 64m: a larger memory needs the swap raised with it.
    const swap = await daemon.request("POST", "/containers/mem/update", { Memory: 128 * MB });
    assert.equal(swap.status, 409);
    assert.equal(
      swap.json<{ message: string }>().message,
      `Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`,
    );
    const both = await daemon.docker(["update", "--memory", "128m", "--memory-swap", "256m", "mem"]);
    assert.equal(both.code, 0, both.stderr);
    const pid = (await inspect("mem")).State.Pid;
    assert.equal(cgroupFile(pid, "memory", "memory.limit_in_bytes"), String(128 * MB));
    assert.equal(cgroupFile(pid, "memory", "memory.memsw.limit_in_bytes"), String(256 * MB));

    const missing = await daemon.request("POST", "/containers/nope/update", { Memory: 64 * MB });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<{ message: string }>().message, "No such container: nope");
    const badJson = await daemon.request("POST", "/containers/mem/update", { Memory: "lots" });
    assert.equal(badJson.status, 400);
    const badPolicy = await daemon.request("POST", "/containers/mem/update", {
      RestartPolicy: { Name: "sometimes" },
    });
    assert.equal(badPolicy.status, 400);
    const c = await inspect("mem");
    assert.equal(c.HostConfig.Memory, 128 * MB);
    assert.equal(c.HostConfig.RestartPolicy.Name, "no");
  });

  it("a memory limit below the current usage fails with runc's reason and keeps the old HostConfig", async () => {
    // tmpfs pages cannot be reclaimed without swap: the kernel refuses the lower limit (EBUSY).
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "big",
      "busybox",
      "sh",
      "-c",
      "dd if=/dev/zero of=/dev/shm/f bs=1M count=40 2>/dev/null; sleep 600",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const c = await inspect("big");
    await until("40 MB charged", () =>
      Number(cgroupFile(c.State.Pid, "memory", "memory.usage_in_bytes")) > 40 * MB ? true : undefined,
    );
    const res = await daemon.request("POST", "/containers/big/update", { Memory: 10 * MB });
    assert.equal(res.status, 500);
    assert.match(
      res.json<{ message: string }>().message,
      new RegExp(`^Cannot update container ${c.Id}: .*current usage`),
    );
    const after = await inspect("big");
    assert.equal(after.HostConfig.Memory, 0);
    assert.equal(after.State.Running, true);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });
});
