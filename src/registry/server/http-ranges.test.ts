import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseContentRange, parseRangeHeader } from "./http-ranges.ts";

describe("parseContentRange (chunk uploads)", () => {
  it("reads the spec's form and the RFC form", () => {
    assert.deepEqual(parseContentRange("0-1023"), { start: 0, end: 1023 });
    assert.deepEqual(parseContentRange("bytes 10-19/*"), { start: 10, end: 19 });
    assert.deepEqual(parseContentRange("bytes=5-5"), { start: 5, end: 5 });
  });
  it("refuses malformed, reversed, negative and absurd ranges", () => {
    for (const h of ["", "-5", "5-", "a-b", "9-3", "-1-4", "0-1e3", "0-99999999999999999999", "1-2-3"]) {
      assert.equal(parseContentRange(h), undefined, h);
    }
  });
});

describe("parseRangeHeader (blob reads)", () => {
  it("serves single ranges, open ends and suffixes", () => {
    assert.deepEqual(parseRangeHeader("bytes=0-9", 100), { kind: "range", range: { start: 0, end: 9 } });
    assert.deepEqual(parseRangeHeader("bytes=90-", 100), { kind: "range", range: { start: 90, end: 99 } });
    assert.deepEqual(parseRangeHeader("bytes=90-500", 100), { kind: "range", range: { start: 90, end: 99 } });
    assert.deepEqual(parseRangeHeader("bytes=-10", 100), { kind: "range", range: { start: 90, end: 99 } });
    assert.deepEqual(parseRangeHeader("bytes=-500", 100), { kind: "range", range: { start: 0, end: 99 } });
  });
  it("ignores what it may ignore and refuses the unsatisfiable", () => {
    assert.deepEqual(parseRangeHeader(undefined, 10), { kind: "none" });
    assert.deepEqual(parseRangeHeader("items=0-1", 10), { kind: "none" });
    assert.deepEqual(parseRangeHeader("bytes=0-1,3-4", 10), { kind: "none" });
    for (const h of [
      "bytes=10-",
      "bytes=5-2",
      "bytes=-0",
      "bytes=-",
      "bytes=x-1",
      "bytes=99999999999999999999-",
    ]) {
      assert.deepEqual(parseRangeHeader(h, 10), { kind: "unsatisfiable" }, h);
    }
    assert.deepEqual(parseRangeHeader("bytes=0-", 0), { kind: "unsatisfiable" });
  });
});
