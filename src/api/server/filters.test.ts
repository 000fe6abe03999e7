import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterBool, parseFilters } from "./filters.ts";

describe("parseFilters", () => {
  it("reads both wire encodings", () => {
    assert.deepEqual([...parseFilters('{"dangling":{"true":true}}', ["dangling"])], [["dangling", ["true"]]]);
    assert.deepEqual([...parseFilters('{"label":["a=b","c"]}', ["label"])], [["label", ["a=b", "c"]]]);
  });

  it("is empty for no filters", () => {
    assert.equal(parseFilters(null, []).size, 0);
    assert.equal(parseFilters("", []).size, 0);
  });

  it("refuses unknown keys and bad JSON with Docker's wording", () => {
    assert.throws(() => parseFilters('{"nope":["x"]}', ["label"]), /invalid filter 'nope'/);
    assert.throws(() => parseFilters("{not json", ["label"]), /invalid filter/);
    assert.throws(() => parseFilters("[1]", ["label"]), /invalid filter/);
  });

  it("parses boolean filter values", () => {
    assert.equal(filterBool("dangling", "true"), true);
    assert.equal(filterBool("dangling", "0"), false);
    assert.throws(() => filterBool("dangling", "maybe"), /invalid filter 'dangling=maybe'/);
  });
});
