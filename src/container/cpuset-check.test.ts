import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCpuList, validateCpusets } from "./cpuset-check.ts";

test("parseCpuList: lists and ranges; malformed ones undefined", () => {
  assert.deepEqual([...(parseCpuList("0-2,5") ?? [])], [0, 1, 2, 5]);
  assert.deepEqual([...(parseCpuList("1") ?? [])], [1]);
  for (const bad of ["", "x", "0-1,x", "2-1", "1,", "-1"]) assert.equal(parseCpuList(bad), undefined, bad);
});

test("validateCpusets: moby's messages for malformed and unavailable lists", () => {
  const host = { cpus: "0-1\n", mems: "0" };
  validateCpusets({ cpus: "0,1", mems: "0" }, host);
  validateCpusets({}, host);
  validateCpusets({ cpus: "", mems: "" }, host);
  assert.throws(() => validateCpusets({ cpus: "0-1,x" }, host), {
    message: "Invalid value 0-1,x for cpuset cpus",
  });
  assert.throws(() => validateCpusets({ cpus: "1-2" }, host), {
    message: "Requested CPUs are not available - requested 1-2, available: 0-1",
  });
  assert.throws(() => validateCpusets({ mems: "3" }, host), {
    message: "Requested memory nodes are not available - requested 3, available: 0",
  });
  // An unreadable host list leaves the check to the runtime.
  validateCpusets({ cpus: "7" }, { cpus: "", mems: "" });
});
