import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyProbeResult,
  goDuration,
  type Health,
  nextProbeDelay,
  probePlan,
  startingHealth,
  validateHealthcheck,
} from "./health.ts";

const result = (exitCode: number, atMs = 10_000) => ({
  Start: new Date(atMs).toISOString(),
  End: new Date(atMs + 1).toISOString(),
  ExitCode: exitCode,
  Output: "",
});

describe("healthcheck", () => {
  it("plans CMD, CMD-SHELL and NONE with Docker's defaults", () => {
    assert.equal(probePlan(undefined), undefined);
    assert.equal(probePlan({ Test: ["NONE"] }), undefined);
    assert.equal(probePlan({ Test: [] }), undefined);
    const shell = probePlan({ Test: ["CMD-SHELL", "true && false"] });
    assert.deepEqual(shell?.argv, ["/bin/sh", "-c", "true && false"]);
    assert.equal(shell?.intervalMs, 30_000);
    assert.equal(shell?.timeoutMs, 30_000);
    assert.equal(shell?.retries, 3);
    assert.deepEqual(probePlan({ Test: ["CMD-SHELL", "x"] }, ["/bin/bash", "-c"])?.argv, [
      "/bin/bash",
      "-c",
      "x",
    ]);
    const cmd = probePlan({ Test: ["CMD", "ls", "/"], Interval: 200_000_000, Retries: 1 });
    assert.deepEqual(cmd?.argv, ["ls", "/"]);
    assert.equal(cmd?.intervalMs, 200);
    assert.equal(cmd?.retries, 1);
  });

  it("refuses durations under 1ms and negative retries", () => {
    assert.throws(
      () => validateHealthcheck({ Interval: 10 }),
      /Interval in Healthcheck cannot be less than 1ms/,
    );
    assert.throws(() => validateHealthcheck({ Retries: -1 }), /Retries in Healthcheck cannot be negative/);
    // docker-compose 1.29 sends null for durations it has no value for: unset, as in Go.
    validateHealthcheck(JSON.parse('{"Test":["CMD","true"],"StartPeriod":null}') as { StartPeriod?: number });
    validateHealthcheck({ Interval: 0, Timeout: 1_000_000 });
  });

  it("turns healthy on success and unhealthy after the retries, keeping 5 log entries", () => {
    const plan = probePlan({ Test: ["CMD", "x"], Retries: 2 })!;
    let h: Health = startingHealth(undefined);
    h = applyProbeResult(plan, h, result(1), 0);
    assert.deepEqual([h.Status, h.FailingStreak], ["starting", 1]);
    h = applyProbeResult(plan, h, result(0), 0);
    assert.deepEqual([h.Status, h.FailingStreak], ["healthy", 0]);
    h = applyProbeResult(plan, h, result(1), 0);
    assert.deepEqual([h.Status, h.FailingStreak], ["healthy", 1]);
    h = applyProbeResult(plan, h, result(-1), 0);
    assert.deepEqual([h.Status, h.FailingStreak], ["unhealthy", 2]);
    for (let i = 0; i < 5; i++) h = applyProbeResult(plan, h, result(1), 0);
    assert.equal(h.Log.length, 5);
    assert.deepEqual(startingHealth(h), { Status: "starting", FailingStreak: 0, Log: h.Log });
  });

  it("ignores failures inside the start period while starting, probing at the start interval", () => {
    const plan = probePlan({ Test: ["CMD", "x"], Retries: 1, StartPeriod: 60e9, StartInterval: 1e9 })!;
    const h = applyProbeResult(plan, startingHealth(undefined), result(1, 10_000), 0);
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ["starting", 0, 1]);
    assert.equal(nextProbeDelay(plan, h, 0, 10_000), 1000);
    assert.equal(nextProbeDelay(plan, h, 0, 61_000), 30_000);
    const late = applyProbeResult(plan, h, result(1, 61_000), 0);
    assert.equal(late.Status, "unhealthy");
  });

  it("formats durations as Go does", () => {
    assert.equal(goDuration(30_000), "30s");
    assert.equal(goDuration(200), "200ms");
    assert.equal(goDuration(1500), "1.5s");
    assert.equal(goDuration(90_000), "1m30s");
  });
});
