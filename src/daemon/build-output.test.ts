import { test } from "node:test";
import assert from "node:assert/strict";
import { unconsumedArgsWarning } from "./build-output.ts";

test("unconsumed build args are named; proxy args never are", () => {
  const args = new Map([
    ["A", "1"],
    ["HTTP_PROXY", "x"],
    ["B", "2"],
  ]);
  assert.equal(
    unconsumedArgsWarning(args, new Set(["A"])),
    "[Warning] One or more build-args [B] were not consumed\n",
  );
  assert.equal(unconsumedArgsWarning(args, new Set(["A", "B"])), undefined);
});
