import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "./log.ts";
import { startStepTimer } from "./step-timer.ts";

test("step timer logs each step and the total once, at debug level", async () => {
  const lines: string[] = [];
  const log = createLogger("debug", {}, (line) => lines.push(line));
  const timer = startStepTimer(log, "container start", { id: "abc" });
  timer.step("mount");
  await timer.track("network", () => new Promise((resolve) => setTimeout(resolve, 5)));
  timer.step("spec");
  timer.done({ ok: true });
  timer.done();
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0] ?? "{}") as {
    msg: string;
    id: string;
    ok: boolean;
    steps: Record<string, number>;
    totalMs: number;
  };
  assert.equal(record.msg, "container start");
  assert.equal(record.id, "abc");
  assert.equal(record.ok, true);
  assert.deepEqual(Object.keys(record.steps).sort(), ["mount", "network", "spec"]);
  assert.ok((record.steps.network ?? 0) >= 4, "the tracked step has its own duration");
  assert.ok(record.totalMs >= (record.steps.network ?? 0));
});

test("step timer writes nothing below debug", () => {
  const lines: string[] = [];
  const timer = startStepTimer(
    createLogger("info", {}, (line) => lines.push(line)),
    "x",
  );
  timer.step("a");
  timer.done();
  assert.equal(lines.length, 0);
});
