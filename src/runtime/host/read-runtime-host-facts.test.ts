import assert from "node:assert/strict";
import { it } from "node:test";
import { parseHardLimits, readRuntimeHostFacts } from "./read-runtime-host-facts.ts";

it("parses hard limits, unlimited as Infinity", () => {
  const text = [
    "Limit                     Soft Limit           Hard Limit           Units",
    "Max open files            1024                 524288               files",
    "Max processes             unlimited            unlimited            processes",
  ].join("\n");
  assert.deepEqual(parseHardLimits(text), { nofile: 524288, nproc: Infinity });
});

it("reads this host's facts", () => {
  const facts = readRuntimeHostFacts();
  assert.ok(facts.boundingCaps.length > 0);
  assert.ok(facts.kernelVersion.length > 0);
  assert.ok(facts.cgroupVersion === 1 || facts.cgroupVersion === 2);
});
