import assert from "node:assert/strict";
import { test } from "node:test";
import { getHeapStatistics } from "node:v8";
import { createIdleGc } from "./idle-gc.ts";

const MiB = 1024 * 1024;

/** Resolves once `check` holds (polled every 5 ms) or after `ms`. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

test("collects once after a lull, only when the heap grew enough since the last time", async () => {
  let heap = 100 * MiB;
  let collected = 0;
  const gc = createIdleGc({
    idleMs: 20,
    minGrowthBytes: 8 * MiB,
    heapBytes: () => heap,
    loopUtilization: () => () => 0,
    collect: () => {
      collected++;
      heap = 101 * MiB;
    },
  });
  try {
    heap = 104 * MiB; // grew 4 MiB: not worth a GC
    gc.activity();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(collected, 0);

    heap = 112 * MiB; // 12 MiB over the baseline
    gc.activity();
    gc.activity(); // activity pushes the deadline: still one GC
    await until(() => collected > 0);
    assert.equal(collected, 1);

    heap = 105 * MiB; // 4 MiB over the new baseline (101)
    gc.activity();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(collected, 1);
  } finally {
    gc.stop();
  }
});

test("activity keeps deferring the GC; stop() cancels it", async () => {
  let collected = 0;
  const gc = createIdleGc({
    idleMs: 40,
    minGrowthBytes: 0,
    heapBytes: () => 1,
    loopUtilization: () => () => 0,
    collect: () => collected++,
  });
  for (let i = 0; i < 5; i++) {
    gc.activity();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(collected, 0, "no GC while requests keep coming");
  gc.stop();
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(collected, 0);
});

test("a busy event loop (one long stream, no new requests) defers the GC until it calms down", async () => {
  let busy = 0.9;
  let collected = 0;
  const gc = createIdleGc({
    idleMs: 10,
    minGrowthBytes: 0,
    heapBytes: () => 1,
    loopUtilization: () => () => busy,
    collect: () => collected++,
  });
  try {
    gc.activity();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(collected, 0, "no GC while the loop is busy");
    busy = 0.01;
    await until(() => collected > 0);
    assert.equal(collected, 1);
  } finally {
    gc.stop();
  }
});

test("the real compacting GC hands back a fragmented old generation", async () => {
  const keep: { a: number; b: string }[][] = [[]];
  for (let i = 0; i < 300_000; i++) keep[0]?.push({ a: i, b: `x${i}` });
  // Survive two scavenges into the old generation, then drop 90% of it, scattered.
  await new Promise((r) => setTimeout(r, 50));
  keep[0] = (keep[0] ?? []).filter((_, i) => i % 10 === 0);
  const before = getHeapStatistics().total_heap_size;
  const gc = createIdleGc({ idleMs: 1, minGrowthBytes: 0, heapBytes: () => Number.MAX_SAFE_INTEGER });
  gc.activity();
  await until(() => getHeapStatistics().total_heap_size < before - 8 * MiB);
  gc.stop();
  const after = getHeapStatistics().total_heap_size;
  assert.ok(after < before - 8 * MiB, `committed heap ${before / MiB} → ${after / MiB} MiB`);
  assert.equal(keep[0]?.length, 30_000);
});
