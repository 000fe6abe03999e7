import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { adjustThreadNice, threadId, threadNice } from "./thread-nice.ts";

test("adjustThreadNice changes the calling thread only", async () => {
  const main = threadId();
  assert.ok(main !== undefined);
  const before = threadNice(main);
  // A worker lowers its own priority (allowed without privileges) and reports its thread ID.
  const url = new URL("./thread-nice.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import { register } from ${JSON.stringify(tsx)}; register();
    const { adjustThreadNice, threadId } = await import(${JSON.stringify(url)});
    const { parentPort } = await import("node:worker_threads");
    parentPort.postMessage({ tid: threadId(), nice: adjustThreadNice(3) });
    parentPort.once("message", () => process.exit(0));`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  try {
    const reply = await new Promise<{ tid: number; nice: number }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    assert.notEqual(reply.tid, main);
    assert.equal(reply.nice, Math.min(19, before + 3));
    assert.equal(threadNice(reply.tid), reply.nice, "the worker thread's nice as the kernel reports it");
    assert.equal(threadNice(main), before, "the main thread is unchanged");
  } finally {
    worker.postMessage("exit");
    await new Promise((resolve) => worker.once("exit", resolve));
  }
});

test("adjustThreadNice clamps to the kernel's range", () => {
  // Lowering by more than the range ends at 19 (needs no privileges); done in a throwaway
  // thread would be cleaner, but the value is only read back here, then restored when allowed.
  const tid = threadId();
  assert.ok(tid !== undefined);
  const before = threadNice(tid);
  assert.equal(adjustThreadNice(100), 19);
  assert.equal(threadNice(tid), 19);
  adjustThreadNice(before - 19); // back (as root); harmless if refused
});
