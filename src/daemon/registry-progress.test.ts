import assert from "node:assert/strict";
import { test } from "node:test";
import { humanSize, progressBar } from "./registry-progress.ts";

test("sizes as go-units HumanSize", () => {
  assert.equal(humanSize(0), "0B");
  assert.equal(humanSize(999), "999B");
  assert.equal(humanSize(1234), "1.23kB");
  assert.equal(humanSize(2_200_000), "2.2MB");
});

test("a half-done bar", () => {
  assert.equal(progressBar(500, 1000), `[${"=".repeat(25)}>${" ".repeat(24)}]     500B/1kB`);
  assert.equal(progressBar(1000, 1000), `[${"=".repeat(50)}]      1kB/1kB`);
});
