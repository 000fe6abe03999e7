import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCpuRanges, parsePortRange } from "./number-ranges.ts";

describe("parseCpuRanges", () => {
  it("reads lists of numbers and ranges", () => {
    assert.deepEqual(parseCpuRanges("0-2,5"), [
      [0, 2],
      [5, 5],
    ]);
    assert.deepEqual(parseCpuRanges("3"), [[3, 3]]);
  });
  it("refuses malformed lists and backward ranges", () => {
    for (const bad of ["", "1,", "-1", "a", "1-2-3", "0,3-1", "1 ,2"])
      assert.equal(parseCpuRanges(bad), undefined, bad);
  });
});

describe("parsePortRange", () => {
  it("reads a port or a range up to 65535", () => {
    assert.deepEqual(parsePortRange("80"), [80, 80]);
    assert.deepEqual(parsePortRange("8000-8002"), [8000, 8002]);
    assert.deepEqual(parsePortRange("0-65535"), [0, 65535]);
  });
  it("refuses the rest", () => {
    for (const bad of ["", "abc", "65536", "80-79", "1-65536", "80/tcp", "-1"])
      assert.equal(parsePortRange(bad), undefined, bad);
  });
});
