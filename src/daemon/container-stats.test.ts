import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { countCpuList, StatsSampler } from "./container-stats.ts";

test("countCpuList counts the CPUs of a kernel cpu list", () => {
  assert.equal(countCpuList("0\n"), 1);
  assert.equal(countCpuList("0-3\n"), 4);
  assert.equal(countCpuList("0-3,6,8-9"), 7);
  assert.equal(countCpuList(""), 0);
});

test("watchers of several containers share one tick; each document's precpu is the previous sample", async () => {
  const sampler = new StatsSampler(30);
  const docs = new Map<string, Record<string, unknown>[]>();
  const stops = ["a", "b"].map((id) =>
    sampler.watch(id, `/${id}`, process.pid, (doc) => docs.set(id, [...(docs.get(id) ?? []), doc])),
  );
  const deadline = Date.now() + 5000;
  while ((docs.get("a")?.length ?? 0) < 3 || (docs.get("b")?.length ?? 0) < 3) {
    assert.ok(Date.now() < deadline, "three documents for each container");
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const stop of stops) stop();
  const [first, second, third] = docs.get("a") ?? [];
  assert.equal(first?.["preread"], "0001-01-01T00:00:00Z");
  assert.equal(third?.["preread"], second?.["read"]);
  assert.deepEqual(
    (third?.["precpu_stats"] as { cpu_usage: unknown }).cpu_usage,
    (second?.["cpu_stats"] as { cpu_usage: unknown }).cpu_usage,
  );
  const online = countCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
  assert.equal((third?.["cpu_stats"] as { online_cpus: number }).online_cpus, online);
  assert.ok((third?.["memory_stats"] as { usage: number }).usage > 0);
  // The last watcher gone, the timer is gone: nothing more arrives.
  const count = docs.get("a")?.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(docs.get("a")?.length, count);
});
