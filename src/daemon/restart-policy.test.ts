import assert from "node:assert/strict";
import { it } from "node:test";
import { decideRestart } from "./restart-policy.ts";

it("follows each policy", () => {
  const d = (name: "no" | "always" | "unless-stopped" | "on-failure", exit: number, count = 0, max = 0) =>
    decideRestart({ Name: name, MaximumRetryCount: max }, exit, count, false, 0, 0).restart;
  assert.equal(d("no", 1), false);
  assert.equal(d("always", 0), true);
  assert.equal(d("unless-stopped", 0), true);
  assert.equal(d("on-failure", 0), false);
  assert.equal(d("on-failure", 2), true);
  assert.equal(d("on-failure", 2, 3, 3), false);
  assert.equal(d("on-failure", 2, 2, 3), true);
  assert.equal(decideRestart(undefined, 1, 0, false, 0, 0).restart, false);
});

it("never restarts a container its user stopped", () => {
  assert.equal(decideRestart({ Name: "always" }, 137, 0, true, 0, 0).restart, false);
});

it("backs off from 100 ms, doubling to a minute, and resets after a 10 s run", () => {
  const next = (prev: number, ran = 0): number =>
    decideRestart({ Name: "always" }, 0, 0, false, prev, ran).delayMs;
  assert.equal(next(0), 100);
  assert.equal(next(100), 200);
  assert.equal(next(40_000), 60_000);
  assert.equal(next(60_000), 60_000);
  assert.equal(next(6_400, 10_000), 100);
});
